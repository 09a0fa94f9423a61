import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv';

describe('CSV for Excel', () => {
  it('quotes what needs it and writes formulas as text', () => {
    expect(csvCell('张三')).toBe('张三');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1')).toBe("'-1");
  });

  it('starts with a BOM and ends lines with CRLF', () => {
    expect(toCsv(['用户名'], [['admin']])).toBe('\uFEFF用户名\r\nadmin\r\n');
  });
});
