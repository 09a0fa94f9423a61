import { csvCell } from './csv.js';

type Cell = string | number | null | undefined;

/** Bytes per buffer: lines are appended into buffers of this size (a bigger line gets its own). */
const CHUNK = 4 << 20;
/** Characters gathered as a string before they are encoded into the current buffer. */
const PENDING = 1 << 16;

/**
 * Rows kept as the CSV lines a file holds, UTF-8 in a few large buffers: a province's registries
 * (tens of millions of rows) take their file's size, outside the JavaScript heap, instead of an
 * array and a few strings per row. Rows read back decoded: an empty cell is null.
 */
export class CsvLines implements Iterable<(string | null)[]> {
  private readonly sealed: Buffer[] = [];
  private current = Buffer.allocUnsafeSlow(0);
  private used = 0;
  private pending: string[] = [];
  private pendingChars = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(row: readonly Cell[]): void {
    this.pushLine(row.map(csvCell).join(','));
  }

  /** An encoded line, without its line break (a line break inside would split it in two). */
  pushLine(line: string): void {
    if (line.includes('\n') || line.includes('\r')) throw new Error(`a line break inside a generated row: ${JSON.stringify(line)}`);
    this.pending.push(line);
    this.pendingChars += line.length;
    this.count++;
    if (this.pendingChars >= PENDING) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.join('\n') + '\n';
    this.pending = [];
    this.pendingChars = 0;
    // At most 3 bytes per UTF-16 unit: only near a buffer's end is the exact size worth counting.
    const room = this.current.length - this.used;
    const bytes = 3 * text.length <= room ? 0 : Buffer.byteLength(text);
    if (bytes > room) {
      if (this.used > 0) this.sealed.push(this.current.subarray(0, this.used));
      this.current = Buffer.allocUnsafeSlow(Math.max(CHUNK, bytes));
      this.used = 0;
    }
    this.used += this.current.write(text, this.used);
  }

  /** The lines as bytes, each ending in a line break, in order (no line spans two buffers). */
  buffers(): Buffer[] {
    this.flush();
    return this.used > 0 ? [...this.sealed, this.current.subarray(0, this.used)] : [...this.sealed];
  }

  *lines(): Generator<string> {
    for (const buffer of this.buffers()) {
      const lines = buffer.toString('utf8').split('\n');
      lines.pop(); // after the last line break
      yield* lines;
    }
  }

  *[Symbol.iterator](): Generator<(string | null)[]> {
    for (const line of this.lines()) yield parseCsvLine(line);
  }
}

/** The cells of one CSV line as csvCell writes them (quoted only when needed); empty: null. */
export function parseCsvLine(line: string): (string | null)[] {
  if (!line.includes('"')) return line.split(',').map((cell) => (cell === '' ? null : cell));
  const cells: (string | null)[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (line[i] === '"') {
      for (i++; ; ) {
        const quote = line.indexOf('"', i);
        if (quote < 0) throw new Error(`an unterminated quote: ${line}`);
        cell += line.slice(i, quote);
        i = quote + 1;
        if (line[i] !== '"') break;
        cell += '"';
        i++;
      }
    } else {
      const comma = line.indexOf(',', i);
      cell = line.slice(i, comma < 0 ? line.length : comma);
      i = comma < 0 ? line.length : comma;
    }
    cells.push(cell === '' ? null : cell);
    if (i >= line.length) return cells;
    i++; // the comma
    if (i === line.length) return [...cells, null];
  }
}
