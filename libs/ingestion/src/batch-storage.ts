import { Injectable } from '@nestjs/common';
import type { Transform } from 'node:stream';
import { DataSource, type EntityManager } from 'typeorm';
import { BulkLoader, affectedRows } from '@sunlight/database';
import { BATCH_COLUMNS } from './columns.js';
import { notRejected, type StagedFile } from './file-import.js';
import { normalizedRowsSql, validatedRowsSql, type CheckContext } from './validation-sql.js';

/**
 * Where a batch's payments go. Small batches are inserted into the partition they share
 * (segment 0). A large batch gets a table of its own, a "landing" table: filled without indexes
 * (by COPY straight from the file, or from the staging table), indexed by sort (the indexes
 * built side by side), then attached as a partition of `disbursements` in the transaction that
 * marks the batch stored. Maintaining indexes row by row costs 5–10× a bare COPY; this does not.
 */
@Injectable()
export class BatchStorage {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loader: BulkLoader,
  ) {}

  landingTable(batchId: string): string {
    return `land_batch_${BigInt(batchId)}`;
  }

  /** The partition a large batch became. */
  partitionTable(batchId: string): string {
    return `disbursements_b${BigInt(batchId)}`;
  }

  /**
   * The statement making an empty table shaped like `disbursements` (every column written by
   * the loader), constrained to the batch's segment so that attaching it needs no scan.
   */
  private landingSql(batchId: string): string {
    const table = this.landingTable(batchId);
    return `CREATE TABLE ${table} (LIKE disbursements);
            ALTER TABLE ${table} ADD CONSTRAINT ${table}_segment CHECK (segment = ${BigInt(batchId)})`;
  }

  async createLanding(batchId: string): Promise<string> {
    await this.dropLanding(batchId);
    await this.dataSource.query(this.landingSql(batchId));
    return this.landingTable(batchId);
  }

  async dropLanding(batchId: string): Promise<void> {
    const table = this.landingTable(batchId);
    // The sequence: a landing table made before PlainDerivedPaymentColumns numbered rows with one.
    await this.dataSource.query(`DROP TABLE IF EXISTS ${table}; DROP SEQUENCE IF EXISTS ${table}_rows`);
  }

  /**
   * A clean CSV file into a landing table made in the same transaction, as the binary COPY that
   * `encode` (the probe, with its PaymentCopyEncoder) makes of it: every value typed, nothing for
   * PostgreSQL to parse, the rows written frozen. Any refusal (the probe's doubt, a value the
   * table refuses) answers false, leaves no table, and the caller takes the forgiving path.
   */
  async copyEncoded(batchId: string, file: string, encode: Transform): Promise<number | false> {
    await this.dropLanding(batchId);
    try {
      return await this.loader.copyBinaryInto({ create: this.landingSql(batchId), table: this.landingTable(batchId), columns: PAYMENT_COLUMNS.split(', '), source: file, through: encode });
    } catch {
      await this.dropLanding(batchId);
      return false;
    }
  }

  /**
   * Builds the partition's indexes by sort, side by side (BulkLoader.buildIndexes). Statistics
   * follow in the batch's check run, which is where they matter.
   */
  async indexLanding(batchId: string): Promise<void> {
    const table = this.landingTable(batchId);
    await this.loader.buildIndexes([
      `CREATE INDEX ${table}_person ON ${table} (id_number, program_code, period)`,
      `CREATE INDEX ${table}_id ON ${table} (id)`,
      `CREATE INDEX ${table}_account ON ${table} (bank_account, id_number) WHERE bank_account IS NOT NULL`,
    ]);
  }

  /** The valid rows of a staged batch into its landing table (invisible until attached); answers how many. */
  async landValidRows(batchId: string, staged: StagedFile, ctx: CheckContext): Promise<number> {
    const table = await this.createLanding(batchId);
    return affectedRows(
      this.dataSource,
      `INSERT INTO ${table} (${PAYMENT_COLUMNS})
       SELECT ${paymentValues(batchId, batchId)} FROM (${validatedRowsSql(staged.table, BATCH_COLUMNS, staged.header, ctx)}) n
       WHERE cardinality(n.errs) = 0`,
    );
  }

  /**
   * Inside the storing transaction: the rows of a staged batch into the partition small batches
   * share, less the rows recorded as rejected (when there are any); answers how many.
   */
  async insertShared(em: EntityManager, batchId: string, staged: StagedFile, withoutRejected: boolean): Promise<number> {
    const inserted = await em.queryRunner!.query(
      `INSERT INTO disbursements (${PAYMENT_COLUMNS})
       SELECT ${paymentValues(batchId, '0')} FROM (${normalizedRowsSql(staged.table, BATCH_COLUMNS, staged.header)}) n
       ${withoutRejected ? `WHERE ${notRejected('batch', `${BigInt(batchId)}`, 'n')}` : ''}`,
      [],
      true,
    );
    return inserted.affected ?? 0;
  }

  /** The lowest and highest region code of a batch's stored payments (null when it has none). */
  async regionSpan(em: EntityManager, batchId: string, ownPartition: boolean): Promise<{ lo: string | null; hi: string | null }> {
    const [span]: { lo: string | null; hi: string | null }[] = await em.query(
      `SELECT min(region_code) AS lo, max(region_code) AS hi FROM ${ownPartition ? this.partitionTable(batchId) : 'disbursements_shared'} WHERE ${batchCondition([batchId])}`,
    );
    return span;
  }

  /** Inside the storing transaction: the landing table becomes a partition of disbursements. */
  async attachLanding(em: EntityManager, batchId: string): Promise<void> {
    const table = this.landingTable(batchId);
    const id = BigInt(batchId);
    await em.query(`ALTER TABLE disbursements ATTACH PARTITION ${table} FOR VALUES IN (${id})`);
    await em.query(
      `ALTER TABLE ${table} DROP CONSTRAINT ${table}_segment;
       ALTER TABLE ${table} RENAME TO disbursements_b${id};
       ALTER INDEX ${table}_id RENAME TO disbursements_b${id}_id;
       ALTER INDEX ${table}_person RENAME TO disbursements_b${id}_person;
       ALTER INDEX ${table}_account RENAME TO disbursements_b${id}_account`,
    );
  }
}

/** The columns a stored payment is written with, the derived id, amount_fen and paid_on included. */
export const PAYMENT_COLUMNS =
  'batch_id, row_no, segment, id, region_code, program_code, period, id_number, name, household_id, amount, amount_fen, bank_account, account_holder, paid_on_text, paid_on, payer';

/**
 * The same, selected from a normalized staging row `n` (valid: its amount a number, its date
 * YYYY-MM-DD). The derived values as the fast path's binary COPY computes them.
 */
export function paymentValues(batchId: string, segment: string): string {
  return `${BigInt(batchId)}, n.row_no + 1, ${BigInt(segment)}, ${BigInt(batchId) << 24n} + n.row_no + 1, n.region_code, n.program_code, n.period, n.id_number, n.name, n.household_id,
          n.amount, (n.amount::numeric * 100)::bigint, n.bank_account, n.account_holder, n.paid_on, n.paid_on::date, n.payer`;
}

/**
 * The payments of some batches. A payment's id is (batch_id << 24) + row_no, so a batch is an id
 * range: an index range scan in every partition.
 */
export function batchCondition(batchIds: string[]): string {
  return batchIds
    .map((id) => {
      const b = BigInt(id);
      return `(id >= ${b << 24n} AND id < ${(b + 1n) << 24n})`;
    })
    .join(' OR ');
}
