import { Injectable } from '@nestjs/common';
import { stat } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { InputError } from '@sunlight/common';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { affectedRows } from '@sunlight/database';
import { ProgramsService } from '@sunlight/programs';
import { commonRegion } from '@sunlight/regions';
import { BatchStorage, PAYMENT_COLUMNS, batchCondition, paymentValues } from './batch-storage.js';
import { CleanCsvProbe } from './clean-csv-probe.js';
import { BATCH_COLUMNS } from './columns.js';
import type { BatchStatus } from './entities/index.js';
import { detectFormat, sha256File } from './file-info.js';
import { FileImport, notRejected } from './file-import.js';
import { mapHeader, readCsvHeader } from './header.js';
import { IngestionEvents } from './ingestion-events.js';
import { IngestionJanitor } from './ingestion-janitor.js';
import type { ProgressFn } from './staging.js';
import { MISPLACED_TOTAL_REASON, TotalRowFinder, totalRowProblem } from './total-row.js';
import { normalizedRowsSql, validatedRowsSql } from './validation-sql.js';

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

/** Bytes per row of a typical batch file, to guess from its size whether it is large. */
const BYTES_PER_ROW = 110;

/**
 * Imports a disbursement batch (CONTRACT §3.1), whole or (by default) not at all.
 *
 * Fast path, for a large clean CSV: COPY straight into a landing table of the final shape, check
 * it with cheap set-based tests, index it, attach it. Detailed path, for everything else (small
 * files, XLSX, files that need cleaning or have errors): COPY into an all-text staging table,
 * validate every cell in SQL naming row, column, value and reason, then store the valid rows.
 * The payments become visible only in the transaction that marks the batch stored, so a crash
 * leaves nothing half-stored and the import can simply be run again. The same bytes are stored once.
 */
@Injectable()
export class ImportBatch {
  private regions?: Set<string>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly files: FileImport,
    private readonly storage: BatchStorage,
    private readonly programs: ProgramsService,
    private readonly events: IngestionEvents,
    private readonly janitor: IngestionJanitor,
    private readonly totals: TotalRowFinder,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async execute(command: ImportBatchCommand, progress?: ProgressFn): Promise<ImportBatchResult> {
    await this.janitor.sweep();
    const large = (await detectFormat(command.file, command.fileName)) === 'csv' && (await stat(command.file)).size >= this.config.batchPartitionRows * BYTES_PER_ROW;
    let sha: string | undefined;
    if (!large) {
      progress?.('hashing');
      sha = await sha256File(command.file);
      const duplicate = await this.storedWithHash(sha);
      if (duplicate) return this.answerDuplicate(command.batchId, duplicate);
    }
    const batchId = command.batchId ?? (await this.createBatch(command, sha ?? ''));
    await this.dataSource.query(`UPDATE disbursement_batches SET status = 'importing', heartbeat_at = now() WHERE id = $1`, [batchId]);
    const beat = this.heartbeat(batchId, progress);
    try {
      let result: ImportBatchResult | undefined;
      if (large) {
        const fast = await this.fastPath(batchId, command, beat);
        if (fast.duplicate) return this.answerDuplicate(batchId, fast.duplicate);
        result = fast.result;
        sha = fast.sha;
      }
      if (!result) {
        sha ??= await sha256File(command.file);
        const duplicate = await this.storedWithHash(sha);
        if (duplicate) return this.answerDuplicate(batchId, duplicate);
        await this.dataSource.query(`UPDATE disbursement_batches SET file_sha256 = $2 WHERE id = $1`, [batchId, sha]);
        result = await this.detailedPath(batchId, command, beat);
      }
      if (result.status === 'stored') await this.events.emitBatchStored({ batchId, uploadedBy: command.uploadedBy });
      return result;
    } catch (err) {
      if (err instanceof InputError) {
        await this.dataSource.transaction((em) => this.files.recordFileProblem(em, 'batch', batchId, err));
        await this.finish(batchId, 'rejected', { error: err.message });
        return { batchId, status: 'rejected', accepted: 0, rejected: 0, duplicateOf: null, error: err.message };
      }
      if ((err as { code?: string }).code === '23505' && sha) {
        const other = await this.storedWithHash(sha); // stored by a concurrent import a moment ago
        if (other) return this.answerDuplicate(batchId, other);
      }
      await this.finish(batchId, 'failed', { error: (err as Error).message }).catch(() => undefined);
      throw err;
    } finally {
      await this.files.drop(`stg_batch_${batchId}`).catch(() => undefined);
      await this.storage.dropLanding(batchId).catch(() => undefined); // a no-op once attached (renamed)
    }
  }

