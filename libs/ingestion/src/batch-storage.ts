import { Injectable } from '@nestjs/common';
import type { Transform } from 'node:stream';
import { DataSource, type EntityManager } from 'typeorm';
import { BulkLoader, affectedRows, quoteIdent } from '@sunlight/database';
import { BATCH_COLUMNS } from './columns.js';
import { notRejected, type StagedFile } from './file-import.js';
import type { HeaderMap } from './header.js';
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

  /** An empty table shaped like `disbursements`, its defaults naming the batch and numbering rows. */
  async createLanding(batchId: string, extraColumns: string[] = []): Promise<string> {
    const table = this.landingTable(batchId);
    const id = BigInt(batchId);
    await this.dropLanding(batchId);
    await this.dataSource.query(`CREATE SEQUENCE ${table}_rows CACHE 10000`);
    await this.dataSource.query(
      `CREATE TABLE ${table} (LIKE disbursements INCLUDING GENERATED);
       ALTER TABLE ${table} ALTER batch_id SET DEFAULT ${id}, ALTER segment SET DEFAULT ${id},
         ALTER row_no SET DEFAULT nextval('${table}_rows') + 1,
         ADD CONSTRAINT ${table}_segment CHECK (segment = ${id})
         ${extraColumns.map((c) => `, ADD COLUMN ${quoteIdent(c)} text`).join('')}`,
    );
    return table;
  }

  async dropLanding(batchId: string): Promise<void> {
    const table = this.landingTable(batchId);
    await this.dataSource.query(`DROP TABLE IF EXISTS ${table}; DROP SEQUENCE IF EXISTS ${table}_rows`);
  }

  /**
   * COPY a clean CSV file straight into the landing table, typed: PostgreSQL parses numbers and
   * dates itself. Any refusal (a malformed cell, an empty required cell) answers false, and the
   * caller takes the forgiving path instead.
   */
  async copyTyped(batchId: string, file: string, header: HeaderMap, through?: Transform): Promise<number | false> {
    const stored = (name: string) => (name === 'paid_on' ? 'paid_on_text' : name);
    const byPosition = new Map([...header.positions].map(([name, pos]) => [pos, stored(name)]));
    const columns = header.cells.map((_, i) => byPosition.get(i) ?? `_extra_${i}`);
    const extras = columns.filter((c) => c.startsWith('_extra_'));
    const table = await this.createLanding(batchId, extras);
    try {
      const rows = await this.loader.copyCsv({ table, columns, source: file, header: true, through });
      if (extras.length) await this.dataSource.query(`ALTER TABLE ${table} ${extras.map((c) => `DROP COLUMN ${quoteIdent(c)}`).join(', ')}`);
      return rows;
    } catch {
      // A malformed cell, or the probe feeding COPY had a doubt: the detailed path takes over.
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
      `CREATE INDEX ${table}_account ON ${table} (bank_account) WHERE bank_account IS NOT NULL`,
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
      `ALTER TABLE ${table} ALTER batch_id DROP DEFAULT, ALTER segment DROP DEFAULT, ALTER row_no DROP DEFAULT, DROP CONSTRAINT ${table}_segment;
       DROP SEQUENCE ${table}_rows;
       ALTER TABLE ${table} RENAME TO disbursements_b${id};
       ALTER INDEX ${table}_id RENAME TO disbursements_b${id}_id;
       ALTER INDEX ${table}_person RENAME TO disbursements_b${id}_person;
       ALTER INDEX ${table}_account RENAME TO disbursements_b${id}_account`,
    );
  }
}

/** The columns a stored payment is written with (id and amount_fen are generated). */
export const PAYMENT_COLUMNS =
  'batch_id, row_no, segment, region_code, program_code, period, id_number, name, household_id, amount, bank_account, account_holder, paid_on_text, payer';

/** The same, selected from a normalized staging row `n`. */
export function paymentValues(batchId: string, segment: string): string {
  return `${BigInt(batchId)}, n.row_no + 1, ${BigInt(segment)}, n.region_code, n.program_code, n.period, n.id_number, n.name, n.household_id,
          n.amount, n.bank_account, n.account_holder, n.paid_on, n.payer`;
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
