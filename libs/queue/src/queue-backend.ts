import { createRequire } from 'node:module';
import type { Queue, QueueEvents, Worker } from 'bullmq';
import type pg from 'pg';

/**
 * BullMQ (with ioredis and its own dependencies, some 300 files) is loaded when a queue or worker
 * is first made, not when the process starts: a CLI command that queues nothing never loads it.
 */
const bullmq = (): typeof import('bullmq') => createRequire(import.meta.url)('bullmq');

/** BullMQ on Redis (production) or on its PostgreSQL backend in the application database. */
export type QueueBackendConfig =
  | { kind: 'redis'; url: string; prefix: string }
  | { kind: 'postgres'; connection: pg.PoolConfig; schema: string; consumedElsewhere?: () => boolean };

type Classes = { Queue: typeof Queue; Worker: typeof Worker; QueueEvents: typeof QueueEvents };

export interface QueueBackend {
  config: QueueBackendConfig;
  /** The queue classes (loading BullMQ on first use). */
  readonly classes: Classes;
  /** Connection options for the queue classes of this backend. */
  connection: unknown;
  /** Redis key prefix (the PostgreSQL backend namespaces by schema instead). */
  prefix?: string;
  description: string;
}

export function queueBackend(config: QueueBackendConfig): QueueBackend {
  if (config.kind === 'redis') {
    const u = new URL(config.url);
    return {
      config,
      get classes() {
        const { Queue, Worker, QueueEvents } = bullmq();
        return { Queue, Worker, QueueEvents };
      },
      connection: {
        host: u.hostname,
        port: Number(u.port || 6379),
        username: u.username ? decodeURIComponent(u.username) : undefined,
        password: u.password ? decodeURIComponent(u.password) : undefined,
        db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
        tls: u.protocol === 'rediss:' ? {} : undefined,
        maxRetriesPerRequest: null, // required by BullMQ workers
        connectTimeout: 10_000,
      },
      prefix: config.prefix,
      description: `Redis ${u.hostname}:${u.port || 6379} (prefix ${config.prefix})`,
    };
  }
  let classes: Classes | undefined;
  return {
    config,
    get classes() {
      const { withBackend, createPostgresBackend } = bullmq();
      return (classes ??= withBackend(createPostgresBackend) as unknown as Classes);
    },
    // Small pools: every queue and worker opens its own.
    connection: { ...config.connection, max: 2, schema: config.schema, migrate: true },
    description: `PostgreSQL (schema ${config.schema})`,
  };
}
