import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { ProgramsService } from '@sunlight/programs';
import { commonRegion } from '@sunlight/regions';
import { BatchRepository } from './batch-repository.js';
import type { BatchRun, BatchStorageStrategy, StoreOutcome } from './batch-run.js';
import { BatchStorage } from './batch-storage.js';
import { BATCH_COLUMNS } from './columns.js';
import { FileImport } from './file-import.js';
import { MISPLACED_TOTAL_REASON, TotalRowFinder, totalRowProblem } from './total-row.js';

/**
 * The detailed path, for everything the fast one declines (small files, XLSX, files that need
 * cleaning or have errors): COPY into an all-text staging table, every cell validated in SQL,
 * each problem named by row, column, value and reason, then the valid rows stored. A batch this
 * large still gets a partition of its own.
 */
@Injectable()
export class DetailedStorage implements BatchStorageStrategy {
  constructor(
    private readonly dataSource: DataSource,
    private readonly files: FileImport,
    private readonly storage: BatchStorage,
    private readonly batches: BatchRepository,
    private readonly totals: TotalRowFinder,
    private readonly programs: ProgramsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async store({ batchId, command, file, progress, stored }: BatchRun): Promise<StoreOutcome> {
    const staged = await this.files.stage(file, BATCH_COLUMNS, stagingTable(batchId), progress);
    // The closing total row is neither a payment nor a row; total-like rows above it are rejected rows.
    const { closing, misplaced } = await this.totals.extract(staged);
    const fileRows = staged.rows - (closing ? 1 : 0);
    progress('validating', { rows: fileRows });
    const totalProblem = closing && totalRowProblem(closing, await this.totals.sumFen(staged));
    const ctx = { scope: command.regionScope, programCodes: this.programs.all().map((p) => p.code) };
    const ownPartition = fileRows >= this.config.batchPartitionRows;

    let accepted = 0;
    if (ownPartition && !totalProblem) {
      accepted = await this.storage.landValidRows(batchId, staged, ctx);
      if (accepted === fileRows || command.allowPartial) {
        progress('indexing', { rows: accepted });
        await this.storage.indexLanding(batchId);
      }
    }

    const result = await this.dataSource.transaction(async (em) => {
      await this.files.recordRowProblems(em, 'batch', batchId, misplaced.map((t) => ({ row: t.row, column: null, value: t.label, reason: MISPLACED_TOTAL_REASON })));
      const rejected = await this.files.recordRejections(em, 'batch', batchId, staged, BATCH_COLUMNS, ctx);
      if (closing && totalProblem) {
        // Not one of the rows: recorded after they were counted. Rejects even a partial import:
        // the file disagrees with itself.
        await this.files.recordRowProblems(em, 'batch', batchId, [{ row: closing.row, column: 'amount', value: closing.shown, reason: totalProblem }]);
        const error = `${file.name} 第 ${closing.row} 行: ${totalProblem}`;
        await this.batches.finish(batchId, 'rejected', { accepted: 0, rejected, total: fileRows, error }, em);
        return { batchId, status: 'rejected' as const, accepted: 0, rejected, duplicateOf: null, error };
      }
      if (rejected > 0 && !command.allowPartial) {
        await this.batches.finish(batchId, 'rejected', { accepted: 0, rejected, total: fileRows }, em);
        return { batchId, status: 'rejected' as const, accepted: 0, rejected, duplicateOf: null };
      }
      if (ownPartition) await this.storage.attachLanding(em, batchId);
      else accepted = await this.storage.insertShared(em, batchId, staged, rejected > 0);
      await this.batches.finish(batchId, 'stored', { accepted, rejected, segment: ownPartition ? batchId : '0' }, em);
      await stored(em);
      const span = await this.storage.regionSpan(em, batchId, ownPartition);
      if (span.lo && span.hi) await this.batches.recordRegion(em, batchId, commonRegion(span.lo, span.hi));
      return { batchId, status: 'stored' as const, accepted, rejected, duplicateOf: null };
    });
    return { result };
  }
}

/** The staging table of a batch's import (dropped when the import ends, or by the janitor). */
export const stagingTable = (batchId: string) => `stg_batch_${BigInt(batchId)}`;
