import type { Job } from 'bullmq';

/**
 * Every queue and job of Sunlight, and what each job carries. Payloads are ids only: the row in
 * PostgreSQL is the truth, and a processor reads it, so running a job twice is harmless.
 */
export enum QueueName {
  Ingestion = 'ingestion',
  Checks = 'checks',
  Triage = 'triage',
  Digests = 'digests',
}

export enum JobName {
  /** Load an uploaded disbursement batch file (the batch row names the file). */
  ImportBatch = 'import-batch',
  /** Load an uploaded registry file (the registry_imports row names the file). */
  ImportRegistry = 'import-registry',
  /** Fold a large batch's own partition into the shared one, once its check has run. */
  FoldBatchPartition = 'fold-batch-partition',
  /** Run the cross-checks of a check_runs row. */
  RunChecks = 'run-checks',
  /** Run the backtest of a rule_backtests row (a rule's version over all data, raising nothing). */
  RunBacktest = 'run-backtest',
  /** Set the warning cards of the day (daily, and on demand). */
  SweepCards = 'sweep-cards',
  /** Compose a supervisor's scheduled digest for the period just ended (a job scheduler per supervisor). */
  PrepareDigest = 'prepare-digest',
  /** Look for red cards and R12 repeats to alert supervisors about (at most once an hour each). */
  ScanAlerts = 'scan-alerts',
  /** Deliver one stored digest (mail, webhook); retried with back-off. */
  SendDigest = 'send-digest',
}

export interface JobPayloads {
  [JobName.ImportBatch]: { batchId: string };
  [JobName.ImportRegistry]: { importId: string };
  [JobName.FoldBatchPartition]: { batchId: string };
  [JobName.RunChecks]: { runId: string };
  [JobName.RunBacktest]: { backtestId: string };
  /** `today` only when a person asked for a simulated day; the scheduler sends {}. */
  [JobName.SweepCards]: { today?: string };
  [JobName.PrepareDigest]: { userId: string };
  [JobName.ScanAlerts]: Record<string, never>;
  [JobName.SendDigest]: { digestId: string };
}

/** Which queue carries each job. */
export const JOB_QUEUE = {
  [JobName.ImportBatch]: QueueName.Ingestion,
  [JobName.ImportRegistry]: QueueName.Ingestion,
  [JobName.FoldBatchPartition]: QueueName.Ingestion,
  [JobName.RunChecks]: QueueName.Checks,
  [JobName.RunBacktest]: QueueName.Checks,
  [JobName.SweepCards]: QueueName.Triage,
  [JobName.PrepareDigest]: QueueName.Digests,
  [JobName.ScanAlerts]: QueueName.Digests,
  [JobName.SendDigest]: QueueName.Digests,
} as const satisfies Record<JobName, QueueName>;

/**
 * Repeating jobs every worker process declares at start (BullMQ job schedulers, idempotent):
 * cron patterns read in Asia/Shanghai.
 */
export const SCHEDULES: { id: string; job: JobName; pattern: string; payload: JobPayloads[JobName] }[] = [
  // Just after midnight, so that the morning's queue and digest show the day's cards.
  { id: 'daily-card-sweep', job: JobName.SweepCards, pattern: '10 0 * * *', payload: {} },
  // Red cards and R12 repeats reach supervisors within minutes, at most once an hour each.
  { id: 'digest-alert-scan', job: JobName.ScanAlerts, pattern: '*/5 * * * *', payload: {} },
];

/** The jobs a queue carries. */
export type JobsOf<Q extends QueueName> = { [J in JobName]: (typeof JOB_QUEUE)[J] extends Q ? J : never }[JobName];

/** A BullMQ job whose payload type follows from its name. */
export type JobOf<J extends JobName> = Job<JobPayloads[J], unknown, J>;

/** How many jobs of a queue one process runs at once. */
export const QUEUE_CONCURRENCY: Record<QueueName, number> = {
  [QueueName.Ingestion]: 1,
  [QueueName.Checks]: 1,
  [QueueName.Triage]: 1,
  [QueueName.Digests]: 2,
};
