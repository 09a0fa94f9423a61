import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { ProgramsService } from '@sunlight/programs';
import { commonRegion } from '@sunlight/regions';
import { BatchRepository } from './batch-repository.js';
import type { BatchRun, BatchStorageStrategy, StoreOutcome } from './batch-run.js';
import { BatchStorage } from './batch-storage.js';
import { CleanCsvProbe } from './clean-csv-probe.js';
import { BATCH_COLUMNS } from './columns.js';
import type { InputFile } from './file-info.js';
import { FILE_LIMITS } from './file-limits.js';
import { PaymentCopyEncoder } from './payment-copy.js';
import { mapHeader, readCsvHeader } from './header.js';

/** Bytes per row of a typical batch file, to guess from its size whether it is large. */
const BYTES_PER_ROW = 110;

/**
 * The fast path, for a large clean CSV: streamed once, hashed, checked and encoded as binary COPY
 * (derived values computed) in JavaScript while PostgreSQL's COPY loads it into a landing table
 * of the final shape, made in the same transaction (COPY FREEZE), indexed by sort and
 * attached as a partition of its own. A file that is not already clean is declined (the
 * detailed path takes it and names each problem).
 */
@Injectable()
export class FastCopyStorage implements BatchStorageStrategy {
  private regions?: Set<string>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly storage: BatchStorage,
    private readonly batches: BatchRepository,
    private readonly programs: ProgramsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** A CSV file large enough for a partition of its own. */
  accepts(file: InputFile): boolean {
    return file.format === 'csv' && file.size >= this.config.batchPartitionRows * BYTES_PER_ROW;
  }

  async store({ batchId, command, file, progress, stored }: BatchRun): Promise<StoreOutcome> {
    const found = await readCsvHeader(file.path, file.name, BATCH_COLUMNS);
    if (found.row !== 1) return {}; // title rows above the header: the detailed path reads past them
    const header = mapHeader(found.cells, BATCH_COLUMNS, file.name);
    const probe = new CleanCsvProbe(
      { specs: BATCH_COLUMNS, header, regions: await this.knownRegions(), programs: new Set(this.programs.all().map((p) => p.code)), scope: command.regionScope },
      FILE_LIMITS,
      new PaymentCopyEncoder(batchId, header.positions),
    );
    progress('loading');
    const rows = await this.storage.copyEncoded(batchId, file.path, probe);
    // A total row that disagrees is reported by the detailed path, with its figures.
    const totalAgrees = !probe.total || probe.total.fen === probe.sumFen;
    if (rows === false || probe.doubt || rows !== probe.rows || rows < this.config.batchPartitionRows || !totalAgrees) {
      await this.storage.dropLanding(batchId);
      return {};
    }
    const sha = probe.sha256;
    const duplicate = await this.batches.storedWithHash(sha);
    if (duplicate) return { duplicate, sha };
    await this.batches.recordHash(batchId, sha);
    progress('indexing', { rows });
    await this.storage.indexLanding(batchId);
    const result = await this.dataSource.transaction(async (em) => {
      await this.storage.attachLanding(em, batchId);
      await this.batches.finish(batchId, 'stored', { accepted: rows, segment: batchId }, em);
      await stored(em);
      await this.batches.recordRegion(em, batchId, commonRegion(probe.minRegion, probe.maxRegion));
      return { batchId, status: 'stored' as const, accepted: rows, rejected: 0, duplicateOf: null };
    });
    return { result, sha };
  }

  /** County and township codes, for the probe's checks (the catalogue changes with releases). */
  private async knownRegions(): Promise<Set<string>> {
    if (!this.regions) {
      const rows: { code: string }[] = await this.dataSource.query(`SELECT code FROM regions WHERE level IN (3, 4)`);
      this.regions = new Set(rows.map((r) => r.code));
    }
    return this.regions;
  }
}
