import { createHash, type Hash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { yuanToFen } from '@sunlight/common';
import type { ColumnSpec } from './columns.js';
import { FILE_LIMITS, type FileLimits } from './file-limits.js';
import type { HeaderMap } from './header.js';
import type { PaymentCopyEncoder } from './payment-copy.js';
import { TOTAL_LABELS } from './total-row.js';

export interface ProbeContext {
  specs: ColumnSpec[];
  header: HeaderMap;
  /** County and township codes that exist. */
  regions: Set<string>;
  programs: Set<string>;
  /** The uploader's region prefix ('' = anywhere). */
  scope: string;
}

const NL = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const DASH = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const X = 0x58;

type Check = (b: Buffer, start: number, end: number, ctx: ProbeContext) => boolean;

const isDigit = (c: number) => c >= ZERO && c <= NINE;
function digits(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isDigit(b[i])) return false;
  return true;
}
function number(b: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + (b[i] - ZERO);
  return n;
}
const year = (b: Buffer, s: number) => digits(b, s, s + 4) && (b[s] === 0x31 ? b[s + 1] === NINE : b[s] === 0x32 && (b[s + 1] === ZERO || b[s + 1] === 0x31));
const month = (b: Buffer, s: number) => digits(b, s, s + 2) && number(b, s, s + 2) >= 1 && number(b, s, s + 2) <= 12;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** 计 (E8 AE A1 in UTF-8), in every total label: a line without it is no total row. */
const [JI0, JI1, JI2] = Buffer.from('计');

/** Whether the cell's bytes are `same`'s (a short cell: a loop beats a native call). */
function sameBytes(b: Buffer, start: number, end: number, same: Uint8Array): boolean {
  if (end - start !== same.length) return false;
  for (let i = 0; i < same.length; i++) if (b[start + i] !== same[i]) return false;
  return true;
}

/** The amount in fen, or -1 when the cell is not a valid payment amount. */
function amountFen(b: Buffer, s: number, e: number): number {
  let intEnd = s;
  while (intEnd < e && b[intEnd] !== DOT) intEnd++;
  if (intEnd === s || intEnd - s > 8 || !digits(b, s, intEnd)) return -1;
  if (intEnd < e && (e - intEnd - 1 < 1 || e - intEnd - 1 > 2 || !digits(b, intEnd + 1, e))) return -1;
  const fen = number(b, s, intEnd) * 100 + (intEnd < e ? number(b, intEnd + 1, e) * (e - intEnd - 1 === 1 ? 10 : 1) : 0);
  return fen > 0 && fen <= 1_000_000_000 ? fen : -1;
}

/** The same rules as validation-sql.ts, on the raw bytes of cells that need no cleaning. */
const CHECKS: Record<string, Check> = {
  region: (b, s, e, ctx) => (e - s === 6 || e - s === 9) && digits(b, s, e) && ctx.regions.has(b.toString('latin1', s, e)) && b.toString('latin1', s, e).startsWith(ctx.scope),
  program: (b, s, e, ctx) => e - s <= 16 && ctx.programs.has(b.toString('latin1', s, e)),
  month: (b, s, e) => e - s === 7 && year(b, s) && b[s + 4] === DASH && month(b, s + 5),
  id_number: (b, s, e) => e - s === 18 && digits(b, s, e - 1) && (isDigit(b[e - 1]) || b[e - 1] === X),
  amount: (b, s, e) => amountFen(b, s, e) >= 0,
  bank_account: (b, s, e) => e - s >= 12 && e - s <= 30 && digits(b, s, e),
  date: (b, s, e) => {
    if (e - s !== 10 || !year(b, s) || b[s + 4] !== DASH || !month(b, s + 5) || b[s + 7] !== DASH || !digits(b, s + 8, s + 10)) return false;
    const y = number(b, s, s + 4);
    const m = number(b, s + 5, s + 7);
    const d = number(b, s + 8, s + 10);
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    return d >= 1 && d <= (m === 2 && !leap ? 28 : DAYS[m - 1]);
  },
  text: (b, s, e) => {
    // Cleaning would trim edge spaces (also U+3000) and fold full-width letters and digits.
    const first = b[s];
    const last = b[e - 1];
    if (first === 0x20 || first === 0x09 || last === 0x20 || last === 0x09) return false;
    if (first === 0xe3 && b[s + 1] === 0x80 && b[s + 2] === 0x80) return false;
    if (e - s >= 3 && b[e - 3] === 0xe3 && b[e - 2] === 0x80 && last === 0x80) return false;
    for (let i = s; i < e - 2; i++) {
      if (b[i] !== 0xef) continue;
      const n1 = b[i + 1];
      const n2 = b[i + 2];
      if ((n1 === 0xbc && n2 >= 0x90) || (n1 === 0xbd && n2 <= 0x9a) || (n1 === 0xbb && n2 === 0xbf)) return false; // FF10–FF5A, BOM
    }
    return true;
  },
};

