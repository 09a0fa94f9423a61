import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InputError } from '@sunlight/common';
import { ProgramsService } from '@sunlight/programs';
import { BATCH_COLUMNS } from './columns.js';
import type { BatchStatus } from './entities/index.js';
import { sha256File } from './file-info.js';
import { FileImport, notRejected, type StagedFile } from './file-import.js';
import { IngestionEvents } from './ingestion-events.js';
import type { ProgressFn } from './staging.js';
import { normalizedRowsSql } from './validation-sql.js';

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
 * Imports a disbursement batch (CONTRACT §3.1): COPY into a staging table, validate every row
 * in SQL, then in one transaction either store the valid rows or reject the batch. The same
 * bytes are stored once. Nothing is half-stored: a crash leaves at most an 'importing' row and
 * a staging table, and the import can simply be run again.
 */
@Injectable()
export class ImportBatch {
  constructor(
    private readonly dataSource: DataSource,
    private readonly files: FileImport,
    private readonly programs: ProgramsService,
    private readonly events: IngestionEvents,
  ) {}

  async execute(command: ImportBatchCommand, progress?: ProgressFn): Promise<ImportBatchResult> {
    progress?.('hashing');
    const sha = await sha256File(command.file);
    const duplicate = await this.storedWithHash(sha);
    if (duplicate) {
      if (command.batchId) await this.finish(command.batchId, 'failed', 0, 0, `与批次 ${duplicate.batchId} 的文件相同 (same file as batch ${duplicate.batchId})`);
      return duplicate;
    }
    const batchId = command.batchId ?? (await this.createBatch(command, sha));
    await this.dataSource.query(`UPDATE disbursement_batches SET status = 'importing', file_sha256 = $2 WHERE id = $1`, [batchId, sha]);
    const table = `stg_batch_${batchId}`;
    let staged: StagedFile | undefined;
    try {
      staged = await this.files.stage(command.file, command.fileName, BATCH_COLUMNS, table, (phase, detail) => {
        progress?.(phase, detail);
      });
      await this.dataSource.query(`UPDATE disbursement_batches SET format = $2 WHERE id = $1`, [batchId, staged.format]);
      progress?.('validating', { rows: staged.rows });
      const result = await this.store(batchId, command, staged);
      if (result.status === 'stored') {
        if (result.accepted >= 50_000) await this.dataSource.query('ANALYZE disbursements');
        await this.events.emitBatchStored({ batchId, uploadedBy: command.uploadedBy });
      }
      return result;
    } catch (err) {
      if (err instanceof InputError) {
        await this.dataSource.transaction(async (em) => {
          await this.files.recordFileProblem(em, 'batch', batchId, err);
        });
        await this.finish(batchId, 'rejected', 0, 0, err.message);
        return { batchId, status: 'rejected', accepted: 0, rejected: 0, duplicateOf: null, error: err.message };
      }
      if ((err as { code?: string }).code === '23505') {
        // Another import stored the same bytes a moment ago.
        const other = await this.storedWithHash(sha);
        if (other) {
          await this.finish(batchId, 'failed', 0, 0, `与批次 ${other.batchId} 的文件相同 (same file as batch ${other.batchId})`);
          return other;
        }
      }
      await this.finish(batchId, 'failed', 0, 0, (err as Error).message).catch(() => undefined);
      throw err;
    } finally {
      await this.files.drop(table).catch(() => undefined);
    }
  }

  /** Validation and storage in one transaction: all of the batch or (by default) none of it. */
  private async store(batchId: string, command: ImportBatchCommand, staged: StagedFile): Promise<ImportBatchResult> {
    const ctx = { scope: command.regionScope, programCodes: this.programs.all().map((p) => p.code) };
    return this.dataSource.transaction(async (em) => {
      const rejected = await this.files.recordRejections(em, 'batch', batchId, staged, BATCH_COLUMNS, ctx);
      if (rejected > 0 && !command.allowPartial) {
        await this.finish(batchId, 'rejected', 0, rejected, null, em);
        return { batchId, status: 'rejected' as const, accepted: 0, rejected, duplicateOf: null };
      }
      const inserted = await em.queryRunner!.query(
        `INSERT INTO disbursements (batch_id, row_no, region_code, program_code, period, id_number, name, household_id, amount_fen, bank_account, account_holder, paid_on, payer)
         SELECT $1, n.row_no + 1, n.region_code, n.program_code, to_date(n.period || '-01', 'YYYY-MM-DD'), n.id_number, n.name, n.household_id,
                round(n.amount::numeric * 100)::bigint, n.bank_account, n.account_holder, n.paid_on::date, n.payer
         FROM (${normalizedRowsSql(staged.table, BATCH_COLUMNS, staged.header)}) n
         ${rejected > 0 ? `WHERE ${notRejected('batch', '$1', 'n')}` : ''}`,
        [batchId],
        true,
      );
      const accepted = inserted.affected ?? 0;
      await this.finish(batchId, 'stored', accepted, rejected, null, em);
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
      `INSERT INTO disbursement_batches (file_sha256, file_name, format, region_code, uploaded_by, allow_partial, status)
       VALUES ($1, $2, 'csv', $3, $4, $5, 'importing') RETURNING id`,
      [sha, command.fileName, command.regionScope, command.uploadedBy, command.allowPartial],
    );
    return String(row.id);
  }

  private async finish(batchId: string, status: BatchStatus, accepted: number, rejected: number, error: string | null, em = this.dataSource.manager): Promise<void> {
    await em.query(
      `UPDATE disbursement_batches SET status = $2, accepted_rows = $3, rejected_rows = $4, total_rows = $3::int + $4::int, error = $5, progress = NULL, finished_at = now() WHERE id = $1`,
      [batchId, status, accepted, rejected, error],
    );
  }
}
