/**
 * A set of ID numbers in about 6 bytes each. A province's population draws some 50 million of
 * them: as strings in a Set they take gigabytes, and a JavaScript Set holds at most 2^24. Per
 * county (the first six digits), each number of the usual form is a 32-bit key (birth date,
 * sequence and check character) in an open-addressing table; anything else is kept as it is.
 */
export class IdNumberSet {
  private readonly counties = new Map<number, KeyTable>();
  private readonly others = new Set<string>();

  has(id: string): boolean {
    const county = countyOf(id);
    const key = county < 0 ? -1 : keyOf(id);
    if (key < 0) return this.others.has(id);
    return this.counties.get(county)?.has(key) ?? false;
  }

  add(id: string): void {
    const county = countyOf(id);
    const key = county < 0 ? -1 : keyOf(id);
    if (key < 0) {
      this.others.add(id);
      return;
    }
    let table = this.counties.get(county);
    if (!table) this.counties.set(county, (table = new KeyTable()));
    table.add(key);
  }

  get size(): number {
    let size = this.others.size;
    for (const table of this.counties.values()) size += table.size;
    return size;
  }
}

const ZERO = 48;

function digits(id: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = id.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function countyOf(id: string): number {
  return id.length === 18 ? digits(id, 0, 6) : -1;
}

/**
 * (days-ish code of the birth date × 1000 + sequence) × 11 + check: under 1.23 × 10^9 for
 * years 1800–2099, so a table slot (key + 1, 0 free) is a Uint32. One-to-one on that form.
 */
function keyOf(id: string): number {
  const year = digits(id, 6, 10);
  const month = digits(id, 10, 12);
  const day = digits(id, 12, 14);
  const sequence = digits(id, 14, 17);
  const last = id.charCodeAt(17);
  const check = last === 88 /* X */ ? 10 : last - ZERO;
  if (year < 1800 || year > 2099 || month < 1 || month > 12 || day < 1 || day > 31 || sequence < 0 || check < 0 || check > 10) return -1;
  return (((year - 1800) * 372 + (month - 1) * 31 + (day - 1)) * 1000 + sequence) * 11 + check;
}

/** Non-negative 32-bit keys, linear probing, at most 70 % full. */
class KeyTable {
  private slots = new Uint32Array(1 << 10);
  private bits = 10;
  size = 0;

  private slot(key: number): number {
    const mask = this.slots.length - 1;
    let i = Math.imul(key, 0x9e3779b1) >>> (32 - this.bits);
    const stored = key + 1;
    for (;;) {
      const s = this.slots[i];
      if (s === 0 || s === stored) return i;
      i = (i + 1) & mask;
    }
  }

  has(key: number): boolean {
    return this.slots[this.slot(key)] !== 0;
  }

  add(key: number): void {
    const i = this.slot(key);
    if (this.slots[i] !== 0) return;
    this.slots[i] = key + 1;
    if (++this.size * 10 > this.slots.length * 7) this.grow();
  }

  private grow(): void {
    const old = this.slots;
    this.bits++;
    this.slots = new Uint32Array(1 << this.bits);
    for (const s of old) if (s !== 0) this.slots[this.slot(s - 1)] = s;
  }
}
