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

/** Reads the header row of a CSV file (UTF-8, with or without BOM). */
export async function readCsvHeader(file: string, displayName: string): Promise<string[]> {
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
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    if (firstLine.replace(/^\uFEFF/, '').trim() === '') {
      throw new InputError(`${displayName}: 第 1 行应为表头，文件为空或第一行为空 (the first row must be the header row)`, { file: displayName, row: 1, expected: 'a header row' });
    }
    const records: string[][] = parse(firstLine, { bom: true, relax_column_count: true, relax_quotes: true });
    return records[0] ?? [];
  } finally {
    await handle.close();
  }
}

/**
 * Maps header cells to the columns of `specs` by English or Chinese name (case, surrounding
 * spaces and full-width letters ignored). Unknown columns are ignored; a missing required
 * column or a column named twice rejects the file.
 */
export function mapHeader(cells: string[], specs: ColumnSpec[], displayName: string): HeaderMap {
  if (cells.length > FILE_LIMITS.headerColumns) {
    throw new InputError(`${displayName} 第 1 行 (表头): 超过 ${FILE_LIMITS.headerColumns} 列的上限 (more than ${FILE_LIMITS.headerColumns} header cells)`, { file: displayName, row: 1 });
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
    throw new InputError(`${displayName} 第 1 行 (表头): ${problems.join('；')}。应包含: ${specs.filter((s) => s.required).map(columnLabel).join(', ')}`, {
      file: displayName,
      row: 1,
      expected: specs.filter((s) => s.required).map((s) => s.name).join(', '),
    });
  }
  return { positions, width: cells.length, cells };
}