/**
 * Passes a CSV file through (to COPY) while it hashes the bytes and checks every row, on the raw
 * bytes, is already exactly what the detailed validation would store: well formed, no quoting,
 * nothing to clean. The first doubt stops the stream, so COPY aborts at once and the detailed
 * path takes over, naming each problem precisely. A closing total row (合计 …, CONTRACT §3.1) is
 * held back from COPY: `total` keeps its amount for the caller to compare with `sumFen`.
 * With an `encoder`, what goes on is not the CSV but its rows in binary COPY format (the header
 * row left out), derived values included.
 */
export class CleanCsvProbe extends Transform {
  doubt: string | undefined;
  rows = 0;
  /** Lowest and highest region code seen: the batch's region is their common prefix. */
  minRegion = '';
  maxRegion = '';
  /** The closing total row: its line and amount. */
  total: { line: number; fen: bigint } | undefined;
  private readonly hash: Hash = createHash('sha256');
  private rest: Buffer = Buffer.alloc(0);
  private line = 0;
  /** `same`: for the region and program, the last cell that passed (a copy of its bytes). */
  private readonly columns: { index: number; check: Check; required: boolean; name: string; same?: Uint8Array }[];
  private readonly amountIndex: number;
  /** The sum of the amounts, in fen: a Number while exact (below 2^53), folded into a bigint. */
  private fen = 0;
  private fenFolded = 0n;
  /** Where a line's commas are (the first `width` of them). */
  private readonly commas: Int32Array;
  /** Where the line's cells start and end (for the encoder). */
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;

  constructor(
    private readonly ctx: ProbeContext,
    private readonly limits: Pick<FileLimits, 'lineBytes' | 'rows' | 'cellChars'> = FILE_LIMITS,
    private readonly encoder?: PaymentCopyEncoder,
  ) {
    super();
    this.columns = ctx.specs
      .filter((s) => ctx.header.positions.has(s.name))
      .map((s) => {
        const type = s.type === 'any-region' ? 'region' : s.type;
        return { index: ctx.header.positions.get(s.name)!, check: CHECKS[type], required: s.required, name: s.name, same: type === 'region' || type === 'program' ? new Uint8Array(0) : undefined };
      })
      .sort((a, b) => a.index - b.index);
    this.amountIndex = ctx.header.positions.get('amount') ?? -1;
    this.commas = new Int32Array(ctx.header.width);
    this.starts = new Int32Array(ctx.header.width);
    this.ends = new Int32Array(ctx.header.width);
  }

  get sha256(): string {
    return this.hash.digest('hex');
  }

  /** The sum of the payments' amounts, in fen. */
  get sumFen(): bigint {
    return this.fenFolded + BigInt(this.fen);
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    if (!this.doubt) {
      const data = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
      const end = data.lastIndexOf(NL) + 1; // complete lines only: no character is cut
      const pass = this.lines(data, end);
      this.rest = Buffer.from(data.subarray(end));
      if (this.encoder) for (const out of this.encoder.take()) this.push(out);
      else if (pass > 0) this.push(data.subarray(0, pass));
      // A line without end is not held whole: past the limit the detailed path names it.
      if (!this.doubt && this.rest.length > this.limits.lineBytes) this.doubt = `line ${this.line + 1}: longer than ${this.limits.lineBytes} bytes`;
    }
    done(this.doubt ? new Error(`not a clean file: ${this.doubt}`) : null);
  }

  _flush(done: TransformCallback): void {
    if (!this.doubt && this.rest.length) {
      const pass = this.lines(Buffer.concat([this.rest, Buffer.from('\n')]), this.rest.length + 1);
      if (!this.encoder && pass > 0) this.push(this.rest.subarray(0, Math.min(pass, this.rest.length)));
    }
    if (this.encoder && !this.doubt) for (const out of this.encoder.take(true)) this.push(out);
    done(this.doubt ? new Error(`not a clean file: ${this.doubt}`) : null);
  }

