import type { INestApplicationContext } from '@nestjs/common';
import type { Infrastructure } from './infrastructure.js';

/**
 * Graceful shutdown on SIGTERM/SIGINT: Nest drains the workers (jobs in hand finish), closes
 * queues and the database pool; the embedded database closes last. A second signal forces exit.
 */
export function closeOnSignals(app: INestApplicationContext, infra: Infrastructure, log: (line: string) => void): void {
  let closing = false;
  const close = async (signal: string) => {
    if (closing) process.exit(1);
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
  process.on('SIGINT', () => void close('SIGINT'));
}
