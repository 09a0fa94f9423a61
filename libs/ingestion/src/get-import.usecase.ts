import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError, scopeSql } from '@sunlight/common';
import { importConditions, type ImportFilters } from './import-filters.js';
import { BATCH_VIEW_COLUMNS, REGISTRY_IMPORT_VIEW_COLUMNS, type BatchView, type ImportPage, type RegistryImportView } from './import-views.js';

/** One batch or registry import with its progress, counts and error. */
@Injectable()
export class GetImport {
  constructor(private readonly dataSource: DataSource) {}

  /** A batch in the actor's region subtree; any other answers "no such batch". */
  async batch(id: string): Promise<BatchView> {
    const [row]: BatchView[] = /^\d{1,18}$/.test(id)
      ? await this.dataSource.query(`SELECT ${BATCH_VIEW_COLUMNS} FROM disbursement_batches WHERE id = $1 AND ${scopeSql('region_code')}`, [id])
      : [];
    if (!row) throw new NotFoundError(`批次 ${id} 不存在 (no such batch)`);
    return row;
  }

  /**
   * A batch the user uploaded, in the actor's region subtree; a batch of anyone else answers "no
   * such batch" as one outside the region does.
   */
  async batchUploadedBy(id: string, username: string): Promise<BatchView> {
    const batch = await this.batch(id);
    if (batch.uploaded_by !== username) throw new NotFoundError(`批次 ${id} 不存在 (no such batch)`);
    return batch;
  }

  /** The ids of the batches the user uploaded, in the actor's region subtree, newest first. */
  async batchIdsUploadedBy(username: string): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id::text FROM disbursement_batches WHERE uploaded_by = $1 AND ${scopeSql('region_code')} ORDER BY disbursement_batches.id DESC`,
      [username],
    );
    return rows.map((r) => r.id);
  }

  async registry(id: string): Promise<RegistryImportView> {
    const [row]: RegistryImportView[] = /^\d{1,18}$/.test(id) ? await this.dataSource.query(`SELECT ${REGISTRY_IMPORT_VIEW_COLUMNS} FROM registry_imports WHERE id = $1`, [id]) : [];
    if (!row) throw new NotFoundError(`比对库导入 ${id} 不存在 (no such registry import)`);
    return row;
  }

  /** Registry imports, newest first, a page at a time (keyset on the numeric id). */
  async registries(limit = 50, before?: string, filters: ImportFilters = {}): Promise<ImportPage<RegistryImportView>> {
    const size = Math.min(Math.max(limit, 1), 200);
    const params: unknown[] = [before ?? null, size];
    const conditions = importConditions(filters, 'imported_by', params);
    const items: RegistryImportView[] = await this.dataSource.query(
      `SELECT ${REGISTRY_IMPORT_VIEW_COLUMNS}
       FROM registry_imports WHERE ${['($1::bigint IS NULL OR registry_imports.id < $1)', ...conditions].join(' AND ')}
       ORDER BY registry_imports.id DESC LIMIT $2`,
      params,
    );
    return { items, next: items.length === size ? items[items.length - 1].id : null };
  }
}
