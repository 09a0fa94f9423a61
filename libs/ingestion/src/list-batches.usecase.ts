import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { scopeSql } from '@sunlight/common';
import { BATCH_VIEW_COLUMNS, type BatchView, type ImportPage } from './import-views.js';
import { importConditions, type ImportFilters } from './import-filters.js';

export class ListBatchesCommand {
  constructor(
    readonly limit = 50,
    readonly before?: string,
    readonly filters: ImportFilters = {},
  ) {}
}

/** Batches in the actor's region subtree, newest first (keyset on the numeric id; `next` is null on the last page). */
@Injectable()
export class ListBatches {
  constructor(private readonly dataSource: DataSource) {}

  async execute(command: ListBatchesCommand): Promise<ImportPage<BatchView>> {
    const size = Math.min(Math.max(command.limit, 1), 200);
    const params: unknown[] = [command.before ?? null, size];
    const filters = importConditions(command.filters, 'uploaded_by', params);
    const rows: BatchView[] = await this.dataSource.query(
      `SELECT ${BATCH_VIEW_COLUMNS}
       FROM disbursement_batches WHERE ${[scopeSql('region_code'), '($1::bigint IS NULL OR disbursement_batches.id < $1)', ...filters].join(' AND ')}
       ORDER BY disbursement_batches.id DESC LIMIT $2`,
      params,
    );
    return { items: rows, next: rows.length === size ? rows[rows.length - 1].id : null };
  }
}
