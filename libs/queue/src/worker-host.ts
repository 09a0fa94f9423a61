import { Inject, Injectable, Logger, OnModuleInit, BeforeApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Job, Worker } from 'bullmq';
import { JOB_HANDLER } from './job-handler.decorator.js';
import { JOB_QUEUE, JobName, QUEUE_CONCURRENCY, QueueName } from './jobs.js';
import type { QueueBackend } from './queue-backend.js';
import { QUEUE_BACKEND } from './tokens.js';

type Handler = (job: Job) => Promise<unknown>;

/**
 * Finds every @JobHandler, refuses to start when a job name has none (or two), and runs one
 * BullMQ worker per queue that dispatches each job to its handler. Stopping drains: workers
 * finish the jobs they hold before the process closes its connections.
 */
@Injectable()
export class WorkerHost implements OnModuleInit, BeforeApplicationShutdown {
  private readonly startHooks: (() => Promise<void>)[] = [];

  private readonly logger = new Logger(WorkerHost.name);
  private readonly handlers = new Map<JobName, Handler>();
  private readonly workers = new Map<QueueName, Worker>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(QUEUE_BACKEND) private readonly backend: QueueBackend,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const proto = Object.getPrototypeOf(instance);
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const name = this.reflector.get<JobName | undefined>(JOB_HANDLER, proto[method]);
        if (!name) continue;
        if (this.handlers.has(name)) throw new Error(`job ${name} has two handlers`);
        this.handlers.set(name, (job) => (instance[method] as Handler).call(instance, job));
      }
    }
  }

  /** Throws unless every job name has a handler in this process. */
  assertComplete(): void {
    const missing = Object.values(JobName).filter((name) => !this.handlers.has(name));
    if (missing.length) throw new Error(`no handler for job ${missing.join(', ')}: import the module that processes it`);
  }

  /** Starts consuming the given queues (all by default). */
  start(queues: QueueName[] = Object.values(QueueName)): void {
    this.assertComplete();
    for (const queue of queues) {
      if (this.workers.has(queue)) continue;
      const worker = new this.backend.classes.Worker(queue, (job: Job) => this.dispatch(job), {
        connection: this.backend.connection,
        prefix: this.backend.prefix,
        concurrency: QUEUE_CONCURRENCY[queue],
        lockDuration: 120_000,
      } as never) as Worker;
      worker.on('failed', (job, err) => this.logger.error({ job: job?.name, id: job?.id, err: err.message }, 'job failed'));
      worker.on('error', (err) => this.logger.error({ queue, err: err.message }, 'worker error'));
      this.workers.set(queue, worker);
    }
  }

  /**
   * Work a worker process does once its workers run (e.g. declaring each supervisor's digest
   * schedule); registered by the modules that own it, run by the WorkerRunner.
   */
  onWorkerProcessStart(hook: () => Promise<void>): void {
    this.startHooks.push(hook);
  }

  async runStartHooks(): Promise<void> {
    for (const hook of this.startHooks) await hook();
  }

  isRunning(queue: QueueName): boolean {
    return this.workers.has(queue);
  }

  /** Stops taking jobs and waits for the ones in hand to finish. */
  async stop(): Promise<void> {
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(workers.map((w) => w.close()));
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.workers.size) {
      this.logger.log('draining workers …');
      await this.stop();
    }
  }

  private async dispatch(job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    if (JOB_QUEUE[job.name as JobName] !== job.queueName) throw new Error(`job ${job.name} arrived on queue ${job.queueName}`);
    return handler(job);
  }
}
