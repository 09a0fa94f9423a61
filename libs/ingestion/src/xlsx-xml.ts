import { SaxesParser } from 'saxes';

const LT = 0x3c;
const GT = 0x3e;

/** What the scanner found wrong: the caller turns it into a message naming the file and part. */
export class XmlTooLarge extends Error {
  constructor(
    readonly what: 'token' | 'doctype' | 'cells' | 'runs',
    /** The row (sheets) or string (shared strings), counted from 1, where it was found. */
    readonly at: number,
  ) {
    super(what);
  }
}

type Mode = 'text' | 'open' | 'pi' | 'comment' | 'cdata';

/**
 * Measures an XML part as it streams past, without parsing it: the longest run of bytes between
 * two '<' (a text node or a tag: what a SAX parser would hold as one string) and, in sheets, the
 * cells of each row; in shared strings, the runs of each string (the objects a reader builds).
 * A run inside a comment, CDATA section or processing instruction counts until its end. A
 * DOCTYPE is refused: no spreadsheet has one, and it is how entity expansion attacks begin.
 */
export class XmlScanner {
  private mode: Mode = 'text';
  private run = 0;
  /** The bytes after '<', until the kind of markup is known. */
  private head = '';
  /** The last two bytes, to find '-->', ']]>' and '?>' across chunks. */
  private last2 = 0;
  private rows = 0;
  private cells = 0;
  private strings = 0;
  private runs = 0;

  constructor(
    private readonly tokenBytes: number,
    private readonly kind: 'sheet' | 'sharedStrings' | 'other',
    private readonly columns: number,
  ) {}

  write(b: Buffer): void {
    const limit = this.tokenBytes;
    let run = this.run;
    let i = 0;
    const n = b.length;
    while (i < n) {
      if (this.mode === 'text') {
        // The hot path: plain bytes until the next '<' (found natively).
        const lt = b.indexOf(LT, i);
        run += (lt < 0 ? n : lt) - i;
        if (run > limit) throw new XmlTooLarge('token', this.position());
        if (lt < 0) break;
        i = lt + 1;
        run = 0;
        this.mode = 'open';
        this.head = '';
        continue;
      }
      if (this.mode === 'open') {
        const c = b[i];
        if (++run > limit) throw new XmlTooLarge('token', this.position());
        this.head += String.fromCharCode(c);
        i++;
        const decided = this.decide();
        if (decided) this.mode = decided;
        continue;
      }
      // Inside a comment, CDATA or processing instruction: '<' does not end the run.
      const c = b[i++];
      if (++run > limit) throw new XmlTooLarge('token', this.position());
      const prev = this.last2;
      this.last2 = ((prev << 8) | c) & 0xffff;
      if (c !== GT) continue;
      const p1 = prev & 0xff;
      const p2 = prev >> 8;
      if ((this.mode === 'pi' && p1 === 0x3f) || (this.mode === 'comment' && p1 === 0x2d && p2 === 0x2d) || (this.mode === 'cdata' && p1 === 0x5d && p2 === 0x5d)) {
        this.mode = 'text';
      }
    }
    this.run = run;
  }

  /** Reads the markup's first bytes: answers the mode to go on in, or undefined while unsure. */
  private decide(): Mode | undefined {
    const h = this.head;
    if (h[0] === '?') return this.special('pi');
    if (h[0] === '!') {
      if (h.startsWith('!--')) return this.special('comment');
      if (h.startsWith('![CDATA[')) return this.special('cdata');
      if ('!--'.startsWith(h) || '![CDATA['.startsWith(h)) return undefined;
      throw new XmlTooLarge('doctype', this.position());
    }
    // A tag: its name ends at a space, '>' or '/'.
    const end = h.search(/[\s/>]/);
    if (end < 0 && h.length < 8) return undefined;
    const name = end < 0 ? h : h.slice(0, end);
    if (this.kind === 'sheet') {
      if (name === 'row') {
        this.rows++;
        this.cells = 0;
      } else if (name === 'c' && ++this.cells > this.columns) throw new XmlTooLarge('cells', this.rows);
    } else if (this.kind === 'sharedStrings') {
      if (name === 'si') {
        this.strings++;
        this.runs = 0;
      } else if (name === 'r' && ++this.runs > this.columns) throw new XmlTooLarge('runs', this.strings);
    }
    // The rest of the tag is plain bytes up to the next '<'.
    return 'text';
  }