  /** Checks the lines before `end`; answers how many bytes go on to COPY (all but a total row). */
  private lines(data: Buffer, end: number): number {
    if (!isUtf8(data.subarray(0, end))) {
      this.doubt = `near line ${this.line + 1}: not UTF-8`;
      return 0;
    }
    let start = 0;
    let pass = end;
    while (start < end && !this.doubt) {
      const nl = data.indexOf(NL, start);
      const lineEnd = data[nl - 1] === CR ? nl - 1 : nl;
      this.line++;
      if (this.total) {
        this.doubt = `line ${this.line}: a line after the total row of line ${this.total.line}`;
      } else if (this.line > 1 && this.check(data, start, lineEnd < start ? start : lineEnd) === 'total') {
        pass = start;
      }
      start = nl + 1;
    }
    return pass;
  }

  private check(b: Buffer, start: number, end: number): 'payment' | 'total' | undefined {
    // One pass over the line's bytes in JavaScript: a native indexOf per cell costs more than
    // the bytes it scans (a million lines have eleven million cells).
    const width = this.ctx.header.width;
    const commas = this.commas;
    let cells = 1;
    let ji = false;
    for (let i = start; i < end; i++) {
      const c = b[i];
      if (c > COMMA && c !== JI0) continue; // digits, letters, most of a Chinese character
      if (c === COMMA) {
        if (cells <= width) commas[cells - 1] = i;
        cells++;
      } else if (c === QUOTE) return void (this.doubt = `line ${this.line}: quoted cells`);
      else if (c === JI0 && b[i + 1] === JI1 && b[i + 2] === JI2) ji = true;
    }
    if (ji && this.totalRow(b.subarray(start, end))) return 'total';
    if (this.doubt) return undefined;
    const fields = Math.min(cells, width);
    let next = 0;
    let fen = 0;
    for (let field = 0; field < fields; field++) {
      const fieldStart = field === 0 ? start : commas[field - 1] + 1;
      const fieldEnd = field === cells - 1 ? end : commas[field];
      this.starts[field] = fieldStart;
      this.ends[field] = fieldEnd;
      if (fieldEnd - fieldStart > this.limits.cellChars) return void (this.doubt = `line ${this.line}: a cell longer than ${this.limits.cellChars} bytes`);
      const column = this.columns[next];
      if (column?.index === field) {
        next++;
        if (fieldEnd === fieldStart) {
          if (column.required) return void (this.doubt = `line ${this.line}: ${column.name} is empty`);
        } else if (column.same && sameBytes(b, fieldStart, fieldEnd, column.same)) {
          // The cell the row before had, already checked (a file repeats its region and program).
        } else if (!column.check(b, fieldStart, fieldEnd, this.ctx)) {
          return void (this.doubt = `line ${this.line}: ${column.name}`);
        } else if (column.same) {
          column.same = new Uint8Array(b.subarray(fieldStart, fieldEnd)); // a copy: the chunk may be reused
          if (column.name === 'region_code') this.seeRegion(b, fieldStart, fieldEnd);
        }
      }
      if (field === this.amountIndex) this.addFen((fen = amountFen(b, fieldStart, fieldEnd)));
    }
    if (cells !== width) return void (this.doubt = `line ${this.line}: ${cells} cells, not ${width}`);
    if (++this.rows > this.limits.rows) return void (this.doubt = `line ${this.line}: more than ${this.limits.rows} rows`);
    this.encoder?.row(b, this.starts, this.ends, this.line, fen);
    return 'payment';
  }

  /** Keeps the lowest and highest region code. */
  private seeRegion(b: Buffer, start: number, end: number): void {
    const region = b.toString('latin1', start, end);
    if (!this.minRegion || region < this.minRegion) this.minRegion = region;
    if (region > this.maxRegion) this.maxRegion = region;
  }

  /** A line whose first non-empty cell is a total label; its amount must be one (else a doubt). */
  private totalRow(line: Buffer): boolean {
    const cells = line.toString('utf8').split(',');
    const first = cells.find((c) => c !== '');
    if (!first || !(TOTAL_LABELS as readonly string[]).includes(first)) return false;
    const fen = yuanToFen(cells[this.amountIndex] ?? '');
    if (fen === null) {
      this.doubt = `line ${this.line}: the amount of the total row`;
      return false;
    }
    this.total = { line: this.line, fen };
    return true;
  }

  private addFen(fen: number): void {
    this.fen += fen;
    if (this.fen >= 2 ** 52) {
      this.fenFolded += BigInt(this.fen);
      this.fen = 0;
    }
  }
}
