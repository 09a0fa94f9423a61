import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CsvLines, parseCsvLine } from './csv-lines.js';
import { writeCsv } from './csv.js';

describe('CsvLines', () => {
  it('keeps rows as the lines writeCsv writes, across buffers, and reads them back', async () => {
    const rows: (string | null)[][] = [];
    for (let i = 0; i < 120_000; i++) rows.push([`42108719520903${String(i).padStart(4, '0')}`, i % 3 ? '王建国' : null, i % 1000 === 0 ? 'a "quoted", cell' : `县直单位${i}`, '2024-02-10', null]);
    const lines = new CsvLines();
    for (const row of rows) lines.push(row);
    expect(lines.length).toBe(rows.length);
    expect(lines.buffers().length).toBeGreaterThan(1); // more than one 4 MiB buffer
    const dir = mkdtempSync(path.join(tmpdir(), 'sunlight-csv-lines-'));
    try {
      await writeCsv(path.join(dir, 'rows.csv'), ['a', 'b', 'c', 'd', 'e'], rows);
      const written = readFileSync(path.join(dir, 'rows.csv'));
      expect(Buffer.concat([Buffer.from('a,b,c,d,e\n'), ...lines.buffers()]).equals(written)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect([...lines]).toEqual(rows);
  });

  it('refuses a line break inside a row, which would make two rows of it', () => {
    expect(() => new CsvLines().push(['a', 'b\nc'])).toThrow(/line break/);
  });

  it('parses quoted cells, doubled quotes and empty cells', () => {
    expect(parseCsvLine('a,"b,c","say ""hi""",,')).toEqual(['a', 'b,c', 'say "hi"', null, null]);
    expect(parseCsvLine('"x",y')).toEqual(['x', 'y']);
    expect(parseCsvLine(',')).toEqual([null, null]);
  });
});
