import type ExcelJS from 'exceljs';
import { InputError, cleanCell } from '@sunlight/common';
import type { ColumnSpec } from './columns.js';
import type { FileRecord } from './csv-records.js';
import { FILE_LIMITS, cellTooLong, formatLimit, tooManyRows, type FileLimits } from './file-limits.js';
import { HEADER_SEARCH_ROWS, namesColumns } from './header.js';
import { scanXlsx } from './xlsx-guard.js';
import { columnLetters, readSharedStrings, withCellReferences } from './xlsx-xml.js';

export interface XlsxSheet {
  /** The header row's cells. */
  header: string[];
  /** Row number of the header (1 unless title rows precede it). */
  headerRow: number;
  /** The data rows after it, numbered as Excel numbers them. */
  records: AsyncIterable<FileRecord>;
}

/**
 * Reads the first sheet of an XLSX workbook as a stream (exceljs), so that memory stays flat
 * whatever the size. Cells become text as a person typed them: dates as YYYY-MM-DD (YYYY-MM in a
 * month column), numbers without Excel's float noise, formulas as their results.
 */
export async function readXlsx(file: string, displayName: string, specs: ColumnSpec[], limits: FileLimits = FILE_LIMITS): Promise<XlsxSheet> {
  // First a pass that only measures: a zip bomb or an endless cell is refused before exceljs holds it.
  await scanXlsx(file, displayName, limits);
  // (Loaded when a workbook comes: exceljs and its zip stack are a third of a process's modules.)
  const { default: excel } = await import('exceljs');
  const reader = boundedReader(excel, file, displayName, limits);
  let sheets: AsyncIterator<ExcelJS.stream.xlsx.WorksheetReader>;
  let rows: AsyncIterator<ExcelJS.Row>;
  try {
    sheets = (reader as unknown as AsyncIterable<ExcelJS.stream.xlsx.WorksheetReader>)[Symbol.asyncIterator]();
    const first = await sheets.next();
    if (first.done) throw new InputError(`${displayName}: 工作簿中没有工作表 (the workbook has no sheet)`, { file: displayName });
    rows = (first.value as unknown as AsyncIterable<ExcelJS.Row>)[Symbol.asyncIterator]();
  } catch (err) {
    throw readProblem(displayName, err);
  }
  const nextRow = async () => {
    try {
      return await rows.next();
    } catch (err) {
      throw readProblem(displayName, err);
    }
  };

  let header: string[] | undefined;
  let headerRow = 0;
  while (!header) {
    const next = await nextRow();
    if (next.done || next.value.number > HEADER_SEARCH_ROWS) {
      throw new InputError(`${displayName}: 前 ${HEADER_SEARCH_ROWS} 行中找不到表头 (no header row found in the first ${HEADER_SEARCH_ROWS} rows)`, { file: displayName, row: 1 });
    }
    const { cells } = rowCells(next.value, [], displayName, limits);
    if (namesColumns(cells, specs)) {
      header = cells.map((c) => c ?? '');
      headerRow = next.value.number;
    }
  }
  const monthColumns = header.map((cell) => specs.find((s) => [s.name, s.zh].includes((cleanCell(cell) ?? '').toLowerCase()))?.type === 'month');

  async function* records(): AsyncGenerator<FileRecord> {
    let count = 0;
    for (;;) {
      const next = await nextRow();
      if (next.done) return;
      const { cells, numeric } = rowCells(next.value, monthColumns, displayName, limits);
      if (cells.every((c) => c === null || c.trim() === '')) continue; // blank rows Excel leaves behind
      if (++count > limits.rows) throw tooManyRows(displayName, limits.rows, next.value.number);
      yield { row: next.value.number, cells, numeric };
    }
  }
  return { header, headerRow, records: records() };
}

/** The parts of exceljs's WorkbookReader that readXlsx replaces (not in its typings). */
interface ReaderInternals {
  sharedStrings?: (string | null)[];
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator<unknown>;
  _parseSharedStrings(entry: AsyncIterable<Buffer>): AsyncGenerator<unknown>;
}

/**
 * exceljs's streaming reader with two of its steps replaced: sheets get their optional cell
 * references written in (exceljs fails on a cell without one), and shared strings are kept as
 * plain strings, each checked against the cell limit (exceljs would keep an object per rich-text
 * run, without bound).
 */
function boundedReader(excel: typeof ExcelJS, file: string, displayName: string, limits: FileLimits): ExcelJS.stream.xlsx.WorkbookReader {
  const reader = new excel.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  const internals = reader as unknown as ReaderInternals;
  const parseWorksheet = internals._parseWorksheet.bind(reader);
  internals._parseWorksheet = (iterator, sheetNo) => parseWorksheet(withCellReferences(iterator), sheetNo);
  internals._parseSharedStrings = async function* (entry) {
    internals.sharedStrings = await readSharedStrings(entry, limits.cellChars, (index) =>
      new InputError(`${displayName}: 第 ${index} 个共享字符串超过 ${formatLimit(limits.cellChars, 'count')} 个字符的上限 (a shared string is longer than ${limits.cellChars} characters)`, { file: displayName }),
    );
  };
  return reader;
}

/** Whatever exceljs, unzipper or the XML parser threw, as a message for people. */
function readProblem(displayName: string, err: unknown): InputError {
  if (err instanceof InputError) return err;
  return new InputError(`${displayName}: 无法读取 XLSX 文件，文件可能已损坏，请在 Excel 中重新另存为 .xlsx 后再导入 (cannot read the workbook: ${(err as Error)?.message ?? String(err)})`, { file: displayName });
}

function rowCells(row: ExcelJS.Row, monthColumns: boolean[], displayName: string, limits: FileLimits): { cells: (string | null)[]; numeric: number[] } {
  const values = row.values as unknown[]; // 1-based
  if (values.length - 1 > limits.columns) {
    throw new InputError(`${displayName} 第 ${row.number} 行: 单元格超出第 ${formatLimit(limits.columns, 'count')} 列 (Excel 的上限) (a cell beyond column ${limits.columns})`, { file: displayName, row: row.number });
  }
  const cells: (string | null)[] = [];
  const numeric: number[] = [];
  for (let i = 1; i < values.length; i++) {
    const text = cellText(values[i], monthColumns[i - 1] ?? false);
    if (text !== null && text.length > limits.cellChars) throw cellTooLong(displayName, limits.cellChars, row.number, `${columnLetters(i)} 列`);
    cells.push(text);
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
