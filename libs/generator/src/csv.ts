import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** A CSV cell, quoted only when it has to be. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface CsvOptions {
  /** Start with a byte order mark, as Excel's "CSV UTF-8" does. */
  bom?: boolean;
}

/** Streams rows to a CSV file (flat memory at any size). */
export async function writeCsv(file: string, header: string[], rows: Iterable<(string | number | null)[]>, options: CsvOptions = {}): Promise<number> {
  const out = createWriteStream(file);
  let count = 0;
  let chunk: string[] = [(options.bom ? '\uFEFF' : '') + header.map(csvCell).join(',')];
  for (const row of rows) {
    chunk.push(row.map(csvCell).join(','));
    count++;
    if (chunk.length >= 5000) {
      if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
      chunk = [];
    }
  }
  out.end(chunk.length ? chunk.join('\n') + '\n' : '');
  await once(out, 'finish');
  return count;
}
