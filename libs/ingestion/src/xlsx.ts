import ExcelJS from 'exceljs';
import { InputError, cleanCell } from '@sunlight/common';
import type { ColumnSpec } from './columns.js';
import type { FileRecord } from './csv-records.js';

export interface XlsxSheet {
  /** The header row's cells. */
  header: string[];
  /** Row number of the header (1 unless title rows precede it). */
  headerRow: number;
  /** The data rows after it, numbered as Excel numbers them. */
  records: AsyncIterable<FileRecord>;
}

/** Title rows ("XX镇2024年4月低保发放表") may precede the header; look this far for it. */
const HEADER_SEARCH_ROWS = 10;

/**
 * Reads the first sheet of an XLSX workbook as a stream (exceljs), so that memory stays flat
 * whatever the size. Cells become text as a person typed them: dates as YYYY-MM-DD (YYYY-MM in a
 * month column), numbers without Excel's float noise, formulas as their results.
 */
export async function readXlsx(file: string, displayName: string, specs: ColumnSpec[]): Promise<XlsxSheet> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  let sheets: AsyncIterator<ExcelJS.stream.xlsx.WorksheetReader>;
  let rows: AsyncIterator<ExcelJS.Row>;
  try {
    sheets = (reader as unknown as AsyncIterable<ExcelJS.stream.xlsx.WorksheetReader>)[Symbol.asyncIterator]();
    const first = await sheets.next();
    if (first.done) throw new InputError(`${displayName}: 工作簿中没有工作表 (the workbook has no sheet)`, { file: displayName });
    rows = (first.value as unknown as AsyncIterable<ExcelJS.Row>)[Symbol.asyncIterator]();
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${displayName}: 无法读取 XLSX 文件 (${(err as Error).message}) (cannot read the workbook)`, { file: displayName });
  }

  const known = new Set(specs.flatMap((s) => [s.name, s.zh]));
  let header: string[] | undefined;
  let headerRow = 0;
  while (!header) {
    const next = await rows.next();
    if (next.done || next.value.number > HEADER_SEARCH_ROWS) {
      throw new InputError(`${displayName}: 前 ${HEADER_SEARCH_ROWS} 行中找不到表头 (no header row found in the first ${HEADER_SEARCH_ROWS} rows)`, { file: displayName, row: 1 });
    }
    const { cells } = rowCells(next.value, []);
    const names = cells.map((c) => (cleanCell(c) ?? '').toLowerCase());
    if (names.filter((n) => known.has(n)).length >= 2) {
      header = cells.map((c) => c ?? '');
      headerRow = next.value.number;
    }
  }
  const monthColumns = header.map((cell) => specs.find((s) => [s.name, s.zh].includes((cleanCell(cell) ?? '').toLowerCase()))?.type === 'month');

  async function* records(): AsyncGenerator<FileRecord> {
    for (;;) {
      const next = await rows.next();
      if (next.done) return;
      const { cells, numeric } = rowCells(next.value, monthColumns);
      if (cells.every((c) => c === null || c.trim() === '')) continue; // blank rows Excel leaves behind
      yield { row: next.value.number, cells, numeric };
    }
  }
  return { header, headerRow, records: records() };
}

function rowCells(row: ExcelJS.Row, monthColumns: boolean[]): { cells: (string | null)[]; numeric: number[] } {
  const values = row.values as unknown[]; // 1-based
  const cells: (string | null)[] = [];
  const numeric: number[] = [];
  for (let i = 1; i < values.length; i++) {
    cells.push(cellText(values[i], monthColumns[i - 1] ?? false));
    if (isNumber(values[i])) numeric.push(i - 1);
  }
  return { cells, numeric };
}

/** A number cell, or a formula whose result is a number: whatever it shows, Excel kept 15 digits. */
function isNumber(value: unknown): boolean {
  if (typeof value === 'number') return true;
  return typeof value === 'object' && value !== null && 'result' in value && typeof (value as { result: unknown }).result === 'number';
}

function cellText(value: unknown, month: boolean): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    const iso = value.toISOString(); // exceljs reads Excel's serial dates as UTC
    return month ? iso.slice(0, 7) : iso.slice(0, 10);
  }
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string };
    if (v.richText) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return cellText(v.result, month);
    if (v.text !== undefined) return cellText(v.text, month);
    if (v.error) return v.error;
  }
  return String(value);
}
