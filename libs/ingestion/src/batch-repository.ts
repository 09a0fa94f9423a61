import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ConflictError, processMark } from '@sunlight/common';
import { BATCH_TRANSITIONS, statusesBefore } from './batch-status.js';
import type { BatchStatus } from './types.js';

/** A stored batch, as a repeated file is answered with it. */
export interface StoredBatch {
  batchId: string;
  accepted: number;
  rejected: number;
}

export interface NewBatch {
  fileName: string;
  format: 'csv' | 'xlsx';
  /** The uploader's region ('' = the whole country). */
  regionScope: string;
  uploadedBy: string;
  allowPartial: boolean;
  /** '' while not yet known (a large file is hashed on its way into the database). */
  sha256: string;
}

/** What a batch's end records. */
export interface BatchCounts {
  accepted?: number;
  rejected?: number;
  /** Rows read; accepted + rejected unless given (a rejected batch accepts none). */
  total?: number;
  error?: string | null;
  /** Partition of the payments: 0 (shared) or the batch's own id. */
  segment?: string;
}

/** How long an import may go without a heartbeat before it is taken for dead. */
const STALE = '15 minutes';

/**
 * The rows of `disbursement_batches` as ingestion reads and writes them. Every change of status
 * goes through moveTo, which allows only the moves of BATCH_TRANSITIONS.
 */
@Injectable()
export class BatchRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A batch started from the command line: importing at once. */
  async create(batch: NewBatch): Promise<string> {
    const [row]: { id: string }[] = await this.dataSource.query(
      `INSERT INTO disbursement_batches (file_sha256, file_name, format, region_code, uploader_region, uploaded_by, allow_partial, status, heartbeat_at, importer)
       VALUES ($1, $2, $3, $4, $4, $5, $6, 'importing', now(), $7) RETURNING id::text`,
      [batch.sha256, batch.fileName, batch.format, batch.regionScope, batch.uploadedBy, batch.allowPartial, processMark()],
    );
    return row.id;
  }

  /** The stored batch with these bytes, if any. */
  async storedWithHash(sha256: string): Promise<StoredBatch | undefined> {
    const [row]: { id: string; accepted_rows: number; rejected_rows: number }[] = await this.dataSource.query(
      `SELECT id::text, accepted_rows, rejected_rows FROM disbursement_batches WHERE file_sha256 = $1 AND status = 'stored'`,
      [sha256],
    );
    return row && { batchId: row.id, accepted: row.accepted_rows, rejected: row.rejected_rows };
  }

  async recordHash(batchId: string, sha256: string): Promise<void> {
    await this.dataSource.query(`UPDATE disbursement_batches SET file_sha256 = $2 WHERE id = $1`, [batchId, sha256]);
  }

  /** The batch belongs to the smallest region holding all its payments: who may see it. */
  async recordRegion(em: EntityManager, batchId: string, regionCode: string): Promise<void> {
    await em.query(`UPDATE disbursement_batches SET region_code = $2 WHERE id = $1`, [batchId, regionCode]);
  }

  /** A sign of life and how far the import has got, while it is importing. */
  async beat(batchId: string, progress: { phase: string; rows?: number; percent?: number }): Promise<void> {
    await this.dataSource.query(`UPDATE disbursement_batches SET heartbeat_at = now(), progress = $2 WHERE id = $1 AND status = 'importing'`, [batchId, JSON.stringify(progress)]);
  }

  /** A sign of life only, from a timer: the import may be inside one long statement. */
  async alive(batchId: string): Promise<void> {
    await this.dataSource.query(`UPDATE disbursement_batches SET heartbeat_at = now() WHERE id = $1 AND status = 'importing'`, [batchId]);
  }

  /** The import starts (or, for a job killed halfway, starts again) in this process. */
  start(batchId: string): Promise<void> {
    return this.moveTo(this.dataSource.manager, batchId, 'importing', `heartbeat_at = now(), importer = $4`, [processMark()]);
  }

  /** The batch's end: stored, rejected or failed, with its counts. */
  finish(batchId: string, status: 'stored' | 'rejected' | 'failed', counts: BatchCounts, em: EntityManager = this.dataSource.manager): Promise<void> {
    const { accepted = 0, rejected = 0, total = accepted + rejected, error = null, segment = '0' } = counts;
    return this.moveTo(em, batchId, status, `accepted_rows = $4, rejected_rows = $5, total_rows = $6, error = $7, progress = NULL, finished_at = now(), segment = $8`, [
      accepted,
      rejected,
      total,
      error,
      segment,
    ]);
  }

  /**
   * Imports whose process is gone fail; answers their ids. `importerState` tells what is known of
   * the process that runs an import: gone (killed on this machine) fails it at once; running
   * keeps it whatever its heartbeat (one long statement holds heartbeats back); unknown (another
   * machine's) fails it once it stopped beating for STALE.
   */
  async failInterrupted(importerState: (importer: string | null) => 'running' | 'gone' | 'unknown'): Promise<string[]> {
    // Only 'importing': a pending upload waits for its job, however long.
    const silent = `coalesce(heartbeat_at, created_at) < now() - interval '${STALE}'`;
    const candidates: { id: string; importer: string | null; silent: boolean }[] = await this.dataSource.query(
      `SELECT id::text, importer, ${silent} AS silent FROM disbursement_batches WHERE status = 'importing'`,
    );
    const gone = candidates.filter((c) => importerState(c.importer) === 'gone').map((c) => c.id);
    const silentUnknown = candidates.filter((c) => c.silent && importerState(c.importer) === 'unknown').map((c) => c.id);
    const error = '导入中断 (the import was interrupted)';
    const failed = gone.length ? await this.move(this.dataSource.manager, 'failed', `id = ANY($3::bigint[]) AND status = 'importing'`, `error = $4, finished_at = now()`, [gone, error]) : [];
    // Still silent when failed: a heartbeat that came meanwhile keeps the import.
    if (silentUnknown.length) failed.push(...(await this.move(this.dataSource.manager, 'failed', `id = ANY($3::bigint[]) AND ${silent}`, `error = $4, finished_at = now()`, [silentUnknown, error])));
    return failed;
  }

  /** One batch moves to `to`, or a ConflictError names where it stands. */
  private async moveTo(em: EntityManager, batchId: string, to: BatchStatus, set: string, params: unknown[] = []): Promise<void> {
    const moved = await this.move(em, to, `id = $3`, set, [batchId, ...params]);
    if (moved.length) return;
    const [row]: { status: BatchStatus }[] = await em.query(`SELECT status FROM disbursement_batches WHERE id = $1`, [batchId]);
    const was = row?.status;
    throw new ConflictError(`批次 ${batchId} 处于 ${was ?? '不存在'} 状态，不能变为 ${to} (a ${was ?? 'missing'} batch cannot become ${to}; allowed: ${(was && BATCH_TRANSITIONS[was].join(', ')) || 'none'})`, {
      batchId,
      from: was ?? null,
      to,
    });
  }

  /**
   * The one statement that changes a batch's status: only rows in a status BATCH_TRANSITIONS
   * lets move to `to` move. `where` and `set` number their parameters from $3.
   */
  private async move(em: EntityManager, to: BatchStatus, where: string, set: string, params: unknown[]): Promise<string[]> {
    const rows: { id: string }[] = await em.query(
      `WITH moved AS (UPDATE disbursement_batches SET status = $1, ${set} WHERE (${where}) AND status = ANY($2) RETURNING id)
       SELECT id::text FROM moved`,
      [to, statusesBefore(to), ...params],
    );
    return rows.map((r) => r.id);
  }
}
