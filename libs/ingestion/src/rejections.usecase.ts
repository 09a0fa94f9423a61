import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError, csvCell, maskPersonalData, scopeSql } from '@sunlight/common';

export interface RejectionView {
  row: number;
  column: string | null;
  value: string | null;
  reason: string;
}

/** A page of rejected rows: `total` file rows in all; `next` is the `after` of the following page, null on the last. */
export interface RejectionPage {
  items: RejectionView[];
  total: number;
  next: number | null;
}

/** The `afterRow` of a first page: before row 0, where a problem of the whole file is recorded. */
export const FROM_THE_START = -1;

/**
 * The rejected rows of an import: as JSON pages, or as CSV for Excel. Values and reasons come out
 * masked here, for every reader (API, CSV, CLI): a rejected ID number or account is often one
 * the masking of a well-formed value would miss (spaces, hyphens inside), and the uploader has
 * the file itself.
 */
@Injectable()
export class Rejections {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Up to `rows` file rows after row `afterRow`, each with all its problems. Row 0 is a problem of
   * the whole file (its message says where): the first page (FROM_THE_START, the default) has it.
   */
  async page(source: 'batch' | 'registry', importId: string, afterRow = FROM_THE_START, rows = 200): Promise<RejectionPage> {
    await this.assertExists(source, importId);
    const found: RejectionView[] = await this.dataSource.query(
      `SELECT row_no AS row, column_name AS column, value, reason FROM rejected_rows
       WHERE source = $1 AND import_id = $2 AND row_no IN (
         SELECT DISTINCT row_no FROM rejected_rows WHERE source = $1 AND import_id = $2 AND row_no > $3 ORDER BY row_no LIMIT $4)
       ORDER BY row_no, id`,
      [source, importId, afterRow, Math.min(rows, 1000)],
    );
    const [{ total }] = await this.dataSource.query(`SELECT count(DISTINCT row_no)::int AS total FROM rejected_rows WHERE source = $1 AND import_id = $2`, [source, importId]);
    const items = found.map((r) => ({ ...r, value: r.value === null ? null : maskPersonalData(r.value), reason: maskPersonalData(r.reason) }));
    const fileRows = new Set(items.map((r) => r.row)).size;
    return { items, total, next: fileRows === Math.min(rows, 1000) ? items[items.length - 1].row : null };
  }

  /** CSV with a BOM (Excel reads it as UTF-8), cells safe from formula injection, masked as the pages. */
  async *csv(source: 'batch' | 'registry', importId: string): AsyncGenerator<string> {
    await this.assertExists(source, importId);
    yield '\uFEFF行号 row,列 column,值 value,原因 reason\r\n';
    let after = FROM_THE_START;
    for (;;) {
      const { items } = await this.page(source, importId, after, 1000);
      if (!items.length) return;
      yield items.map((r) => [String(r.row), r.column ?? '', r.value ?? '', r.reason].map(csvCell).join(',')).join('\r\n') + '\r\n';
      after = items[items.length - 1].row;
    }
  }

  private async assertExists(source: 'batch' | 'registry', importId: string): Promise<void> {
    if (!/^\d{1,18}$/.test(importId)) throw new NotFoundError(`导入 ${importId} 不存在 (no such import)`);
    // A batch is seen in its region subtree only; registry imports are the country's.
    const rows = await this.dataSource.query(
      source === 'batch' ? `SELECT 1 FROM disbursement_batches WHERE id = $1 AND ${scopeSql('region_code')}` : `SELECT 1 FROM registry_imports WHERE id = $1`,
      [importId],
    );
    if (!rows.length) throw new NotFoundError(`导入 ${importId} 不存在 (no such import)`);
  }
}

