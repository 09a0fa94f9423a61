import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { scopeSql } from '@sunlight/common';

export class ListBatchesCommand {
  constructor(
    readonly limit = 50,
    readonly before?: string,
  ) {}
}

/** Batches in the actor's region subtree, newest first (keyset on id). */
@Injectable()
export class ListBatches {
  constructor(private readonly dataSource: DataSource) {}

  async execute(command: ListBatchesCommand) {
    const rows = await this.dataSource.query(
      `SELECT id::text, file_name, format, region_code, uploader_region, uploaded_by, status, total_rows, accepted_rows, rejected_rows, error, progress, created_at, finished_at
       FROM disbursement_batches WHERE ${scopeSql('region_code')} AND ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
      [command.before ?? null, Math.min(Math.max(command.limit, 1), 200)],
    );
    return { items: rows, next: rows.length ? rows[rows.length - 1].id : null };
  }
}
