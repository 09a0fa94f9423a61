import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { InputError } from '@sunlight/common';
import { FILE_LIMITS, cellTooLong, lineTooLong, tooManyRows, type FileLimits } from './file-limits.js';

/** One data row of a file: its row number (the header is row 1) and its cells. */
export interface FileRecord {
  row: number;
  cells: (string | null)[];
  /** Positions (0-based) of cells a spreadsheet held as numbers, not text. */
  numeric?: number[];
}

/**
 * The data rows of a CSV file, parsed in Node (csv-parse). The slow but forgiving path: used
 * when PostgreSQL's COPY refuses the file (blank lines, rows with too many or too few cells),
 * so that each bad row can be named instead of the whole file failing, and for a file with
 * title rows above its header (COPY skips one line only).
 */
export async function* csvRecords(
  file: string,
  displayName: string,
  limits: Pick<FileLimits, 'lineBytes' | 'rows' | 'cellChars'> = FILE_LIMITS,
  /** The header's line (title rows may precede it: CsvHeader.row); the records up to it are skipped. */
  headerLine = 1,
): AsyncGenerator<FileRecord> {
  const input = createReadStream(file);
  // max_record_size: csv-parse refuses a record (line) past the limit instead of buffering it whole.
  const parser = input.pipe(parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true, max_record_size: limits.lineBytes }));
  input.on('error', (err) => parser.destroy(err));
  let count = 0;
  let first = true;
  const records = (parser as AsyncIterable<{ record: string[]; info: { lines: number } }>)[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<{ record: string[]; info: { lines: number } }>;
      try {
        next = await records.next();
      } catch (err) {
        throw csvProblem(err, displayName, limits.lineBytes);
      }
      if (next.done) return;
      const { record, info } = next.value;
      // The header row and any title rows above it, by line (a record ends on line info.lines);
      // the first record is the header's or a title's whatever quoted line breaks it holds.
      if (first || info.lines <= headerLine) {
        first = false;
        continue;
      }
      count++;
      if (count > limits.rows) throw tooManyRows(displayName, limits.rows, info.lines);
      const long = record.findIndex((cell) => cell.length > limits.cellChars);
      if (long >= 0) throw cellTooLong(displayName, limits.cellChars, info.lines, `第 ${long + 1} 列`);
      yield { row: info.lines, cells: record };
    }
  } finally {
    parser.destroy();
    input.destroy();
  }
}

/** What csv-parse (or reading the file) said, as a message for people. */
function csvProblem(err: unknown, displayName: string, lineBytes: number): InputError {
  if (err instanceof InputError) return err;
  const e = err as { code?: string; message?: string; lines?: number };
  if (e.code === 'CSV_MAX_RECORD_SIZE') return lineTooLong(displayName, lineBytes, e.lines ?? 0);
  return new InputError(`${displayName}${e.lines ? ` 第 ${e.lines} 行` : ''}: 无法解析 CSV 文件 (cannot parse the CSV file: ${e.message ?? String(err)})`, { file: displayName, row: e.lines });
}

const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;

/**
 * Writes records as CSV for COPY into a staging table (row_no, ragged, numeric_cells, c1 … cN):
 * rows are padded or cut to the header's width and flagged when they did not fit.
 */
export function recordsToStagingCsv(records: AsyncIterable<FileRecord>, width: number, onRow?: (row: number) => void, padShortRows = false): Readable {
  return Readable.from(stagingCsvChunks(records, width, onRow, padShortRows));
}

/** recordsToStagingCsv's text, 5,000 rows a chunk. */
export async function* stagingCsvChunks(records: AsyncIterable<FileRecord>, width: number, onRow?: (row: number) => void, padShortRows = false): AsyncGenerator<string> {
  let chunk: string[] = [];
  for await (const { row, cells, numeric } of records) {
    // Spreadsheets leave trailing empty cells out; CSV rows must match the header.
    const extra = cells.slice(width).some((c) => c != null && c !== '');
    const ragged = extra || (cells.length < width && !padShortRows);
    const numericCells = numeric?.filter((i) => i < width).map((i) => i + 1);
    const fields: string[] = [String(row - 1), ragged ? 't' : 'f', numericCells?.length ? `"{${numericCells.join(',')}}"` : ''];
    for (let i = 0; i < width; i++) {
      const cell = cells[i];
      fields.push(cell == null ? '' : quote(cell));
    }
    chunk.push(fields.join(','));
    onRow?.(row);
    if (chunk.length >= 5000) {
      yield chunk.join('\n') + '\n';
      chunk = [];
    }
  }
  if (chunk.length) yield chunk.join('\n') + '\n';
}
