import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { processState } from '@sunlight/common';
import { BulkLoader } from '@sunlight/database';
import { BatchRepository } from './batch-repository.js';

/**
 * Clears what a killed import leaves behind: its batch stays 'importing' and its staging or
 * landing table lingers, while none of its rows are visible (they become visible only with the
 * transaction that stores the batch), and on the embedded database its copy of the file stays in
 * pgdata/import. Run before each import. An import whose process still runs on this machine is
 * alive whatever its heartbeat says, and one whose process died here is dead at once.
 */
@Injectable()
export class IngestionJanitor {
  private readonly logger = new Logger(IngestionJanitor.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly batches: BatchRepository,
    private readonly bulk: BulkLoader,
  ) {}

  async sweep(): Promise<void> {
    const dead = await this.batches.failInterrupted(processState);
    const leftovers: { tablename: string }[] = await this.dataSource.query(
      `SELECT t.tablename FROM pg_tables t
       LEFT JOIN disbursement_batches b ON b.id = substring(t.tablename FROM '_batch_([0-9]+)$')::bigint
       WHERE t.schemaname = current_schema() AND t.tablename ~ '^(stg|land)_batch_[0-9]+$'
         AND (b.id IS NULL OR b.status <> 'importing')`,
    );
    for (const { tablename } of leftovers) {
      await this.dataSource.query(`DROP TABLE IF EXISTS ${tablename}; DROP SEQUENCE IF EXISTS ${tablename}_rows`);
    }
    const files = await this.bulk.sweepLeftovers();
    if (dead.length || leftovers.length || files.length) {
      this.logger.warn({ interrupted: dead, dropped: leftovers.map((l) => l.tablename), files }, 'cleared interrupted imports');
    }
  }
}