  /**
   * A large CSV file: streamed once, hashed and checked in JavaScript while PostgreSQL's COPY
   * loads it into a partition of its own. A file that is not already clean (result undefined)
   * goes down the detailed path.
   */
  private async fastPath(batchId: string, command: ImportBatchCommand, progress: ProgressFn): Promise<{ result?: ImportBatchResult; duplicate?: ImportBatchResult; sha?: string }> {
    const header = mapHeader(await readCsvHeader(command.file, command.fileName), BATCH_COLUMNS, command.fileName);
    const probe = new CleanCsvProbe({ specs: BATCH_COLUMNS, header, regions: await this.knownRegions(), programs: new Set(this.programs.all().map((p) => p.code)), scope: command.regionScope });
    progress('loading');
    const rows = await this.storage.copyTyped(batchId, command.file, header, probe);
    // A total row that disagrees is reported by the detailed path, with its figures.
    const totalAgrees = !probe.total || probe.total.fen === probe.sumFen;
    if (rows === false || probe.doubt || rows !== probe.rows || rows < this.config.batchPartitionRows || !totalAgrees) {
      await this.storage.dropLanding(batchId);
      return {};
    }
    const sha = probe.sha256;
    const duplicate = await this.storedWithHash(sha);
    if (duplicate) return { duplicate };
    await this.dataSource.query(`UPDATE disbursement_batches SET file_sha256 = $2 WHERE id = $1`, [batchId, sha]);
    progress('indexing', { rows });
    await this.storage.indexLanding(batchId);
    const result = await this.dataSource.transaction(async (em) => {
      await this.storage.attachLanding(em, batchId);
      await this.finish(batchId, 'stored', { accepted: rows, segment: batchId }, em);
      await em.query(`UPDATE disbursement_batches SET region_code = $2 WHERE id = $1`, [batchId, commonRegion(probe.minRegion, probe.maxRegion)]);
      return { batchId, status: 'stored' as const, accepted: rows, rejected: 0, duplicateOf: null };
    });
    return { result, sha };
  }

  /** County and township codes, for the fast path's checks (the catalogue changes with releases). */
  private async knownRegions(): Promise<Set<string>> {
    if (!this.regions) {
      const rows: { code: string }[] = await this.dataSource.query(`SELECT code FROM regions WHERE level IN (3, 4)`);
      this.regions = new Set(rows.map((r) => r.code));
    }
    return this.regions;
  }

  /** The same bytes as a stored batch: answer with it; this attempt's row says so. */
  private async answerDuplicate(attempt: string | undefined, duplicate: ImportBatchResult): Promise<ImportBatchResult> {
    if (attempt) await this.finish(attempt, 'failed', { error: sameFile(duplicate.batchId) });
    return duplicate;
  }

  /** Every cell checked and cleaned in SQL; each problem named. */
  private async detailedPath(batchId: string, command: ImportBatchCommand, progress: ProgressFn): Promise<ImportBatchResult> {
    const staged = await this.files.stage(command.file, command.fileName, BATCH_COLUMNS, `stg_batch_${batchId}`, progress);
    await this.dataSource.query(`UPDATE disbursement_batches SET format = $2 WHERE id = $1`, [batchId, staged.format]);
    // The closing total row is neither a payment nor a row; total-like rows above it are rejected rows.
    const { closing, misplaced } = await this.totals.extract(staged);
    const fileRows = staged.rows - (closing ? 1 : 0);
    progress('validating', { rows: fileRows });
    const totalProblem = closing && totalRowProblem(closing, await this.totals.sumFen(staged));
    const ctx = { scope: command.regionScope, programCodes: this.programs.all().map((p) => p.code) };
    const ownPartition = fileRows >= this.config.batchPartitionRows;

    let accepted = 0;
    if (ownPartition && !totalProblem) {
      // Fill the landing table with the valid rows now; it stays invisible until attached.
      const table = await this.storage.createLanding(batchId);
      accepted = await affectedRows(
        this.dataSource,
        `INSERT INTO ${table} (${PAYMENT_COLUMNS})
         SELECT ${paymentValues(batchId, batchId)} FROM (${validatedRowsSql(staged.table, BATCH_COLUMNS, staged.header, ctx)}) n
         WHERE cardinality(n.errs) = 0`,
      );
      if (accepted === fileRows || command.allowPartial) {
        progress('indexing', { rows: accepted });
        await this.storage.indexLanding(batchId);
      }
    }

    return this.dataSource.transaction(async (em) => {
      await this.files.recordRowProblems(em, 'batch', batchId, misplaced.map((t) => ({ row: t.row, column: null, value: t.label, reason: MISPLACED_TOTAL_REASON })));
      const rejected = await this.files.recordRejections(em, 'batch', batchId, staged, BATCH_COLUMNS, ctx);
      if (closing && totalProblem) {
        // Not one of the rows: recorded after they were counted. Rejects even a partial import:
        // the file disagrees with itself.
        await this.files.recordRowProblems(em, 'batch', batchId, [{ row: closing.row, column: 'amount', value: closing.shown, reason: totalProblem }]);
        const error = `${command.fileName} 第 ${closing.row} 行: ${totalProblem}`;
        await this.finish(batchId, 'rejected', { accepted: 0, rejected, total: fileRows, error }, em);
        return { batchId, status: 'rejected' as const, accepted: 0, rejected, duplicateOf: null, error };
      }
      if (rejected > 0 && !command.allowPartial) {
        await this.finish(batchId, 'rejected', { accepted: 0, rejected, total: fileRows }, em);
        return { batchId, status: 'rejected' as const, accepted: 0, rejected, duplicateOf: null };
      }
      if (ownPartition) {
        await this.storage.attachLanding(em, batchId);
      } else {
        const inserted = await em.queryRunner!.query(
          `INSERT INTO disbursements (${PAYMENT_COLUMNS})
           SELECT ${paymentValues(batchId, '0')} FROM (${normalizedRowsSql(staged.table, BATCH_COLUMNS, staged.header)}) n
           ${rejected > 0 ? `WHERE ${notRejected('batch', `${BigInt(batchId)}`, 'n')}` : ''}`,
          [],
          true,
        );
        accepted = inserted.affected ?? 0;
      }
      await this.finish(batchId, 'stored', { accepted, rejected, segment: ownPartition ? batchId : '0' }, em);
      // The batch belongs to the smallest region holding all its payments: who may see it.
      const [span] = await em.query(
        `SELECT min(region_code) AS lo, max(region_code) AS hi FROM ${ownPartition ? this.storage.partitionTable(batchId) : 'disbursements_shared'} WHERE ${batchCondition([batchId])}`,
      );
      if (span.lo) await em.query(`UPDATE disbursement_batches SET region_code = $2 WHERE id = $1`, [batchId, commonRegion(span.lo, span.hi)]);
      return { batchId, status: 'stored' as const, accepted, rejected, duplicateOf: null };
    });
  }

