import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError, scopeSql } from '@sunlight/common';

/** One batch or registry import with its progress, counts and error. */
@Injectable()
export class GetImport {
  constructor(private readonly dataSource: DataSource) {}

  /** A batch in the actor's region subtree; any other answers "no such batch". */
  async batch(id: string) {
    const [row] = /^\d{1,18}$/.test(id)
      ? await this.dataSource.query(
          `SELECT id::text, file_name, format, region_code, uploader_region, uploaded_by, allow_partial, status, total_rows, accepted_rows, rejected_rows, error, progress, created_at, finished_at
           FROM disbursement_batches WHERE id = $1 AND ${scopeSql('region_code')}`,
          [id],
        )
      : [];
    if (!row) throw new NotFoundError(`批次 ${id} 不存在 (no such batch)`);
    return row;
  }

  async registry(id: string) {
    const [row] = /^\d{1,18}$/.test(id)
      ? await this.dataSource.query(
          `SELECT id::text, kind, file_name, replace, imported_by, allow_partial, status, total_rows, accepted_rows, rejected_rows, error, created_at, finished_at
           FROM registry_imports WHERE id = $1`,
          [id],
        )
      : [];
    if (!row) throw new NotFoundError(`比对库导入 ${id} 不存在 (no such registry import)`);
    return row;
  }

  /** Registry imports, newest first, a page at a time (keyset on the numeric id). */
  async registries(limit = 50, before?: string) {
    const size = Math.min(Math.max(limit, 1), 200);
    const items = await this.dataSource.query(
      `SELECT id::text, kind, file_name, replace, imported_by, status, total_rows, accepted_rows, rejected_rows, error, created_at, finished_at
       FROM registry_imports WHERE ($1::bigint IS NULL OR registry_imports.id < $1) ORDER BY registry_imports.id DESC LIMIT $2`,
      [before ?? null, size],
    );
    return { items, next: items.length === size ? (items[items.length - 1].id as string) : null };
  }
}
