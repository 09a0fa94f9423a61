import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError } from '@sunlight/common';
import { CsvLineGuard } from './csv-line-guard.js';
import { csvRecords } from './csv-records.js';
import { XmlScanner, XmlTooLarge, withCellReferences } from './xlsx-xml.js';

const through = (guard: CsvLineGuard, text: string, chunk = 5) => {
  const bytes = Buffer.from(text);
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) => bytes.subarray(i * chunk, (i + 1) * chunk));
  return pipeline(Readable.from(chunks), guard, new Writable({ write: (_c, _e, done) => done() }));
};

describe('file limits', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(path.join(tmpdir(), 'limits-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('the line guard counts data rows and refuses the first past the limit, by its line', async () => {
    const limits = { lineBytes: 100, rows: 3 };
    await expect(through(new CsvLineGuard('a.csv', limits), 'h\n1\n2\n3\n')).resolves.toBeUndefined();
    await expect(through(new CsvLineGuard('a.csv', limits), 'h\n1\n2\n3')).resolves.toBeUndefined();
    await expect(through(new CsvLineGuard('a.csv', limits), 'h\n1\n2\n3\n4\n')).rejects.toThrow('a.csv 第 5 行: 文件超过 3 行的上限');
    await expect(through(new CsvLineGuard('a.csv', limits), 'h\n1\n2\n3\n4')).rejects.toThrow('a.csv 第 5 行: 文件超过 3 行的上限');
  });

  it('the line guard refuses a line past its length, across chunks', async () => {
    await expect(through(new CsvLineGuard('a.csv', { lineBytes: 10, rows: 10 }), `h\n${'x'.repeat(10)}\n`)).resolves.toBeUndefined();
    await expect(through(new CsvLineGuard('a.csv', { lineBytes: 10, rows: 10 }), `h\n${'x'.repeat(11)}\n`)).rejects.toThrow('a.csv 第 2 行: 一行超过 10 字节 的上限');
  });

  it('the CSV parser refuses too many rows, a long line and a long cell with InputErrors', async () => {
    const file = path.join(dir, 'b.csv');
    const read = async (limits: { lineBytes: number; rows: number; cellChars: number }) => {
      const rows = [];
      for await (const r of csvRecords(file, 'b.csv', limits)) rows.push(r.row);
      return rows;
    };
    await writeFile(file, 'h1,h2\na,b\nc,d\ne,f\n');
    await expect(read({ lineBytes: 100, rows: 3, cellChars: 10 })).resolves.toEqual([2, 3, 4]);
    await expect(read({ lineBytes: 100, rows: 2, cellChars: 10 })).rejects.toThrow('b.csv 第 4 行: 文件超过 2 行的上限');
    await writeFile(file, `h1,h2\na,${'x'.repeat(50)}\n`);
    await expect(read({ lineBytes: 100, rows: 3, cellChars: 10 })).rejects.toThrow('b.csv 第 2 行 第 2 列: 单元格超过 10 个字符的上限');
    await expect(read({ lineBytes: 20, rows: 3, cellChars: 100 })).rejects.toBeInstanceOf(InputError);
    await expect(read({ lineBytes: 20, rows: 3, cellChars: 100 })).rejects.toThrow('一行超过 20 字节 的上限');
  });

  it('the XML scanner bounds text and tags, counts cells per row, and refuses a DOCTYPE', () => {
    const scan = (xml: string, kind: 'sheet' | 'sharedStrings' | 'other' = 'sheet', chunk = 3) => {
      const s = new XmlScanner(20, kind, 3);
      const b = Buffer.from(xml);
      for (let i = 0; i < b.length; i += chunk) s.write(b.subarray(i, i + chunk));
    };
    const fails = (xml: string, what: string, at: number, kind?: 'sheet' | 'sharedStrings') => {
      try {
        scan(xml, kind);
      } catch (err) {
        expect(err).toBeInstanceOf(XmlTooLarge);
        expect(err).toEqual(expect.objectContaining({ what, at }));
        return;
      }
      throw new Error('not refused');
    };
    expect(() => scan('<?xml version="1.0"?><sheetData><row><c><v>12345</v></c><c/><c/></row><row><c/></row></sheetData>')).not.toThrow();
    fails(`<row><c><v>${'1'.repeat(21)}</v></c></row>`, 'token', 1);
    fails(`<row r="1" spans="${'1'.repeat(20)}">`, 'token', 1);
    fails('<row><c/><c/><c/></row><row><c/><c/><c/><c/></row>', 'cells', 2);
    fails('<!DOCTYPE x [<!ENTITY a "b">]><x/>', 'doctype', 0);
    fails(`<!-- <<<<<< ${'<'.repeat(30)} -->`, 'token', 0);
    fails(`<x><![CDATA[${'<a>'.repeat(10)}]]></x>`, 'token', 0);
    fails('<sst><si><r/><r/><r/><r/></si></sst>', 'runs', 1, 'sharedStrings');
    expect(() => scan(`<x><!-- ok --><![CDATA[ok]]>${'<a/>'.repeat(100)}</x>`)).not.toThrow();
  });

  it('writes in the references a sheet leaves out, following the previous cell and row', async () => {
    const xml = '<sheetData><row><c t="s"><v>0</v></c><c r="C1"/><c/></row><row spans="1:3"><c/></row><row r="7"><c s="1"><v>1</v></c></row><row><c/></row></sheetData>';
    const pieces = Array.from(xml.matchAll(/.{1,4}/gs), (m) => Buffer.from(m[0]));
    let out = '';
    for await (const b of withCellReferences((async function* () { yield* pieces; })())) out += b.toString();
    expect(out).toBe(
      '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1"/><c r="D1"/></row><row r="2" spans="1:3"><c r="A2"/></row><row r="7"><c r="A7" s="1"><v>1</v></c></row><row r="8"><c r="A8"/></row></sheetData>',
    );
  });
});
