import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NEST_OPTIONS, closeOnSignals, exitOnStartupError, openInfrastructure, useSunlightLogger } from '@sunlight/runtime';
import { WorkerModule } from './worker.module.js';

/** `npm run start:worker`: processes queued jobs until SIGTERM, then drains. */
async function main() {
  const say = (line: string) => process.stderr.write(`sunlight-worker: ${line}\n`);
  const infra = await openInfrastructure('worker', say).catch((err) => exitOnStartupError(err, 'sunlight-worker'));
  try {
    const app = await NestFactory.createApplicationContext(WorkerModule.register(infra), NEST_OPTIONS);
    useSunlightLogger(app);
    await app.init();
    closeOnSignals(app, infra, say);
    infra.database.announce({ consumesJobs: true });
    say(`processing jobs (database: ${infra.database.description}; queue: ${infra.queue.kind})`);
  } catch (err) {
    await infra.database.close();
    exitOnStartupError(err, 'sunlight-worker');
  }
}

void main();
