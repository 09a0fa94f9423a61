import 'reflect-metadata';
import cluster from 'node:cluster';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { DemoAccounts } from '@sunlight/accounts';
import { NEST_OPTIONS, closeOnSignals, exitOnStartupError, openInfrastructure, useSunlightLogger } from '@sunlight/runtime';
import { ApiModule } from './api.module.js';
import { apiDocument } from './openapi/document.js';
import { serveConsole } from './web/console.js';

/**
 * One API process: API, web console and (unless SUNLIGHT_INLINE_WORKER=false) the worker. In a
 * cluster (SUNLIGHT_API_PROCESSES) each worker process runs this, its log lines numbered.
 */
export async function startServer() {
  const name = cluster.isWorker ? `sunlight[${cluster.worker!.id}]` : 'sunlight';
  const say = (line: string) => process.stderr.write(`${name}: ${line}\n`);
  const infra = await openInfrastructure('server', say).catch((err) => exitOnStartupError(err, name));
  try {
    const app = await NestFactory.create<NestExpressApplication>(ApiModule.register(infra), { ...NEST_OPTIONS, bodyParser: false });
    useSunlightLogger(app);
    app.useBodyParser('json', { limit: '256kb' });
    app.useBodyParser('urlencoded', { limit: '64kb', extended: false });
    app.use(
      helmet({
        contentSecurityPolicy: {
          directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], upgradeInsecureRequests: null },
        },
      }),
    );
    app.enableShutdownHooks([]);
    const document = apiDocument(app);
    SwaggerModule.setup('api/docs', app, document);
    serveConsole(app);
    await app.listen(infra.config.port, infra.config.host);
    const { port } = app.getHttpServer().address() as { port: number };
    const url = `http://${infra.config.host === '0.0.0.0' ? '127.0.0.1' : infra.config.host}:${port}`;
    infra.database.announce({ httpUrl: url, consumesJobs: infra.config.inlineWorker });
    closeOnSignals(app, infra, say);
    say(`ready at ${url}  (API docs ${url}/api/docs, health ${url}/health)`);
    say(`database: ${infra.database.description}; queue: ${infra.queue.kind === 'redis' ? 'Redis' : 'PostgreSQL'}${infra.config.inlineWorker ? '; worker: in this process' : ''}`);
    const demo = await app.get(DemoAccounts).banner();
    if (demo.length) say(`demo logins (change them before real use):\n${demo.join('\n')}`);
  } catch (err) {
    await infra.database.close();
    exitOnStartupError(err, name);
  }
}
