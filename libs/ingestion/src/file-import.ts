import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InputError } from '@sunlight/common';
import type { ColumnSpec } from './columns.js';
import type { InputFile } from './file-info.js';
import { mapHeader, readCsvHeader, type HeaderMap } from './header.js';
import { StagingArea, type ProgressFn } from './staging.js';
import { validatedRowsSql, type CheckContext } from './validation-sql.js';
import { readXlsxInWorker } from './xlsx-thread.js';

export interface RowProblem {
  /** The file's row number. */
  row: number;
  column: string | null;
  value: string | null;
  reason: string;
}

export interface StagedFile {
  table: string;
  header: HeaderMap;
  rows: number;
  format: 'csv' | 'xlsx';
}

/**
 * The steps batches and registries share: recognize the file, map its header, COPY it into a
 * staging table, record the rejected rows. What is done with the valid rows is the caller's.
 */
@Injectable()
export class FileImport {
  constructor(private readonly staging: StagingArea) {}

  async stage(file: InputFile, specs: ColumnSpec[], table: string, progress?: ProgressFn): Promise<StagedFile> {
    const { format } = file;
    if (format === 'xlsx') {
      const sheet = await readXlsxInWorker(file.path, file.name, specs);
      try {
        const header = mapHeader(sheet.header, specs, file.name, sheet.headerRow);
        await this.staging.create(table, header.width);
        const rows = await this.staging.loadStagingCsv(table, header.width, sheet.stagingCsv(header.width, true, (count) => progress?.('loading', { rows: count })));
        return { table, header, rows, format };
      } finally {
        await sheet.close();
      }
    }
    const found = await readCsvHeader(file.path, file.name, specs);
    const header = mapHeader(found.cells, specs, file.name, found.row);
    await this.staging.create(table, header.width);
    const rows = await this.staging.loadCsv(table, header.width, file.path, file.name, progress, found.row);
    return { table, header, rows, format };
  }

  /** Writes one rejected_rows row per failed check; returns the number of rejected rows. */
  async recordRejections(em: EntityManager, source: 'batch' | 'registry', importId: string, staged: StagedFile, specs: ColumnSpec[], ctx: CheckContext): Promise<number> {
    await em.query(
      `INSERT INTO rejected_rows (source, import_id, row_no, column_name, value, reason)
       SELECT $1, $2, v.row_no + 1, e->>'c', e->>'v', e->>'r'
       FROM (${validatedRowsSql(staged.table, specs, staged.header, ctx)}) v CROSS JOIN LATERAL unnest(v.errs) AS e
       WHERE cardinality(v.errs) > 0`,
      [source, importId],
    );
    const [{ rejected }] = await em.query(
      `SELECT count(DISTINCT row_no)::int AS rejected FROM rejected_rows WHERE source = $1 AND import_id = $2`,
      [source, importId],
    );
    return rejected;
  }

  /** Problems found outside the column checks (a misplaced total row …), one rejected_rows row each. */
  async recordRowProblems(em: EntityManager, source: 'batch' | 'registry', importId: string, problems: RowProblem[]): Promise<void> {
    if (!problems.length) return;
    await em.query(
      `INSERT INTO rejected_rows (source, import_id, row_no, column_name, value, reason)
       SELECT $1, $2, p.row_no, p.column_name, p.value, p.reason
       FROM jsonb_to_recordset($3::jsonb) AS p(row_no int, column_name text, value text, reason text)`,
      [source, importId, JSON.stringify(problems.map((p) => ({ row_no: p.row, column_name: p.column, value: p.value, reason: p.reason })))],
    );
  }

  /** A problem of the whole file: row 0 (its message says where). */
  async recordFileProblem(em: EntityManager, source: 'batch' | 'registry', importId: string, error: InputError): Promise<void> {
    await em.query(`INSERT INTO rejected_rows (source, import_id, row_no, column_name, value, reason) VALUES ($1, $2, $3, $4, $5, $6)`, [
      source,
      importId,
      0,
      error.details.column ?? null,
      error.details.value ?? null,
      error.message,
    ]);
  }

  drop(table: string): Promise<void> {
    return this.staging.drop(table);
  }
}

/** Excludes rejected rows when storing a partial import. */
export const notRejected = (source: 'batch' | 'registry', importIdParam: string, rowAlias: string) =>
  `NOT EXISTS (SELECT 1 FROM rejected_rows r WHERE r.source = '${source}' AND r.import_id = ${importIdParam} AND r.row_no = ${rowAlias}.row_no + 1)`;
