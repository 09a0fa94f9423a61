import { isDeepStrictEqual } from 'node:util';
import type { JobsOptions, Queue } from 'bullmq';
import { JOB_QUEUE, type JobName, type JobPayloads, type JobsOf, type QueueName } from './jobs.js';
import { TIME_ZONE } from '@sunlight/common';

/** BullMQ's ErrorCode.SchedulerJobIdCollision (BullMQ itself is loaded lazily, so not imported). */
const SCHEDULER_JOB_ID_COLLISION = -10;

/**
 * A BullMQ queue that only accepts its own jobs, with their payload types. The BullMQ queue is
 * made on first use: a process that never touches a queue (a CLI import) opens no connection
 * for it.
 */
export class TypedQueue<Q extends QueueName> {
  private made?: Queue;

  constructor(
    readonly name: Q,
    private readonly make: () => Queue,
  ) {}

  get queue(): Queue {
    return (this.made ??= this.make());
  }

  /** Whether the BullMQ queue was made (and so has something to close). */
  get opened(): boolean {
    return this.made !== undefined;
  }

  add<J extends JobsOf<Q>>(job: J, payload: JobPayloads[J], options?: JobsOptions) {
    if (JOB_QUEUE[job as JobName] !== this.name) throw new Error(`job ${job} does not belong to queue ${this.name}`);
    return this.queue.add(job, payload, { removeOnComplete: { age: 7 * 24 * 3600, count: 1000 }, removeOnFail: { age: 30 * 24 * 3600 }, ...options });
  }

  /**
   * Creates or updates a repeating job (a BullMQ job scheduler): `pattern` is a cron expression
   * read in `tz` (Asia/Shanghai unless said otherwise). Upserting is idempotent, so every worker
   * process may declare its schedules at start.
   */
  async schedule<J extends JobsOf<Q>>(schedulerId: string, pattern: string, job: J, payload: JobPayloads[J], tz = TIME_ZONE): Promise<void> {
    if (JOB_QUEUE[job as JobName] !== this.name) throw new Error(`job ${job} does not belong to queue ${this.name}`);
    try {
      await this.queue.upsertJobScheduler(schedulerId, { pattern, tz }, { name: job, data: payload, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
    } catch (e) {
      // We read the clock a moment before a slot, and a worker took that slot's iteration before
      // our upsert arrived: BullMQ refuses to replace a running iteration. When the scheduler
      // already says what we declare, that refusal is the upsert done; the worker schedules the next.
      if ((e as { code?: number }).code !== SCHEDULER_JOB_ID_COLLISION) throw e;
      const current = await this.queue.getJobScheduler(schedulerId);
      const same = current?.pattern === pattern && current.tz === tz && current.name === job && isDeepStrictEqual(current.template?.data ?? {}, payload);
      if (!same) throw e;
    }
  }

  /** Processes registered on this queue right now. */
  workerCount(): Promise<number> {
    return this.queue.getWorkersCount();
  }
}
