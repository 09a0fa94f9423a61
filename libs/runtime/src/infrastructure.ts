import { StartupError } from '@sunlight/common';
import { ConfigError, loadConfig, redactUrl, type AppConfig } from '@sunlight/config';
import { openDatabase, type DatabaseEndpoint, type LockInfo } from '@sunlight/database';
import type { QueueBackendConfig } from '@sunlight/queue';

/** What every process needs before Nest starts: validated config, a database, a queue backend. */
export interface Infrastructure {
  config: AppConfig;
  database: DatabaseEndpoint;
  queue: QueueBackendConfig;
  role: LockInfo['role'];
}

/**
 * Reads the configuration and reaches the database and Redis, so that a bad setting or an
 * unreachable service is one clear line instead of a stack trace deep inside Nest.
 */
export async function openInfrastructure(role: LockInfo['role'], log?: (line: string) => void, env?: NodeJS.ProcessEnv): Promise<Infrastructure> {
  let config: AppConfig;
  try {
    // The CLI talks to people: quiet logs unless LOG_LEVEL asks for more.
    config = loadConfig(env, { logLevel: role === 'cli' ? 'warn' : 'info' });
  } catch (err) {
    if (err instanceof ConfigError) throw new StartupError(`bad configuration: ${err.problems.join('; ')}`);
    throw err;
  }
  if (config.redisUrl) await probeRedis(config.redisUrl);
  const database = await openDatabase(config, { role, log });
  try {
    const queue: QueueBackendConfig = config.redisUrl
      ? { kind: 'redis', url: config.redisUrl, prefix: config.queuePrefix }
      : // Through pglite-socket every connection shares one session, so BullMQ cannot pin its
        // own search_path there: its tables live in public beside ours.
        { kind: 'postgres', connection: database.connection, schema: database.kind === 'embedded' ? 'public' : 'bullmq', consumedElsewhere: database.ownerConsumesJobs };
    return { config, database, queue, role };
  } catch (err) {
    await database.close();
    throw err;
  }
}

async function probeRedis(url: string): Promise<void> {
  // Loaded here: a process on the PostgreSQL queue backend never needs the Redis client.
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let cause: NodeJS.ErrnoException | undefined;
  redis.on('error', (err) => (cause ??= err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    const reason = (cause ?? err) as NodeJS.ErrnoException;
    const text = reason.code === 'ECONNREFUSED' ? 'connection refused' : reason.code === 'ENOTFOUND' ? 'unknown host' : reason.message;
    throw new StartupError(`cannot reach Redis at ${redactUrl(url)} (REDIS_URL): ${text}`);
  } finally {
    redis.disconnect();
  }
}

/** Prints a start-up failure as one line and ends the process. */
export function exitOnStartupError(err: unknown, program: string): never {
  const message = err instanceof StartupError ? err.message : startupMessage(err);
  process.stderr.write(`${program}: ${message}\n`);
  process.exit(1);
}

function startupMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
  if (e?.code === 'EADDRINUSE') return `port ${e.port ?? ''} is in use (PORT); stop the other program or set PORT`.replace('port  is', 'the port is');
  if (e?.code === 'EACCES') return `not allowed to listen on port ${e.port ?? ''} (PORT)`;
  if (e?.code === 'ECONNREFUSED') return `a service refused the connection (${e.address ?? ''}${e.port ? `:${e.port}` : ''})`;
  return e?.message ?? String(err);
}
