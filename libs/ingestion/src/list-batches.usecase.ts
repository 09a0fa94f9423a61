import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export class ListBatchesCommand {
  constructor(
    readonly regionScope = '',
    readonly limit = 50,
    readonly before?: string,
  ) {}
}

/** Batches of a region subtree, newest first (keyset on id). */
@Injectable()
export class ListBatches {
  constructor(private readonly dataSource: DataSource) {}

  async execute(command: ListBatchesCommand) {
    const rows = await this.dataSource.query(
      `SELECT id::text, file_name, format, region_code, uploaded_by, status, total_rows, accepted_rows, rejected_rows, error, progress, created_at, finished_at
       FROM disbursement_batches WHERE region_code LIKE $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [`${command.regionScope}%`, command.before ?? null, Math.min(Math.max(command.limit, 1), 200)],
    );
    return { items: rows, next: rows.length ? rows[rows.length - 1].id : null };
  }
}
