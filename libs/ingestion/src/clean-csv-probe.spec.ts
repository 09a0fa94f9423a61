import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { BATCH_COLUMNS } from './columns.js';
import { CleanCsvProbe } from './clean-csv-probe.js';

const HEADER = 'region_code,program_code,period,id_number,name,household_id,amount,bank_account,account_holder,paid_on,payer';
const VALID = '421087101,DIBAO,2024-03,421087196804120116,李秀英,H0001,650.00,6222020100011111111,李秀英,2024-03-15,南海镇财政所';
const header = { positions: new Map(BATCH_COLUMNS.map((c, i) => [c.name, i])), width: 11, cells: HEADER.split(',') };

async function probe(text: string | Buffer, chunk = 7) {
  const p = new CleanCsvProbe({ specs: BATCH_COLUMNS, header, regions: new Set(['421087101', '421087']), programs: new Set(['DIBAO']), scope: '' });
  const bytes = Buffer.from(text);
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) => bytes.subarray(i * chunk, (i + 1) * chunk));
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), p, new Writable({ write: (c, _e, done) => done(void out.push(c)) })).catch(() => undefined);
  return Object.assign(p, { passed: Buffer.concat(out).toString() });
}
const replace = (column: string, value: string) => {
  const cells = VALID.split(',');
  cells[HEADER.split(',').indexOf(column)] = value;
  return cells.join(',');
};

describe('the clean-file probe of the fast path', () => {
  it('passes a clean file, also with CRLF and without a final newline, and hashes every byte', async () => {
    const text = `${HEADER}\r\n${VALID}\r\n${VALID.replace('650.00', '1200')}\r\n${VALID.replace('H0001', '')}`;
    const p = await probe(text);
    expect(p.doubt).toBeUndefined();
    expect(p.rows).toBe(3);
    expect(p.sha256).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it.each([
    ['a lowercase x', replace('id_number', '42108719520903012x')],
    ['a full-width digit', replace('amount', '６50.00')],
    ['a full-width letter in a name', replace('name', '李Ａ')],
    ['a leading space', replace('name', ' 李秀英')],
    ['a trailing ideographic space', replace('name', '李秀英\u3000')],
    ['quoting', replace('name', '"李,秀英"')],
    ['three decimals', replace('amount', '650.001')],
    ['a zero amount', replace('amount', '0.00')],
    ['an amount over the limit', replace('amount', '10000000.01')],
    ['30 February', replace('paid_on', '2024-02-30')],
    ['a slash date', replace('paid_on', '2024/03/15')],
    ['month 13', replace('period', '2024-13')],
    ['an unknown region', replace('region_code', '421087999')],
    ['an unknown program', replace('program_code', 'NOPE')],
    ['a short bank account', replace('bank_account', '12345')],
    ['an empty name', replace('name', '')],
    ['an extra cell', `${VALID},x`],
    ['a missing cell', VALID.slice(0, VALID.lastIndexOf(','))],
    ['a blank line', ''],
  ])('doubts %s, sending the file down the detailed path', async (_what, line) => {
    const p = await probe(`${HEADER}\n${VALID}\n${line}\n${VALID}\n`);
    expect(p.doubt).toMatch(/line 3/);
  });

  it('passes every byte to COPY and sums the amounts', async () => {
    const text = `${HEADER}\n${VALID}\n${replace('amount', '1200.5')}\n`;
    const p = await probe(text);
    expect(p.passed).toBe(text);
    expect(p.sumFen).toBe(185050n);
    expect(p.total).toBeUndefined();
  });

  it.each([
    ['合计 in the first cell', `合计,,,,,,1850.50,,,,`],
    ['总计 after empty cells, no final newline', `,,,,总计,,1850.5,,,,`],
    ['小计 on a short line, CRLF', `小计,,,,,,1850.50\r`],
  ])('holds a closing total row back from COPY and keeps its amount: %s', async (_what, total) => {
    const body = `${HEADER}\n${VALID}\n${replace('amount', '1200.5')}\n`;
    const text = `${body}${total}${total.includes('总计') ? '' : '\n'}`;
    const p = await probe(text);
    expect(p.doubt).toBeUndefined();
    expect(p.rows).toBe(2);
    expect(p.total).toEqual({ line: 4, fen: 185050n });
    expect(p.sumFen).toBe(185050n);
    expect(p.passed).toBe(body);
    expect(p.sha256).toBe(createHash('sha256').update(text).digest('hex')); // the total row is part of the file
  });

  it.each([
    ['a row after the total row', `${VALID}\n合计,,,,,,650.00,,,,\n${VALID}\n`, /line 4: a line after the total row/],
    ['a total row without an amount', `${VALID}\n合计,,,,,,,,,,\n`, /line 3: the amount of the total row/],
    ['a spaced label (the detailed path reads it)', `${VALID}\n合 计,,,,,,650.00,,,,\n`, /line 3: region_code/],
  ])('doubts %s', async (_what, body, doubt) => {
    const p = await probe(`${HEADER}\n${body}`);
    expect(p.doubt).toMatch(doubt);
  });

  it('takes a row whose name is 合计 for a payment', async () => {
    const p = await probe(`${HEADER}\n${replace('name', '合计')}\n`);
    expect(p.doubt).toBeUndefined();
    expect(p.rows).toBe(1);
    expect(p.total).toBeUndefined();
  });

  it('doubts bytes that are not UTF-8', async () => {
    const p = await probe(Buffer.concat([Buffer.from(`${HEADER}\n${VALID.replace('李秀英', '')}`), Buffer.from([0xc0, 0xee, 0x0a])]));
    expect(p.doubt).toMatch(/not UTF-8/);
  });
});
