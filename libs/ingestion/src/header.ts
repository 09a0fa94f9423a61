import { open } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { InputError, cleanCell } from '@sunlight/common';
import { columnLabel, type ColumnSpec } from './columns.js';
import { FILE_LIMITS } from './file-limits.js';

/** Where each known column sits in the file (0-based), and what the header row held. */
export interface HeaderMap {
  /** canonical name → position in the row */
  positions: Map<string, number>;
  /** number of cells in the header row */
  width: number;
  cells: string[];
}

/** Title rows ("XX镇2024年4月低保发放表") may precede the header, as in a workbook; look this far for it. */
export const HEADER_SEARCH_ROWS = 10;

/** A CSV file's header row: its cells, and its line (1 unless title rows precede it). */
export interface CsvHeader {
  cells: string[];
  row: number;
}

/** Does a row name at least two columns of `specs`? What tells a header from a title above it. */
export function namesColumns(cells: (string | null)[], specs: ColumnSpec[]): boolean {
  const known = new Set(specs.flatMap((s) => [s.name, s.zh]));
  return cells.filter((c) => known.has((cleanCell(c) ?? '').toLowerCase())).length >= 2;
}

/**
 * Reads the header row of a CSV file (UTF-8, with or without BOM): the first of its first ten
 * lines that names two columns of `specs`, as in a workbook (a sheet saved as CSV keeps its title
 * rows); else line 1, so that what is wrong with it is reported there.
 */
export async function readCsvHeader(file: string, displayName: string, specs: ColumnSpec[]): Promise<CsvHeader> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(256 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    let text: string;
    try {
      // stream: true leaves a character cut by the buffer's end undecoded instead of failing
      text = new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, bytesRead), { stream: true });
    } catch {
      const loose = buffer.subarray(0, bytesRead).toString('utf8');
      const line = loose.slice(0, loose.indexOf('\uFFFD')).split('\n').length;
      throw new InputError(`${displayName} 第 ${line} 行: 文件不是 UTF-8 编码 (可能是 GBK)。请在 Excel 中另存为“CSV UTF-8 (逗号分隔)”后再导入 (the file is not UTF-8)`, {
        file: displayName,
        row: line,
        expected: 'UTF-8 text',
      });
    }
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/, HEADER_SEARCH_ROWS);
    if ((lines[0] ?? '').trim() === '') {
      throw new InputError(`${displayName}: 第 1 行应为表头，文件为空或第一行为空 (the first row must be the header row)`, { file: displayName, row: 1, expected: 'a header row' });
    }
    const cellsOf = (line: string): string[] => {
      try {
        return (parse(line, { relax_column_count: true, relax_quotes: true }) as string[][])[0] ?? [];
      } catch {
        return []; // a line cut inside quotes: no header
      }
    };
    // By physical line: a title cell may span two (Alt+Enter); csvRecords then skips by line too.
    for (const [i, line] of lines.entries()) {
      const cells = cellsOf(line);
      if (namesColumns(cells, specs)) return { cells, row: i + 1 };
    }
    return { cells: cellsOf(lines[0]), row: 1 };
  } finally {
    await handle.close();
  }
}

/**
 * Maps header cells to the columns of `specs` by English or Chinese name (case, surrounding
 * spaces and full-width letters ignored). Unknown columns are ignored; a missing required
 * column or a column named twice rejects the file.
 */
export function mapHeader(cells: string[], specs: ColumnSpec[], displayName: string, row = 1): HeaderMap {
  if (cells.length > FILE_LIMITS.headerColumns) {
    throw new InputError(`${displayName} 第 ${row} 行 (表头): 超过 ${FILE_LIMITS.headerColumns} 列的上限 (more than ${FILE_LIMITS.headerColumns} header cells)`, { file: displayName, row });
  }
  const positions = new Map<string, number>();
  const problems: string[] = [];
  const normalized = cells.map((c) => (cleanCell(c) ?? '').toLowerCase());
  normalized.forEach((cell, i) => {
    const spec = specs.find((s) => s.name === cell || s.zh === cell);
    if (!spec) return;
    if (positions.has(spec.name)) problems.push(`列 ${columnLabel(spec)} 出现了两次 (column named twice)`);
    else positions.set(spec.name, i);
  });
  const missing = specs.filter((s) => s.required && !positions.has(s.name));
  if (missing.length) problems.push(`缺少必需列 ${missing.map(columnLabel).join('、')} (missing required columns)`);
  if (problems.length) {
    throw new InputError(`${displayName} 第 ${row} 行 (表头): ${problems.join('；')}。应包含: ${specs.filter((s) => s.required).map(columnLabel).join(', ')}`, {
      file: displayName,
      row,
      expected: specs.filter((s) => s.required).map((s) => s.name).join(', '),
    });
  }
  return { positions, width: cells.length, cells };
}
