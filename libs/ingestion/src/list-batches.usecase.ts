import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { scopeSql } from '@sunlight/common';

export class ListBatchesCommand {
  constructor(
    readonly limit = 50,
    readonly before?: string,
  ) {}
}

/** Batches in the actor's region subtree, newest first (keyset on the numeric id; `next` is null on the last page). */
@Injectable()
export class ListBatches {
  constructor(private readonly dataSource: DataSource) {}

  async execute(command: ListBatchesCommand) {
    const size = Math.min(Math.max(command.limit, 1), 200);
    const rows = await this.dataSource.query(
      `SELECT id::text, file_name, format, region_code, uploader_region, uploaded_by, status, total_rows, accepted_rows, rejected_rows, error, progress, created_at, finished_at
       FROM disbursement_batches WHERE ${scopeSql('region_code')} AND ($1::bigint IS NULL OR disbursement_batches.id < $1) ORDER BY disbursement_batches.id DESC LIMIT $2`,
      [command.before ?? null, size],
    );
    return { items: rows, next: rows.length === size ? (rows[rows.length - 1].id as string) : null };
  }
}
