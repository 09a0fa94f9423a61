import { Global, Injectable, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { DataSource, type EntityManager, type EntitySubscriberInterface, type TransactionCommitEvent } from 'typeorm';
import { JOB_QUEUE, type JobName, type JobPayloads, type QueueName } from './jobs.js';
import { QueueRegistry } from './queue-registry.js';
import type { TypedQueue } from './typed-queue.js';
import { WorkerHost } from './worker-host.js';

/** Marks a transaction that recorded outbox rows, so that its commit wakes the relay. */
const OUTBOX_WRITTEN = 'sunlight:outbox-written';
/** How long one add may take before the relay leaves the row for later (Redis may be away). */
const ADD_TIMEOUT_MS = 10_000;
/** The periodic pass in worker processes, for rows whose relay failed. */
const RELAY_INTERVAL_MS = 30_000;
const PAGE = 100;

export interface OutboxRow {
  id: string;
  job_name: JobName;
  job_id: string;
  payload: JobPayloads[JobName];
  options: Pick<JobsOptions, 'priority' | 'attempts' | 'backoff'>;
}

/**
 * Jobs recorded in the transaction of the change that calls for them (job_outbox): if the
 * change commits, the job will be queued, even when the queue is unreachable at that moment or
 * the process dies right after the commit. The job id is fixed with the row, so relaying a row
 * twice queues one job.
 */
@Injectable()
export class JobOutbox {
  constructor(private readonly dataSource: DataSource) {}

  async enqueueInTransaction<J extends JobName>(em: EntityManager, job: J, payload: JobPayloads[J], options: OutboxRow['options'] & { jobId: string }): Promise<void> {
    if (!em.queryRunner?.isTransactionActive) throw new Error(`enqueueInTransaction(${job}) needs a transaction`);
    const { jobId, ...rest } = options;
    await em.query(`INSERT INTO job_outbox (job_name, job_id, payload, options) VALUES ($1, $2, $3, $4) ON CONFLICT (job_id) DO NOTHING`, [job, jobId, JSON.stringify(payload), JSON.stringify(rest)]);
    em.queryRunner.data[OUTBOX_WRITTEN] = true;
  }

  /** The oldest rows still to be queued. */
  pending(limit = PAGE): Promise<OutboxRow[]> {
    return this.dataSource.query(`SELECT id::text, job_name, job_id, payload, options FROM job_outbox ORDER BY id LIMIT $1`, [limit]);
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM job_outbox WHERE id = $1`, [id]);
  }

  async recordFailure(id: string, error: string): Promise<void> {
    await this.dataSource.query(`UPDATE job_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [id, error]);
  }
}

/**
 * Moves outbox rows into the queue: after each commit that wrote some, at start-up, and every
 * half minute in worker processes. A row is deleted once its job is added; a failure leaves it
 * for the next pass. Never inside a transaction (the embedded database's one session would wait).
 */
@Injectable()
export class OutboxRelay implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, EntitySubscriberInterface {
  private readonly logger = new Logger(OutboxRelay.name);
  private running?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: JobOutbox,
    private readonly registry: QueueRegistry,
    private readonly host: WorkerHost,
  ) {}

  onModuleInit(): void {
    this.dataSource.subscribers.push(this);
    this.host.onWorkerProcessStart(async () => {
      this.timer = setInterval(() => void this.flush(), RELAY_INTERVAL_MS);
      this.timer.unref();
    });
  }

  /** Rows left by a process that died, or could not reach the queue. */
  onApplicationBootstrap(): void {
    void this.flush();
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const data = event.queryRunner.data as Record<string, unknown>;
    if (!data[OUTBOX_WRITTEN] || event.queryRunner.isTransactionActive) return;
    delete data[OUTBOX_WRITTEN];
    void this.flush();
  }

  /** One relay pass at a time; a request during a pass runs another after it. */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.relay().catch((err: Error) => this.logger.warn({ err: err.message }, 'outbox relay failed; the rows wait for the next pass'));
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async relay(): Promise<void> {
    for (;;) {
      const rows = await this.outbox.pending();
      for (const row of rows) {
        const queue = this.registry.get(JOB_QUEUE[row.job_name]) as TypedQueue<QueueName>;
        try {
          await withTimeout(queue.add(row.job_name as never, row.payload as never, { ...row.options, jobId: row.job_id }), ADD_TIMEOUT_MS);
        } catch (err) {
          await this.outbox.recordFailure(row.id, (err as Error).message);
          throw err;
        }
        await this.outbox.remove(row.id);
      }
      if (rows.length < PAGE) return;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the queue did not answer within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** The outbox and its relay, for processes with both a database and queues (CoreModule). */
@Global()
@Module({ providers: [JobOutbox, OutboxRelay], exports: [JobOutbox] })
export class OutboxModule {}
