import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InjectQueue, JobName, QueueName, type TypedQueue } from '@sunlight/queue';
import { PAYMENT_COLUMNS } from './batch-storage.js';

export class FoldBatchPartitionCommand {
  constructor(readonly batchId: string) {}
}

export interface FoldedPartition {
  batchId: string;
  /** False when the batch was already in the shared partition (or is not stored). */
  folded: boolean;
  rows: number;
}

/**
 * A large batch is loaded into a partition of its own (a bare COPY, indexes built by sort), but
 * every lookup of a person's or an account's other payments probes every partition's index: the
 * check of the next batch would cost more with each large batch stored before it. Once its own
 * check has run, the batch is folded into the partition small batches share, off the import's
 * path: its rows are copied with the same ids (evidence keeps pointing at them), its partition is
 * detached and dropped, in one transaction. Folding a folded batch does nothing.
 */
@Injectable()
export class FoldBatchPartition {
  private readonly logger = new Logger(FoldBatchPartition.name);

  constructor(private readonly dataSource: DataSource) {}

  async execute(command: FoldBatchPartitionCommand): Promise<FoldedPartition> {
    const id = BigInt(command.batchId);
    const table = `disbursements_b${id}`;
    // Every statement of the transaction goes through `em`: the embedded database multiplexes one
    // session, where a query beside an open transaction would wait for it forever.
    const rows = await this.dataSource.transaction(async (em) => {
      // Detaching waits for the statements reading disbursements and holds up the ones after it
      // (the console's too): rather than queue behind a long check, give up within two seconds
      // and let the job retry later (10 attempts, from 30 s apart, doubling: hours in all).
      await em.query(`SET LOCAL lock_timeout = '2s'`);
      const [batch] = await em.query(`SELECT segment::text FROM disbursement_batches WHERE id = $1 AND status = 'stored' FOR UPDATE`, [id.toString()]);
      if (!batch || batch.segment === '0') return null;
      const [{ exists }] = await em.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [table]);
      if (!exists) return null;
      const [{ count }] = await em.query(
        `WITH moved AS (
           INSERT INTO disbursements (${PAYMENT_COLUMNS})
           SELECT ${PAYMENT_COLUMNS.replace('segment', '0')} FROM ${table} RETURNING 1)
         SELECT count(*)::int AS count FROM moved`,
      );
      await em.query(`ALTER TABLE disbursements DETACH PARTITION ${table}`);
      await em.query(`DROP TABLE ${table}`);
      await em.query(`UPDATE disbursement_batches SET segment = 0 WHERE id = $1`, [id.toString()]);
      return count as number;
    });
    if (rows === null) return { batchId: command.batchId, folded: false, rows: 0 };
    // The shared partition just grew by a large batch: the planner's next estimates need its
    // statistics, and a full check's index-only scans need its new pages marked all-visible
    // (without autovacuum, as on some servers and in the embedded database, nothing else would).
    // VACUUM skips the pages already marked, so this costs about the batch's own pages.
    await this.dataSource.query(`VACUUM (ANALYZE) disbursements_shared`);
    this.logger.log({ batch: command.batchId, rows }, 'batch folded into the shared partition');
    return { batchId: command.batchId, folded: true, rows };
  }
}

export class RequestBatchFoldsCommand {
  constructor(readonly batchIds: string[]) {}
}

/**
 * Asks for the fold of those batches still in a partition of their own, once their check has run
 * (the checks call it): the next batch's check then probes one partition for a person's or an
 * account's other payments, not one per large batch ever stored.
 */
@Injectable()
export class RequestBatchFolds {
  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Ingestion) private readonly ingestion: TypedQueue<QueueName.Ingestion>,
  ) {}

  async execute(command: RequestBatchFoldsCommand): Promise<void> {
    const own: { id: string }[] = await this.dataSource.query(`SELECT id::text FROM disbursement_batches WHERE id = ANY($1::bigint[]) AND segment <> 0`, [command.batchIds]);
    for (const { id } of own) {
      await this.ingestion.add(JobName.FoldBatchPartition, { batchId: id }, { jobId: `fold-batch-${id}`, attempts: 10, backoff: { type: 'exponential', delay: 30_000 } });
    }
  }
}

export class SettleBatchesCommand {
  constructor(readonly batchIds: string[]) {}
}

/**
 * Readies the payments of stored batches for their check (the checks call it first). The planner
 * needs their statistics: a batch's own partition is analyzed, the shared one when the batch grew
 * it by a tenth or more. The rules' index-only lookups (a person's other payments, an account's
 * holders) need the batches' pages marked all-visible, or every lookup that finds a batch's own
 * row visits the heap for it (10,000 visits for a 10,000-row batch). VACUUM marks them; it skips
 * the pages marked before, so it costs about the batches' own pages. It skips a partition another
 * VACUUM holds (a fold's: the check is slower, not wrong), never truncates (which would lock out
 * the readers), and starts no parallel workers: launching two for the indexes' cleanup took
 * 300 ms, the rest a few. (Rows whose commit is not yet on disk, under synchronous_commit off,
 * stay unmarked until a later VACUUM.) Embedded PGlite has no autovacuum to do either, nor have
 * some servers.
 */
@Injectable()
export class SettleBatches {
  constructor(private readonly dataSource: DataSource) {}

  async execute(command: SettleBatchesCommand): Promise<void> {
    const partitions: { relname: string; analyze: boolean }[] = await this.dataSource.query(
      `SELECT c.relname, bool_or(b.segment <> 0 OR b.accepted_rows >= 0.1 * greatest(c.reltuples, 0) OR c.reltuples < 0) AS analyze
       FROM disbursement_batches b
       JOIN pg_class c ON c.relname = CASE WHEN b.segment = 0 THEN 'disbursements_shared' ELSE 'disbursements_b' || b.segment END
       WHERE b.id = ANY($1::bigint[])
       GROUP BY c.relname`,
      [command.batchIds],
    );
    for (const { relname, analyze } of partitions) {
      await this.dataSource.query(`VACUUM (SKIP_LOCKED, TRUNCATE false, PARALLEL 0) ${relname}`);
      if (analyze) await this.dataSource.query(`ANALYZE ${relname}`); // waits for a fold's VACUUM: the plans need it
    }
  }
}
