import type { EntityManager } from 'typeorm';
import type { StoredBatch } from './batch-repository.js';
import type { InputFile } from './file-info.js';
import type { ImportBatchCommand, ImportBatchResult } from './import-batch.usecase.js';
import type { ProgressFn } from './staging.js';

/** One import of a batch file, as the orchestrator hands it to a storage strategy. */
export interface BatchRun {
  batchId: string;
  command: ImportBatchCommand;
  /** Looked at once: format and size. */
  file: InputFile;
  /** Reports progress and keeps the batch's heartbeat. */
  progress: ProgressFn;
  /** What must commit with the batch: called in the transaction that marks it stored. */
  stored(em: EntityManager): Promise<void>;
}

export interface StoreOutcome {
  /** Stored or rejected. Neither this nor `duplicate`: the strategy declined the file. */
  result?: ImportBatchResult;
  /** The same bytes were stored before. */
  duplicate?: StoredBatch;
  /** The file's hash, when the strategy computed it on the way. */
  sha?: string;
}

/** A way of storing a batch's payments: COPY straight into a partition, or staged and validated. */
export interface BatchStorageStrategy {
  store(run: BatchRun): Promise<StoreOutcome>;
}
