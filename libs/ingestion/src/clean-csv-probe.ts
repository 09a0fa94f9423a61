import { createHash, type Hash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import type { ColumnSpec } from './columns.js';
import type { HeaderMap } from './header.js';

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

/** The same rules as validation-sql.ts, on the raw bytes of cells that need no cleaning. */
const CHECKS: Record<string, Check> = {
  region: (b, s, e, ctx) => (e - s === 6 || e - s === 9) && digits(b, s, e) && ctx.regions.has(b.toString('latin1', s, e)) && b.toString('latin1', s, e).startsWith(ctx.scope),
  program: (b, s, e, ctx) => e - s <= 16 && ctx.programs.has(b.toString('latin1', s, e)),
  month: (b, s, e) => e - s === 7 && year(b, s) && b[s + 4] === DASH && month(b, s + 5),
  id_number: (b, s, e) => e - s === 18 && digits(b, s, e - 1) && (isDigit(b[e - 1]) || b[e - 1] === X),
  amount: (b, s, e) => {
    let intEnd = s;
    while (intEnd < e && b[intEnd] !== DOT) intEnd++;
    if (intEnd === s || intEnd - s > 8 || !digits(b, s, intEnd)) return false;
    if (intEnd < e && (e - intEnd - 1 < 1 || e - intEnd - 1 > 2 || !digits(b, intEnd + 1, e))) return false;
    const fen = number(b, s, intEnd) * 100 + (intEnd < e ? number(b, intEnd + 1, e) * (e - intEnd - 1 === 1 ? 10 : 1) : 0);
    return fen > 0 && fen <= 1_000_000_000;
  },
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
 * Passes a CSV file through unchanged (to COPY) while it hashes the bytes and checks every row,
 * on the raw bytes, is already exactly what the detailed validation would store: well formed,
 * no quoting, nothing to clean. The first doubt stops the stream, so COPY aborts at once and the
 * detailed path takes over, naming each problem precisely.
 */
export class CleanCsvProbe extends Transform {
  doubt: string | undefined;
  rows = 0;
  /** Lowest and highest region code seen: the batch's region is their common prefix. */
  minRegion = '';
  maxRegion = '';
  private readonly hash: Hash = createHash('sha256');
  private rest: Buffer = Buffer.alloc(0);
  private line = 0;
  private readonly columns: { index: number; check: Check; required: boolean; name: string }[];

  constructor(private readonly ctx: ProbeContext) {
    super();
    this.columns = ctx.specs
      .filter((s) => ctx.header.positions.has(s.name))
      .map((s) => ({ index: ctx.header.positions.get(s.name)!, check: CHECKS[s.type === 'any-region' ? 'region' : s.type], required: s.required, name: s.name }))
      .sort((a, b) => a.index - b.index);
  }

  get sha256(): string {
    return this.hash.digest('hex');
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    if (!this.doubt) {
      const data = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
      const end = data.lastIndexOf(NL) + 1; // complete lines only: no character is cut
      this.lines(data, end);
      this.rest = Buffer.from(data.subarray(end));
    }
    done(this.doubt ? new Error(`not a clean file: ${this.doubt}`) : null, chunk);
  }

  _flush(done: TransformCallback): void {
    if (!this.doubt && this.rest.length) this.lines(Buffer.concat([this.rest, Buffer.from('\n')]), this.rest.length + 1);
    done(this.doubt ? new Error(`not a clean file: ${this.doubt}`) : null);
  }

  private lines(data: Buffer, end: number): void {
    if (!isUtf8(data.subarray(0, end))) {
      this.doubt = `near line ${this.line + 1}: not UTF-8`;
      return;
    }
    let start = 0;
    while (start < end && !this.doubt) {
      const nl = data.indexOf(NL, start);
      const lineEnd = data[nl - 1] === CR ? nl - 1 : nl;
      this.line++;
      if (this.line > 1) this.check(data, start, lineEnd);
      start = nl + 1;
    }
  }

  private check(data: Buffer, lineStart: number, lineEnd: number): void {
    // A view of the line alone: indexOf on it cannot run past the line's end.
    const b = data.subarray(lineStart, lineEnd);
    const start = 0;
    const end = b.length;
    if (b.indexOf(QUOTE) >= 0) return void (this.doubt = `line ${this.line}: quoted cells`);
    const width = this.ctx.header.width;
    let field = 0;
    let fieldStart = start;
    let next = 0;
    for (;;) {
      const comma = b.indexOf(COMMA, fieldStart);
      const fieldEnd = comma >= 0 ? comma : end;
      const column = this.columns[next];
      if (column?.index === field) {
        next++;
        if (fieldEnd === fieldStart) {
          if (column.required) return void (this.doubt = `line ${this.line}: ${column.name} is empty`);
        } else if (!column.check(b, fieldStart, fieldEnd, this.ctx)) {
          return void (this.doubt = `line ${this.line}: ${column.name}`);
        } else if (column.name === 'region_code') {
          const region = b.toString('latin1', fieldStart, fieldEnd);
          if (!this.minRegion || region < this.minRegion) this.minRegion = region;
          if (region > this.maxRegion) this.maxRegion = region;
        }
      }
      field++;
      if (fieldEnd === end) break;
      fieldStart = fieldEnd + 1;
    }
    if (field !== width) return void (this.doubt = `line ${this.line}: ${field} cells, not ${width}`);
    this.rows++;
  }
}
