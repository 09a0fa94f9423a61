import pg from 'pg';
import { QueueName, queueBackend } from '@sunlight/queue';
import { embeddedDatabase, type TestEnv } from './harness.js';

/** SQL on the installation's database, as its owner (what the app itself could not do, e.g. age a lock). */
export async function ownerSql<T = any>(env: TestEnv, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client(env.databaseUrl ? { connectionString: env.databaseUrl } : await embeddedDatabase(env));
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * A queue of a running installation, as another of its processes sees it (BullMQ on Redis, or on
 * PostgreSQL in its database): to put in a job the way the product does. Close it after use.
 */
export async function installationQueue(env: TestEnv, name: QueueName) {
  const backend = await installationBackend(env);
  return new backend.classes.Queue(name, { connection: backend.connection, prefix: backend.prefix } as never);
}

/** A worker on a queue of a running installation, as another of its processes runs one. Close it after use. */
export async function installationWorker(env: TestEnv, name: QueueName, processor: () => Promise<unknown>) {
  const backend = await installationBackend(env);
  return new backend.classes.Worker(name, processor, { connection: backend.connection, prefix: backend.prefix } as never);
}

async function installationBackend(env: TestEnv) {
  return env.env.REDIS_URL
    ? queueBackend({ kind: 'redis', url: env.env.REDIS_URL, prefix: env.env.SUNLIGHT_QUEUE_PREFIX })
    : queueBackend({ kind: 'postgres', connection: env.databaseUrl ? { connectionString: env.databaseUrl } : await embeddedDatabase(env), schema: env.databaseUrl ? 'bullmq' : 'public' });
}
