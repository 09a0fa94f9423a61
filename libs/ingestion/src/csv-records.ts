import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';

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
 * so that each bad row can be named instead of the whole file failing.
 */
export async function* csvRecords(file: string): AsyncGenerator<FileRecord> {
  const parser = createReadStream(file).pipe(
    parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true }),
  );
  let first = true;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (first) {
      first = false; // the header row
      continue;
    }
    yield { row: info.lines, cells: record };
  }
}

const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;

/**
 * Writes records as CSV for COPY into a staging table (row_no, ragged, numeric_cells, c1 … cN):
 * rows are padded or cut to the header's width and flagged when they did not fit.
 */
export function recordsToStagingCsv(records: AsyncIterable<FileRecord>, width: number, onRow?: (row: number) => void, padShortRows = false): Readable {
  async function* lines() {
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
  return Readable.from(lines());
}
