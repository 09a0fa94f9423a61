import { Injectable, Module } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AuditLog } from '@sunlight/audit';
import { ConflictError, NotFoundError, maskPersonalData } from '@sunlight/common';
import { JobName, QueueName } from './jobs.js';
import { QueueRegistry } from './queue-registry.js';

/** What each queue and job is, in Chinese (the console shows these; the codes stay English). */
export const QUEUE_LABELS: Record<QueueName, string> = {
  [QueueName.Ingestion]: '文件导入',
  [QueueName.Checks]: '比对',
  [QueueName.Triage]: '预警牌扫描',
  [QueueName.Digests]: '预警摘要',
};

export const JOB_LABELS: Record<JobName, string> = {
  [JobName.ImportBatch]: '导入发放批次',
  [JobName.ImportRegistry]: '导入比对库',
  [JobName.FoldBatchPartition]: '合并大批次分区',
  [JobName.RunChecks]: '运行比对',
  [JobName.RunBacktest]: '规则回测',
  [JobName.SweepCards]: '设置预警牌',
  [JobName.PrepareDigest]: '生成定期摘要',
  [JobName.ScanAlerts]: '扫描即时预警',
  [JobName.SendDigest]: '发送摘要',
};

export interface QueueCounts {
  name: QueueName;
  label: string;
  /** Waiting to be picked up (prioritized jobs included). */
  waiting: number;
  active: number;
  failed: number;
  delayed: number;
  completed: number;
}

export interface FailedJob {
  id: string;
  name: string;
  label: string;
  /** Ids only (CONTRACT of the jobs): which row the job works on. */
  data: Record<string, unknown>;
  failedReason: string;
  attemptsMade: number;
  /** Attempts allowed before the job stays failed. */
  attempts: number;
  /** When the job was queued (ISO). */
  timestamp: string;
  /** When it last failed (ISO). */
  failedAt: string | null;
}

export interface FailedJobPage {
  queue: QueueName;
  total: number;
  items: FailedJob[];
}

/** One queue by its name, or a 404 naming the known ones. */
function known(name: string): QueueName {
  if (!(Object.values(QueueName) as string[]).includes(name)) {
    throw new NotFoundError(`没有队列 ${name}，队列有 ${Object.values(QueueName).join('、')} (no such queue)`);
  }
  return name as QueueName;
}

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

function failedJob(job: Job): FailedJob {
  return {
    id: String(job.id),
    name: job.name,
    label: JOB_LABELS[job.name as JobName] ?? job.name,
    data: (job.data ?? {}) as Record<string, unknown>,
    failedReason: job.failedReason ?? '',
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    timestamp: iso(job.timestamp)!,
    failedAt: iso(job.finishedOn),
  };
}

/**
 * The health of every queue, through BullMQ's own API, so that it reads the same on Redis and
 * on BullMQ's PostgreSQL backend (the embedded default).
 */
@Injectable()
export class QueueHealth {
  constructor(private readonly registry: QueueRegistry) {}

  async counts(): Promise<QueueCounts[]> {
    return Promise.all(
      Object.values(QueueName).map(async (name) => {
        const queue = this.registry.get(name).queue;
        // (No count of workers: on the embedded database, BullMQ's PostgreSQL backend reads them
        // from pg_stat_activity, which the session multiplexer does not fill in.)
        const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'failed', 'delayed', 'completed');
        return {
          name,
          label: QUEUE_LABELS[name],
          waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
          active: c.active ?? 0,
          failed: c.failed ?? 0,
          delayed: c.delayed ?? 0,
          completed: c.completed ?? 0,
        };
      }),
    );
  }

  /** Failed jobs of a queue, the latest failure first. */
  async failed(queueName: string, offset = 0, limit = 50): Promise<FailedJobPage> {
    const name = known(queueName);
    const queue = this.registry.get(name).queue;
    const [total, jobs] = await Promise.all([queue.getJobCountByTypes('failed'), queue.getFailed(offset, offset + limit - 1)]);
    return { queue: name, total, items: jobs.filter(Boolean).map(failedJob) };
  }

  /** Puts one failed job back to waiting; answers it as it was. */
  async retry(queueName: string, jobId: string): Promise<FailedJob> {
    const name = known(queueName);
    const queue = this.registry.get(name).queue;
    const job = (await queue.getJob(jobId)) as Job | undefined;
    if (!job) throw new NotFoundError(`队列 ${name} 中没有任务 ${jobId} (no such job)`);
    const state = await job.getState();
    if (state !== 'failed') throw new ConflictError(`任务 ${jobId} 当前状态为 ${state}，只有失败的任务可以重试 (only a failed job can be retried)`, { state });
    const before = failedJob(job);
    await job.retry('failed');
    return before;
  }

  /**
   * Puts every failed job of a queue back to waiting, one by one as `retry` does (BullMQ's bulk
   * retryJobs keeps the attempts made on Redis but resets them on PostgreSQL); the jobs are
   * listed first, so one that fails again meanwhile is not retried twice. Answers how many.
   */
  async retryAll(queueName: string): Promise<number> {
    const name = known(queueName);
    const queue = this.registry.get(name).queue;
    const jobs: Job[] = [];
    for (let start = 0; ; start += RETRY_PAGE) {
      const page = (await queue.getFailed(start, start + RETRY_PAGE - 1)).filter(Boolean) as Job[];
      jobs.push(...page);
      if (page.length < RETRY_PAGE) break;
    }
    let retried = 0;
    for (const job of jobs) {
      // A job retried or removed meanwhile is not failed any more: nothing to do for it.
      if (await job.retry('failed').then(() => true, () => false)) retried++;
    }
    return retried;
  }
}

const RETRY_PAGE = 500;

export class RetryJobCommand {
  constructor(
    readonly queue: string,
    /** One job, or every failed job of the queue when absent. */
    readonly jobId?: string,
  ) {}
}

/** The admin retries failed jobs (one, or all of a queue): an audited event each time. */
@Injectable()
export class RetryFailedJobs {
  constructor(
    private readonly health: QueueHealth,
    private readonly audit: AuditLog,
  ) {}

  async execute(command: RetryJobCommand): Promise<{ queue: string; retried: number }> {
    if (command.jobId !== undefined) {
      const job = await this.health.retry(command.queue, command.jobId);
      await this.audit.record({
        action: 'queue.retry',
        subjectType: 'job',
        subjectId: `${command.queue}:${job.id}`,
        data: { queue: command.queue, job: job.name, data: job.data, failedReason: maskPersonalData(job.failedReason.slice(0, 500)), attemptsMade: job.attemptsMade },
      });
      return { queue: command.queue, retried: 1 };
    }
    const retried = await this.health.retryAll(command.queue);
    await this.audit.record({ action: 'queue.retry-all', subjectType: 'queue', subjectId: command.queue, data: { retried } });
    return { queue: command.queue, retried };
  }
}

/** Queue health and retries, for the admin's API (the audit trail must be available: AuditModule). */
@Module({ providers: [QueueHealth, RetryFailedJobs], exports: [QueueHealth, RetryFailedJobs] })
export class QueueAdminModule {}