  private async storedWithHash(sha: string): Promise<ImportBatchResult | undefined> {
    const rows = await this.dataSource.query(
      `SELECT id, accepted_rows, rejected_rows FROM disbursement_batches WHERE file_sha256 = $1 AND status = 'stored'`,
      [sha],
    );
    if (!rows.length) return undefined;
    const [b] = rows;
    return { batchId: String(b.id), status: 'stored', accepted: b.accepted_rows, rejected: b.rejected_rows, duplicateOf: String(b.id) };
  }

  private async createBatch(command: ImportBatchCommand, sha: string): Promise<string> {
    const [row] = await this.dataSource.query(
      `INSERT INTO disbursement_batches (file_sha256, file_name, format, region_code, uploader_region, uploaded_by, allow_partial, status, heartbeat_at)
       VALUES ($1, $2, 'csv', $3, $3, $4, $5, 'importing', now()) RETURNING id`,
      [sha, command.fileName, command.regionScope, command.uploadedBy, command.allowPartial],
    );
    return String(row.id);
  }

  /** Progress for the caller, and a heartbeat in the batch row so that a dead import is noticed. */
  private heartbeat(batchId: string, progress?: ProgressFn): ProgressFn {
    let last = 0;
    return (phase, detail) => {
      progress?.(phase, detail);
      if (Date.now() - last < 2000) return;
      last = Date.now();
      void this.dataSource
        .query(`UPDATE disbursement_batches SET heartbeat_at = now(), progress = $2 WHERE id = $1 AND status = 'importing'`, [batchId, JSON.stringify({ phase, ...detail })])
        .catch(() => undefined);
    };
  }

  /**
   * The batch's end. `total` is every row read (a rejected batch accepts none, so it is not
   * accepted + rejected); the closing total row is not a row.
   */
  private async finish(batchId: string, status: BatchStatus, counts: BatchCounts, em = this.dataSource.manager): Promise<void> {
    const { accepted = 0, rejected = 0, total = accepted + rejected, error = null, segment = '0' } = counts;
    await em.query(
      `UPDATE disbursement_batches SET status = $2, accepted_rows = $3, rejected_rows = $4, total_rows = $5, error = $6,
         progress = NULL, finished_at = now(), segment = $7 WHERE id = $1`,
      [batchId, status, accepted, rejected, total, error, segment],
    );
  }
}

interface BatchCounts {
  accepted?: number;
  rejected?: number;
  /** Rows read; accepted + rejected unless given. */
  total?: number;
  error?: string | null;
  /** Partition of the payments: 0 (shared) or the batch's own id. */
  segment?: string;
}

const sameFile = (batchId: string) => `与批次 ${batchId} 的文件相同 (same file as batch ${batchId})`;
