import { InputError } from '@sunlight/common';

/**
 * How large a file's parts may be. A hostile file (a zip bomb, a line without end, a cell of a
 * gigabyte) is refused at the limit, by name, before it can take the process's memory: each limit
 * lies far above any real disbursement file and far below what would hurt.
 */
export interface FileLimits {
  /** Characters in one cell: Excel's own limit. */
  cellChars: number;
  /** Bytes in one CSV line (a real row is under 1 KB; a row of long cells stays far below). */
  lineBytes: number;
  /** Data rows in one file (a 512 MB upload holds about 5 million typical rows). */
  rows: number;
  /** Cells in the header row: each becomes a column of the staging table (PostgreSQL allows 1,600). */
  headerColumns: number;
  /** Cells in one spreadsheet row: Excel's own limit (XFD). */
  columns: number;
  /** Decompressed bytes of one part of an XLSX archive. */
  xlsxEntryBytes: number;
  /** Decompressed bytes of all parts of an XLSX archive. */
  xlsxTotalBytes: number;
  /** Decompressed bytes of the shared-strings part, which is held in memory while the sheet is read. */
  xlsxSharedStringsBytes: number;
  /** Bytes of one XML token (text between tags, or one tag): a cell of 32,767 characters, escaped, fits. */
  xmlTokenBytes: number;
}

const MiB = 1024 * 1024;

export const FILE_LIMITS: Readonly<FileLimits> = Object.freeze({
  cellChars: 32_767,
  lineBytes: 1 * MiB,
  rows: 5_000_000,
  headerColumns: 1_000,
  columns: 16_384,
  xlsxEntryBytes: 1024 * MiB,
  xlsxTotalBytes: 2048 * MiB,
  xlsxSharedStringsBytes: 64 * MiB,
  xmlTokenBytes: 1 * MiB,
});

/** 1048576 → "1 MiB", 32767 → "32,767". */
export function formatLimit(n: number, unit: 'bytes' | 'count'): string {
  if (unit === 'bytes' && n >= MiB && n % MiB === 0) return n >= 1024 * MiB && n % (1024 * MiB) === 0 ? `${n / 1024 / MiB} GiB` : `${n / MiB} MiB`;
  return n.toLocaleString('en-US') + (unit === 'bytes' ? ' 字节' : '');
}

export function tooManyRows(file: string, limit: number, row?: number): InputError {
  return new InputError(`${file}${row ? ` 第 ${row} 行` : ''}: 文件超过 ${formatLimit(limit, 'count')} 行的上限，请拆分后分批导入 (more than ${formatLimit(limit, 'count')} data rows)`, {
    file,
    row,
    expected: `at most ${limit} rows`,
  });
}

export function lineTooLong(file: string, limit: number, row: number): InputError {
  return new InputError(`${file} 第 ${row} 行: 一行超过 ${formatLimit(limit, 'bytes')} 的上限 (可能缺少换行符或文件已损坏) (a line is longer than ${formatLimit(limit, 'bytes')})`, {
    file,
    row,
    expected: `lines of at most ${limit} bytes`,
  });
}

/** `column` as people see it: "第 3 列", "C 列". */
export function cellTooLong(file: string, limit: number, row: number, column?: string): InputError {
  return new InputError(`${file} 第 ${row} 行${column ? ` ${column}` : ''}: 单元格超过 ${formatLimit(limit, 'count')} 个字符的上限 (a cell is longer than ${formatLimit(limit, 'count')} characters, Excel's own limit)`, {
    file,
    row,
    column,
    expected: `cells of at most ${limit} characters`,
  });
}
