import { PAYMENT_COLUMNS } from './batch-storage.js';

/**
 * Encodes checked CSV rows as PostgreSQL's binary COPY format for a landing table's columns
 * (PAYMENT_COLUMNS, in that order): the cells go as their raw bytes (no quoting, no escaping),
 * the derived values typed — id, amount_fen and paid_on computed here — so that PostgreSQL
 * parses nothing and evaluates no expression per row.
 *
 * Format (PostgreSQL docs, "COPY … Binary Format"): an 11-byte signature, a flags word and a
 * header-extension length; per row a 16-bit field count, then per field a 32-bit length (-1 for
 * NULL) and its bytes (bigint 8 bytes, integer and date 4, all big-endian; a date counts days
 * from 2000-01-01); a 16-bit -1 closes the stream.
 */
export class PaymentCopyEncoder {
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private readonly out: Buffer[] = [];
  /** (batch_id << 24) as a Number: exact while batch ids stay below 2^29. */
  private readonly idBase: number;
  private readonly batchHi: number;
  private readonly batchLo: number;
  /** The file position of each text column of the row (-1: the file has no such column). */
  private readonly at: Record<(typeof TEXT_COLUMNS)[number], number>;

  constructor(batchId: string, positions: Map<string, number>) {
    const id = BigInt(batchId);
    if (id >= 1n << 29n) throw new Error(`batch id ${batchId}: too large for a payment id computed in a Number`);
    this.idBase = Number(id << 24n);
    this.batchHi = Number(id >> 32n);
    this.batchLo = Number(id & 0xffffffffn);
    this.at = Object.fromEntries(TEXT_COLUMNS.map((c) => [c, positions.get(c) ?? -1])) as PaymentCopyEncoder['at'];
    this.ensure(SIGNATURE.length + 8);
    SIGNATURE.copy(this.buf, this.pos);
    this.pos += SIGNATURE.length;
    this.buf.writeInt32BE(0, this.pos);
    this.buf.writeInt32BE(0, this.pos + 4);
    this.pos += 8;
  }

  /**
   * One checked row: its cells are b[starts[i], ends[i]) by file position; `rowNo` its line in
   * the file (the header is 1); `fen` its amount in fen; `paidOn` where its date cell is
   * (YYYY-MM-DD, checked).
   */
  row(b: Buffer, starts: Int32Array, ends: Int32Array, rowNo: number, fen: number): void {
    const at = this.at;
    this.ensure(ends[ends.length - 1] - starts[0] + 2 + FIELDS * 4 + 48);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = 0;
    buf[p++] = FIELDS;
    p = this.bigint(p, this.batchHi, this.batchLo); // batch_id
    p = this.int32(this.int32(p, 4), rowNo); // row_no
    p = this.bigint(p, this.batchHi, this.batchLo); // segment: the batch's own partition
    const id = this.idBase + rowNo;
    p = this.bigint(p, Math.floor(id / 2 ** 32), id >>> 0); // id
    p = this.text(b, starts, ends, at.region_code, p);
    p = this.text(b, starts, ends, at.program_code, p);
    p = this.text(b, starts, ends, at.period, p);
    p = this.text(b, starts, ends, at.id_number, p);
    p = this.text(b, starts, ends, at.name, p);
    p = this.text(b, starts, ends, at.household_id, p);
    p = this.text(b, starts, ends, at.amount, p);
    p = this.bigint(p, Math.floor(fen / 2 ** 32), fen >>> 0); // amount_fen
    p = this.text(b, starts, ends, at.bank_account, p);
    p = this.text(b, starts, ends, at.account_holder, p);
    p = this.text(b, starts, ends, at.paid_on, p); // paid_on_text
    const d = starts[at.paid_on];
    const days = (Date.UTC(digits(b, d, 4), digits(b, d + 5, 2) - 1, digits(b, d + 8, 2)) - Y2K) / DAY;
    p = this.int32(this.int32(p, 4), days); // paid_on
    p = this.text(b, starts, ends, at.payer, p);
    this.pos = p;
  }

  /** The bytes encoded since the last call (the trailer too when `end`). */
  take(end = false): Buffer[] {
    if (end) {
      this.ensure(2);
      this.buf[this.pos++] = 0xff;
      this.buf[this.pos++] = 0xff;
    }
    if (this.pos > 0) {
      this.out.push(this.buf.subarray(0, this.pos));
      this.buf = this.buf.subarray(this.pos);
      this.pos = 0;
    }
    return this.out.splice(0);
  }

  // Byte by byte in JavaScript: a native call (Buffer's write and copy methods) per field costs
  // more than the few bytes it moves (a million rows have seventeen million fields).

  /** A 32-bit big-endian integer (also a negative one: -1 is NULL's length). */
  private int32(p: number, v: number): number {
    const buf = this.buf;
    buf[p] = v >>> 24;
    buf[p + 1] = v >>> 16;
    buf[p + 2] = v >>> 8;
    buf[p + 3] = v;
    return p + 4;
  }

  private bigint(p: number, hi: number, lo: number): number {
    return this.int32(this.int32(this.int32(p, 8), hi), lo);
  }

  /** A cell as text, NULL when empty or absent (as COPY's CSV format reads an unquoted empty cell). */
  private text(b: Buffer, starts: Int32Array, ends: Int32Array, field: number, p: number): number {
    if (field < 0 || ends[field] === starts[field]) return this.int32(p, -1);
    const s = starts[field];
    const e = ends[field];
    p = this.int32(p, e - s);
    if (e - s > 64) return p + b.copy(this.buf, p, s, e);
    const buf = this.buf;
    for (let i = s; i < e; i++) buf[p++] = b[i];
    return p;
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    if (this.pos > 0) this.out.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, bytes));
    this.pos = 0;
  }
}

/** The text columns of a payment, by name in the file's header. */
const TEXT_COLUMNS = ['region_code', 'program_code', 'period', 'id_number', 'name', 'household_id', 'amount', 'bank_account', 'account_holder', 'paid_on', 'payer'] as const;
const FIELDS = PAYMENT_COLUMNS.split(', ').length;
const CHUNK = 1 << 20;
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const DAY = 86_400_000;
const Y2K = Date.UTC(2000, 0, 1);

function digits(b: Buffer, s: number, n: number): number {
  let v = 0;
  for (let i = s; i < s + n; i++) v = v * 10 + (b[i] - 0x30);
  return v;
}
