import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { SunlightLogger, closeOnSignals, exitOnStartupError, openInfrastructure } from '@sunlight/runtime';
import { ApiModule } from './api.module.js';

/** `npm start`: API, web console and (unless SUNLIGHT_INLINE_WORKER=false) the worker. */
async function main() {
  const say = (line: string) => process.stderr.write(`sunlight: ${line}\n`);
  const infra = await openInfrastructure('server', say).catch((err) => exitOnStartupError(err, 'sunlight'));
  try {
    const app = await NestFactory.create(ApiModule.register(infra), { bufferLogs: true, abortOnError: false });
    app.useLogger(app.get(SunlightLogger));
    app.enableShutdownHooks([]);
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder().setTitle('阳光监管 Sunlight API').setDescription('惠民惠农资金监督：发放批次、比对规则、问题线索').setVersion('1').build(),
    );
    SwaggerModule.setup('api/docs', app, document);
    await app.listen(infra.config.port, infra.config.host);
    const { port } = app.getHttpServer().address() as { port: number };
    const url = `http://${infra.config.host === '0.0.0.0' ? '127.0.0.1' : infra.config.host}:${port}`;
    infra.database.announce({ httpUrl: url });
    closeOnSignals(app, infra, say);
    say(`ready at ${url}  (API docs ${url}/api/docs, health ${url}/health)`);
    say(`database: ${infra.database.description}; queue: ${infra.queue.kind === 'redis' ? 'Redis' : 'PostgreSQL'}${infra.config.inlineWorker ? '; worker: in this process' : ''}`);
  } catch (err) {
    await infra.database.close();
    exitOnStartupError(err, 'sunlight');
  }
}

void main();
