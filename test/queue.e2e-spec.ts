import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import pg from 'pg';
import { JobHandler, JobName, QueueModule, QueueName, QueueRegistry, WorkerHost, type JobOf, type QueueBackendConfig } from '@sunlight/queue';
import { backends, freshEnv, type TestEnv } from './support/harness.js';

const events: string[] = [];

@Injectable()
class SlowChecks {
  @JobHandler(JobName.RunChecks)
  async run(job: JobOf<JobName.RunChecks>) {
    events.push(`start ${job.data.runId}`);
    await new Promise((r) => setTimeout(r, 1500));
    events.push(`end ${job.data.runId}`);
    return { ok: true };
  }
}

/** The other jobs, so that the worker host has a handler for every name. */
@Injectable()
class Imports {
  @JobHandler(JobName.ImportBatch)
  async batch() {
    return undefined;
  }

  @JobHandler(JobName.ImportRegistry)
  async registry() {
    return undefined;
  }

  @JobHandler(JobName.SweepCards)
  async sweep() {
    return undefined;
  }

  @JobHandler(JobName.PrepareDigest)
  async prepare() {
    return undefined;
  }

  @JobHandler(JobName.ScanAlerts)
  async scan() {
    return undefined;
  }

  @JobHandler(JobName.SendDigest)
  async send() {
    return undefined;
  }

  @JobHandler(JobName.RunBacktest)
  async backtest() {
    return undefined;
  }

  @JobHandler(JobName.FoldBatchPartition)
  async fold() {
    return undefined;
  }
}

function moduleFor(backend: QueueBackendConfig, handlers: unknown[]) {
  @Module({ imports: [QueueModule.forRoot(backend)], providers: handlers as never[] })
  class TestModule {}
  return TestModule;
}

describe.each(backends().filter((b) => b.name !== 'embedded'))('typed queues on $name', ({ name, skip }) => {
  if (skip) {
    it.skip(`skipped: ${skip}`, () => undefined);
    return;
  }
  let env: TestEnv;
  let backend: QueueBackendConfig;
  beforeAll(async () => {
    env = await freshEnv(name);
    backend = name === 'postgres+redis'
      ? { kind: 'redis', url: env.env.REDIS_URL, prefix: env.env.SUNLIGHT_QUEUE_PREFIX }
      : { kind: 'postgres', connection: { connectionString: env.databaseUrl }, schema: 'bullmq' };
  });
  afterAll(async () => env?.cleanup());

  it('refuses to start workers when a job name has no handler', async () => {
    const app = await NestFactory.createApplicationContext(moduleFor(backend, [SlowChecks]), { logger: false });
    try {
      expect(() => app.get(WorkerHost).start()).toThrow(/no handler for job import-batch/);
    } finally {
      await app.close();
    }
  });

  it('drains on shutdown: the job in hand finishes before the process lets go', async () => {
    events.length = 0;
    const app = await NestFactory.createApplicationContext(moduleFor(backend, [SlowChecks, Imports]), { logger: false });
    let job;
    try {
      app.get(WorkerHost).start();
      job = await app.get(QueueRegistry).get(QueueName.Checks).add(JobName.RunChecks, { runId: '42' });
      for (let i = 0; i < 100 && !events.includes('start 42'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(events).toEqual(['start 42']);
    } finally {
      await app.close(); // SIGTERM does this
    }
    expect(events).toEqual(['start 42', 'end 42']);

    const reopened = await NestFactory.createApplicationContext(moduleFor(backend, [SlowChecks, Imports]), { logger: false });
    try {
      const state = await reopened.get(QueueRegistry).get(QueueName.Checks).queue.getJobState(job.id!);
      expect(state).toBe('completed');
    } finally {
      await reopened.close();
    }
  });

  it('declares a schedule whose next iteration a worker has just taken, instead of failing the start', async () => {
    // A process reads the clock a moment before a slot; by the time its upsert reaches the queue,
    // another worker has taken that slot's iteration and not yet scheduled the next. BullMQ then
    // refuses the upsert ("job ID already exists"), which failed a server's start in CI.
    const app = await NestFactory.createApplicationContext(moduleFor(backend, []), { logger: false });
    const queue = app.get(QueueRegistry).get(QueueName.Triage);
    const yearly = '0 3 1 1 *'; // New Year's Day: the test would have to run in that very minute for the clock to cross the slot
    try {
      await queue.schedule('taken-slot', yearly, JobName.SweepCards, {});
      const next = (await queue.queue.getJobScheduler('taken-slot'))!.next!;
      await takeIteration(`repeat:taken-slot:${next}`);

      await expect(queue.schedule('taken-slot', yearly, JobName.SweepCards, {})).resolves.toBeUndefined();
      expect(await queue.queue.getJobScheduler('taken-slot')).toMatchObject({ pattern: yearly, next });
      // Another cron with the same slot, or another payload, is a change the running iteration would hide: it still fails.
      await expect(queue.schedule('taken-slot', '0 3 1 */12 *', JobName.SweepCards, {})).rejects.toThrow(/job ID already exists/);
      await expect(queue.schedule('taken-slot', yearly, JobName.SweepCards, { today: '2027-01-01' })).rejects.toThrow(/job ID already exists/);
    } finally {
      await queue.queue.removeJobScheduler('taken-slot');
      await app.close();
    }
  });

  /** Moves a delayed job to active, as a worker's claim does, without running the worker. */
  async function takeIteration(jobId: string) {
    if (backend.kind === 'redis') {
      const redis = new Redis(backend.url);
      try {
        const key = `${backend.prefix}:${QueueName.Triage}`;
        expect(await redis.zrem(`${key}:delayed`, jobId)).toBe(1);
        await redis.lpush(`${key}:active`, jobId);
      } finally {
        await redis.quit();
      }
    } else {
      const db = new pg.Client({ connectionString: env.databaseUrl });
      await db.connect();
      try {
        const r = await db.query(`UPDATE bullmq.job SET state = 'active' WHERE id = $1 AND state = 'delayed'`, [jobId]);
        expect(r.rowCount).toBe(1);
      } finally {
        await db.end();
      }
    }
  }

  // The PostgreSQL backend has no keys to tag.
  if (name !== 'postgres+redis') return;
  it('runs on a hash-tagged prefix, every key of every queue in one Redis Cluster slot', async () => {
    if (backend.kind !== 'redis') throw new Error('expected the Redis backend');
    const tag = `{${backend.prefix}-tagged}`;
    const tagged: QueueBackendConfig = { ...backend, prefix: tag };
    events.length = 0;
    const app = await NestFactory.createApplicationContext(moduleFor(tagged, [SlowChecks, Imports]), { logger: false });
    const redis = new Redis(env.env.REDIS_URL!);
    try {
      app.get(WorkerHost).start();
      const job = await app.get(QueueRegistry).get(QueueName.Checks).add(JobName.RunChecks, { runId: '43' });
      for (let i = 0; i < 100 && !events.includes('end 43'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(events).toEqual(['start 43', 'end 43']);
      expect(await app.get(QueueRegistry).get(QueueName.Checks).queue.getJobState(job.id!)).toBe('completed');
      const keys = await redis.keys(`${tag}:*`);
      expect(keys.length).toBeGreaterThan(0);
      // Redis Cluster hashes only what is inside the first braces: the tag, the same for all.
      expect(keys.filter((k) => !k.startsWith(`${tag}:`))).toEqual([]);
      expect(keys.some((k) => k.startsWith(`${tag}:checks:`))).toBe(true);
    } finally {
      await app.close();
      const keys = await redis.keys(`${tag}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });
});
