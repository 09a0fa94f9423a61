import { Injectable } from '@nestjs/common';
import { JOB_QUEUE, type JobName } from './jobs.js';
import { QueueRegistry } from './queue-registry.js';
import { WorkerHost } from './worker-host.js';

/**
 * For callers that queue a job and wait for its outcome (the CLI): when no worker consumes the
 * job's queue, this process starts one and processes the job itself.
 */
@Injectable()
export class JobWaiter {
  constructor(
    private readonly registry: QueueRegistry,
    private readonly host: WorkerHost,
  ) {}

  /** Makes sure somebody consumes the queue of `job`; returns true when it is this process. */
  async ensureConsumer(job: JobName): Promise<boolean> {
    const queue = JOB_QUEUE[job];
    if (this.host.isRunning(queue)) return true;
    if (await this.consumedElsewhere(job)) return false;
    this.host.start([queue]);
    return true;
  }

  /** Does a worker of another process (a server, a worker process) consume the queue of `job`? */
  async consumedElsewhere(job: JobName): Promise<boolean> {
    const queue = JOB_QUEUE[job];
    if (this.host.isRunning(queue)) return false;
    const backend = this.registry.backend.config;
    if (backend.kind === 'postgres' && backend.consumedElsewhere?.()) return true;
    return (await this.registry.get(queue).workerCount()) > 0;
  }

  /** Polls `done` until it returns a value (the row in PostgreSQL is the truth). */
  async until<T>(done: () => Promise<T | undefined>, options: { intervalMs?: number; onTick?: () => Promise<void> | void } = {}): Promise<T> {
    for (;;) {
      const value = await done();
      if (value !== undefined) return value;
      await options.onTick?.();
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
    }
  }
}
