import { existsSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InputError } from '@sunlight/common';
import { BatchRepository, type NewBatch, type StoredBatch } from './batch-repository.js';
import type { BatchRun, StoreOutcome } from './batch-run.js';
import { BatchStorage } from './batch-storage.js';
import { DetailedStorage, stagingTable } from './detailed-storage.js';
import type { BatchStatus } from './types.js';
import { FastCopyStorage } from './fast-storage.js';
import { formatByName, inspectFile, sha256File, type InputFile } from './file-info.js';
import { FileImport } from './file-import.js';
import { IngestionEvents } from './ingestion-events.js';
import { IngestionJanitor } from './ingestion-janitor.js';
import type { ProgressFn } from './staging.js';

export class ImportBatchCommand {
  constructor(
    /** The file on this machine. */
    readonly file: string,
    /** How the uploader calls it (for messages). */
    readonly fileName: string,
    readonly uploadedBy: string,
    /** The uploader's region: every row must lie inside it ('' = the whole country). */
    readonly regionScope: string,
    /** Store the valid rows even when some are rejected. */
    readonly allowPartial: boolean,
    /** An existing pending batch row (API uploads create it before the job runs). */
    readonly batchId?: string,
  ) {}
}

export interface ImportBatchResult {
  batchId: string;
  status: BatchStatus;
  accepted: number;
  rejected: number;
  /** The earlier batch with the same bytes, when this import was a repeat. */
  duplicateOf: string | null;
  /** A problem of the whole file. */
  error?: string;
}

/**
 * Imports a disbursement batch (CONTRACT §3.1), whole or (by default) not at all.
 *
 * The orchestrator: it looks at the file once, answers a file already stored with its batch, and
 * hands the import to a storage strategy: FastCopyStorage for a large clean CSV (which may
 * decline it), else DetailedStorage. The payments become visible only in the transaction that
 * marks the batch stored, so a crash leaves nothing half-stored and the import can simply be
 * run again. The same bytes are stored once.
 */
@Injectable()
export class ImportBatch {
  constructor(
    private readonly dataSource: DataSource,
    private readonly files: FileImport,
    private readonly storage: BatchStorage,
    private readonly batches: BatchRepository,
    private readonly fast: FastCopyStorage,
    private readonly detailed: DetailedStorage,
    private readonly events: IngestionEvents,
    private readonly janitor: IngestionJanitor,
  ) {}

  async execute(command: ImportBatchCommand, progress?: ProgressFn): Promise<ImportBatchResult> {
    await this.janitor.sweep();
    let file: InputFile;
    try {
      file = await inspectFile(command.file, command.fileName);
    } catch (err) {
      // A file that is there but no table (empty, legacy .xls, UTF-16 …) is a batch rejected whole.
      if (!(err instanceof InputError) || !existsSync(command.file)) throw err;
      const batchId = command.batchId ?? (await this.batches.create({ ...this.newBatch(command, await sha256File(command.file)), format: formatByName(command.fileName) }));
      await this.batches.start(batchId);
      return this.reject(batchId, err);
    }
    const fast = this.fast.accepts(file);
    // A large file is hashed on its way into the database instead, in the same pass.
    let sha: string | undefined;
    if (!fast) {
      progress?.('hashing');
      sha = await sha256File(file.path);
      const duplicate = await this.batches.storedWithHash(sha);
      if (duplicate) return this.answerDuplicate(command.batchId, duplicate);
    }
    const batchId = command.batchId ?? (await this.batches.create({ ...this.newBatch(command, sha ?? ''), format: file.format }));
    await this.batches.start(batchId);
    // A heartbeat by the clock too: progress stops being reported inside one long statement.
    const beating = setInterval(() => void this.batches.alive(batchId).catch(() => undefined), HEARTBEAT_MS);
    beating.unref();
    const run: BatchRun = {
      batchId,
      command,
      file,
      progress: this.heartbeat(batchId, progress),
      // The batch's check is recorded with the batch (an outbox row): a crash cannot lose it.
      stored: (em) => this.events.batchStoredInTransaction(em, { batchId, uploadedBy: command.uploadedBy }),
    };
    try {
      let outcome: StoreOutcome = fast ? await this.fast.store(run) : {};
      sha ??= outcome.sha;
      if (!outcome.result && !outcome.duplicate) {
        // The detailed path reads the file again: the hash must be known and claimed first.
        sha ??= await sha256File(file.path);
        const duplicate = await this.batches.storedWithHash(sha);
        if (duplicate) return this.answerDuplicate(batchId, duplicate);
        await this.batches.recordHash(batchId, sha);
        outcome = await this.detailed.store(run);
      }
      if (outcome.duplicate) return this.answerDuplicate(batchId, outcome.duplicate);
      return outcome.result!;
    } catch (err) {
      if (err instanceof InputError) return await this.reject(batchId, err);
      if ((err as { code?: string }).code === '23505' && sha) {
        const other = await this.batches.storedWithHash(sha); // stored by a concurrent import a moment ago
        if (other) return this.answerDuplicate(batchId, other);
      }
      await this.batches.finish(batchId, 'failed', { error: (err as Error).message }).catch(() => undefined);
      throw err;
    } finally {
      clearInterval(beating);
      await this.files.drop(stagingTable(batchId)).catch(() => undefined);
      await this.storage.dropLanding(batchId).catch(() => undefined); // a no-op once attached (renamed)
    }
  }

  private newBatch(command: ImportBatchCommand, sha256: string): Omit<NewBatch, 'format'> {
    return { sha256, fileName: command.fileName, regionScope: command.regionScope, uploadedBy: command.uploadedBy, allowPartial: command.allowPartial };
  }

  /** A problem of the whole file: the batch is rejected, and its one rejected row says why. */
  private async reject(batchId: string, error: InputError): Promise<ImportBatchResult> {
    await this.dataSource.transaction((em) => this.files.recordFileProblem(em, 'batch', batchId, error));
    await this.batches.finish(batchId, 'rejected', { error: error.message });
    return { batchId, status: 'rejected', accepted: 0, rejected: 0, duplicateOf: null, error: error.message };
  }

  /** The same bytes as a stored batch: answer with it; this attempt's row says so. */
  private async answerDuplicate(attempt: string | undefined, duplicate: StoredBatch): Promise<ImportBatchResult> {
    if (attempt) await this.batches.finish(attempt, 'failed', { error: sameFile(duplicate.batchId) });
    return { batchId: duplicate.batchId, status: 'stored', accepted: duplicate.accepted, rejected: duplicate.rejected, duplicateOf: duplicate.batchId };
  }

  /** Progress for the caller, and a heartbeat in the batch row so that a dead import is noticed. */
  private heartbeat(batchId: string, progress?: ProgressFn): ProgressFn {
    let last = 0;
    return (phase, detail) => {
      progress?.(phase, detail);
      if (Date.now() - last < 2000) return;
      last = Date.now();
      void this.batches.beat(batchId, { phase, ...detail }).catch(() => undefined);
    };
  }
}

/** Well inside the janitor's 15 minutes, rare enough to cost nothing. */
const HEARTBEAT_MS = 60_000;

const sameFile = (batchId: string) => `与批次 ${batchId} 的文件相同 (same file as batch ${batchId})`;
