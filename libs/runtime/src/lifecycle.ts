import cluster from 'node:cluster';
import type { INestApplicationContext } from '@nestjs/common';
import type { Infrastructure } from './infrastructure.js';

/**
 * Graceful shutdown on SIGTERM/SIGINT: Nest drains the workers (jobs in hand finish), closes
 * queues and the database pool; the embedded database closes last. A second signal forces exit.
 *
 * A process of an API cluster (SUNLIGHT_API_PROCESSES) is stopped by its primary (SIGTERM): a
 * terminal's Ctrl-C reaches the whole process group, and the primary, which receives it too,
 * stops every process. A repeated signal does not cut its drain short there (a service manager
 * may signal the whole group and the primary too); the primary kills on a second signal. When
 * the primary is gone, the process stops itself.
 */
export function closeOnSignals(app: INestApplicationContext, infra: Infrastructure, log: (line: string) => void): void {
  const clustered = cluster.isWorker;
  let closing = false;
  const close = async (signal: string) => {
    if (closing) {
      if (clustered) return;
      process.exit(1);
    }
    closing = true;
    log(`${signal}: shutting down`);
    try {
      await app.close();
    } finally {
      await infra.database.close();
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void close('SIGTERM'));
  if (clustered) {
    process.on('SIGINT', () => undefined);
    process.on('disconnect', () => void close('primary gone'));
  } else {
    process.on('SIGINT', () => void close('SIGINT'));
  }
}