  private special(mode: Mode): Mode {
    this.last2 = 0;
    return mode;
  }

  private position(): number {
    return this.kind === 'sheet' ? this.rows : this.strings;
  }
}

/** 1 → "A", 27 → "AA". */
export function columnLetters(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** "AB12" → 28. */
function columnOf(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i) & ~0x20; // upper case
    if (c < 65 || c > 90) break;
    col = col * 26 + (c - 64);
  }
  return col;
}

const ROW_OR_CELL = /<(row|c)(?=[\s/>])([^>]*)>/g;
const REF = /(?:^|\s)r\s*=\s*(["'])([^"']*)\1/;

/**
 * A sheet's XML with every row and cell given its reference. The r attribute is optional in
 * OOXML: a cell without it follows the previous cell of its row, a row without it follows the
 * previous row. Readers that need it (exceljs) get it written in. Chunks are also cut just
 * before a '<', so that no UTF-8 character is split between two of them.
 */
export async function* withCellReferences(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  const state = { row: 0, col: 0 };
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const data = carry.length ? Buffer.concat([carry, buf]) : buf;
    const cut = data.lastIndexOf(LT);
    if (cut <= 0) {
      carry = data; // the scan before bounded how far apart two '<' can be
      continue;
    }
    carry = Buffer.from(data.subarray(cut));
    yield fixReferences(data.subarray(0, cut), state);
  }
  if (carry.length) yield fixReferences(carry, state);
}

function fixReferences(segment: Buffer, state: { row: number; col: number }): Buffer {
  const text = segment.toString('latin1'); // byte for byte: tags are ASCII, other bytes pass through
  let out: string[] | undefined;
  let copied = 0;
  ROW_OR_CELL.lastIndex = 0;
  for (let m = ROW_OR_CELL.exec(text); m; m = ROW_OR_CELL.exec(text)) {
    const [tag, name, attrs] = m;
    const ref = REF.exec(attrs)?.[2];
    let inserted: string | undefined;
    if (name === 'row') {
      state.row = ref ? Number.parseInt(ref, 10) || state.row + 1 : state.row + 1;
      state.col = 0;
      if (!ref) inserted = `<row r="${state.row}"${attrs}>`;
    } else {
      state.col = ref ? columnOf(ref) || state.col + 1 : state.col + 1;
      if (!ref) inserted = `<c r="${columnLetters(state.col)}${state.row}"${attrs}>`;
    }
    if (inserted) {
      out ??= [];
      out.push(text.slice(copied, m.index), inserted);
      copied = m.index + tag.length;
    }
  }
  if (!out) return segment;
  out.push(text.slice(copied));
  return Buffer.from(out.join(''), 'latin1');
}

/**
 * The shared strings of a workbook as plain text, one string each (rich text runs joined, phonetic
 * guides left out): what a cell shows. Each string is checked against the cell limit as it closes.
 */
export async function readSharedStrings(chunks: AsyncIterable<Buffer | string>, cellChars: number, tooLong: (index: number) => Error): Promise<(string | null)[]> {
  const strings: (string | null)[] = [];
  const parser = new SaxesParser();
  const decoder = new TextDecoder('utf-8');
  let error: Error | undefined;
  let inString = false;
  let inText = false;
  let phonetic = 0;
  let parts: string[] = [];
  let length = 0;
  parser.on('error', (err) => (error ??= err));
  parser.on('opentag', (node) => {
    if (node.name === 'si') {
      inString = true;
      parts = [];
      length = 0;
    } else if (node.name === 'rPh') phonetic++;
    else if (node.name === 't' && inString && !phonetic) inText = true;
  });
  parser.on('text', (text) => {
    if (!inText) return;
    length += text.length;
    if (length > cellChars) error ??= tooLong(strings.length + 1);
    else parts.push(text);
  });
  parser.on('closetag', (node) => {
    if (node.name === 't') inText = false;
    else if (node.name === 'rPh') phonetic--;
    else if (node.name === 'si') {
      inString = false;
      strings.push(parts.length ? parts.join('') : null);
    }
  });
  for await (const chunk of chunks) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (error) throw error;
  }
  parser.write(decoder.decode());
  parser.close();
  if (error) throw error;
  return strings;
}
