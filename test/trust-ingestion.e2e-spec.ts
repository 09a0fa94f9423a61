import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { formatYuan, yuanToFen } from '@sunlight/common';
import { BATCH_HEADER, batchRows, writeCsv } from '@sunlight/generator';
import { ImportBatch, ImportBatchCommand, ImportRegistry, ImportRegistryCommand } from '@sunlight/ingestion';
import { backends, bootApp, cli, freshEnv, primaryBackend, type TestApp, type TestEnv } from './support/harness.js';

// Issue 11: files as finance staff make them must not turn into false leads or false rejections
// (CONTRACT §3.1: identifier columns in XLSX, the closing total row).

const HEADER = BATCH_HEADER.join(',');
const AMOUNT = BATCH_HEADER.indexOf('amount');

/** Valid payment rows of one month: one per amount, a different person each (check digits valid). */
function payments(month: string, amounts: string[]): string[][] {
  return [...batchRows({ seed: Number(month.replace('-', '')), rows: amounts.length, townships: ['421087101'], months: [month], programs: [{ code: 'DIBAO', min: 300, max: 1100 }] })].map(
    (row, i) => Object.assign([...row], { [AMOUNT]: amounts[i] }),
  );
}
const csvLine = (cells: string[]) => cells.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
/** A closing row: the label in the first cell, the amount in the amount column. */
const totalRow = (label: string, amount: string, at = 0) => BATCH_HEADER.map((_, i) => (i === at ? label : i === AMOUNT ? amount : ''));

const backend = primaryBackend();

describe(`trustworthy ingestion of spreadsheets on ${backend.name}`, () => {
  let env: TestEnv;
  let app: TestApp;
  let n = 0;
  const file = async (lines: string[][]) => {
    const name = path.join(env.dataDir, `trust-${++n}.csv`);
    await writeFile(name, [HEADER, ...lines.map(csvLine)].join('\n') + '\n');
    return name;
  };
  const workbook = async (rows: unknown[][]) => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('发放表');
    for (const row of rows) sheet.addRow(row);
    const name = path.join(env.dataDir, `trust-${++n}.xlsx`);
    await book.xlsx.writeFile(name);
    return name;
  };
  const importBatch = (f: string, options: { allowPartial?: boolean; progress?: (phase: string) => void } = {}) =>
    app.get(ImportBatch).execute(new ImportBatchCommand(f, path.basename(f), 'test', '', options.allowPartial ?? false), options.progress);
  const rejections = (source: 'batch' | 'registry', id: string) =>
    app.query<{ row_no: number; column_name: string | null; value: string | null; reason: string }>(
      `SELECT row_no, column_name, value, reason FROM rejected_rows WHERE source = $1 AND import_id = $2 ORDER BY row_no, id`,
      [source, id],
    );
  const batchRow = async (id: string) =>
    (await app.query(`SELECT status, total_rows, accepted_rows, rejected_rows, error FROM disbursement_batches WHERE id = $1`, [id]))[0];
  const stored = async (id: string) => (await app.query(`SELECT row_no, name, amount_fen::int FROM disbursements WHERE batch_id = $1 ORDER BY row_no`, [id])) as { row_no: number; name: string; amount_fen: number }[];

  beforeAll(async () => {
    env = await freshEnv(backend.name, { SUNLIGHT_BATCH_PARTITION_ROWS: '1000' });
    app = await bootApp(env);
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('refuses to import into a batch that has ended, leaving it as it was (the batch status table)', async () => {
    const first = await importBatch(await file(payments('2020-01', ['650.00'])));
    expect(first).toMatchObject({ status: 'stored', accepted: 1 });
    const other = await file(payments('2020-02', ['700.00']));
    await expect(app.get(ImportBatch).execute(new ImportBatchCommand(other, 'other.csv', 'test', '', false, first.batchId))).rejects.toThrow(/stored batch cannot become importing/);
    expect(await batchRow(first.batchId)).toMatchObject({ status: 'stored', total_rows: 1, accepted_rows: 1 });
    expect(await stored(first.batchId)).toHaveLength(1);
  });

  describe('identifier columns holding numeric XLSX cells', () => {
    it('rejects a numeric id_number, bank_account or household_id cell, naming row and column and asking for 文本', async () => {
      const [a, b, c, d] = payments('2023-01', ['650.00', '700.00', '720.00', '730.00']);
      const f = await workbook([
        BATCH_HEADER,
        a.map((cell, i) => (BATCH_HEADER[i] === 'id_number' ? 421087196804120116 : cell)), // Excel kept 15 digits of it
        b.map((cell, i) => (BATCH_HEADER[i] === 'bank_account' ? 6222020100011111111 : cell)),
        c.map((cell, i) => (BATCH_HEADER[i] === 'household_id' ? 1001 : cell)),
        d,
      ]);

      const rejected = await importBatch(f);
      expect(rejected).toMatchObject({ status: 'rejected', accepted: 0, rejected: 3 });
      const problems = await rejections('batch', rejected.batchId);
      expect(problems.map((p) => [p.row_no, p.column_name])).toEqual([
        [2, 'id_number'],
        [3, 'bank_account'],
        [4, 'household_id'],
      ]);
      for (const p of problems) {
        expect(p.reason).toMatch(/^[^(]*数值.*15 位有效数字.*文本/); // Chinese first
      }

      const partial = await importBatch(f, { allowPartial: true });
      expect(partial).toMatchObject({ status: 'stored', accepted: 1, rejected: 3 });
      expect((await stored(partial.batchId)).map((r) => r.row_no)).toEqual([5]);
    });

    it('accepts the same identifiers as text cells, and numeric cells in other columns', async () => {
      const [a] = payments('2023-02', ['650.00']);
      const f = await workbook([BATCH_HEADER, a.map((cell, i) => (['region_code', 'amount'].includes(BATCH_HEADER[i]) ? Number(cell) : cell))]);
      expect(await importBatch(f)).toMatchObject({ status: 'stored', accepted: 1, rejected: 0 });
    });

    it('rejects numeric identifier cells of a registry too', async () => {
      const f = await workbook([
        ['户编号', '身份证号', '姓名', '与户主关系'],
        [1001, '421087196804120116', '李秀英', '户主'],
        ['H1001', 421087195209030120, '王建国', '配偶'],
        ['H1001', '42108719520903012X', '王建国', '配偶'],
      ]);
      const result = await app.get(ImportRegistry).execute(new ImportRegistryCommand('household-members', f, 'members.xlsx', 'test', false, true));
      expect(result).toMatchObject({ status: 'stored', accepted: 1, rejected: 2 });
      const problems = await rejections('registry', result.importId!);
      expect(problems.map((p) => [p.row_no, p.column_name])).toEqual([
        [2, 'household_id'],
        [3, 'id_number'],
      ]);
      expect(problems[1].reason).toContain('文本');
    });
  });

  describe('a closing total row (合计, 总计, 小计)', () => {
    const five = (month: string) => payments(month, ['650.00', '700.00', '1,200.00', '350.50', '349.50']); // 3,250.00 yuan

    it('is neither a payment nor a row when it matches the rows above it (CSV)', async () => {
      const result = await importBatch(await file([...five('2023-03'), totalRow('合计', '3,250.00')]));
      expect(result).toMatchObject({ status: 'stored', accepted: 5, rejected: 0 });
      expect(await batchRow(result.batchId)).toMatchObject({ status: 'stored', total_rows: 5, accepted_rows: 5, rejected_rows: 0, error: null });
      expect(await rejections('batch', result.batchId)).toEqual([]);
      expect((await stored(result.batchId)).reduce((sum, r) => sum + r.amount_fen, 0)).toBe(325000);
    });

    it('is recognized with 总计 or 小计, after empty leading cells, and in an XLSX file with a SUM formula', async () => {
      const total = await importBatch(await file([...five('2023-04'), totalRow('总计', '3250', 4)]));
      expect(total).toMatchObject({ status: 'stored', accepted: 5, rejected: 0 });
      const padded = await importBatch(await file([...five('2023-11'), totalRow('合\u3000\u3000计', '3250.00')])); // padded to the column's width
      expect(padded).toMatchObject({ status: 'stored', accepted: 5, rejected: 0 });

      const rows = five('2023-05');
      const f = await workbook([
        ['南海镇2023年5月低保发放表'],
        BATCH_HEADER,
        ...rows.map((r) => r.map((cell, i) => (i === AMOUNT ? Number(cell.replace(',', '')) : cell))),
        ['小计', null, null, null, null, null, { formula: 'SUM(G3:G7)', result: 3250 }],
      ]);
      const xlsx = await importBatch(f);
      expect(xlsx).toMatchObject({ status: 'stored', accepted: 5, rejected: 0 });
      expect(await batchRow(xlsx.batchId)).toMatchObject({ total_rows: 5 });
    });

    it('rejects the batch when it differs from the rows above it, naming both figures', async () => {
      const f = await file([...five('2023-06'), totalRow('合计', '3,300.00')]);
      for (const allowPartial of [false, true]) {
        const result = await importBatch(f, { allowPartial });
        expect(result).toMatchObject({ status: 'rejected', accepted: 0, rejected: 0 });
        expect(result.error).toContain('合计行金额 3,300.00 元与明细合计 3,250.00 元不符');
        expect(await batchRow(result.batchId)).toMatchObject({ status: 'rejected', total_rows: 5, accepted_rows: 0 });
        expect(await rejections('batch', result.batchId)).toEqual([
          { row_no: 7, column_name: 'amount', value: '3,300.00', reason: expect.stringContaining('3,300.00 元与明细合计 3,250.00 元') },
        ]);
        expect(await stored(result.batchId)).toEqual([]);
      }
    });

    it('rejects a total row without a readable amount', async () => {
      const result = await importBatch(await file([...five('2023-07'), totalRow('合计', '')]));
      expect(result).toMatchObject({ status: 'rejected', accepted: 0 });
      expect(result.error).toContain('合计行');
    });

    it('takes a last row whose first cell is a region code for a payment, even when its name is 合计', async () => {
      const rows = five('2023-08');
      rows[4][BATCH_HEADER.indexOf('name')] = '合计';
      const result = await importBatch(await file(rows));
      expect(result).toMatchObject({ status: 'stored', accepted: 5, rejected: 0 });
      expect((await stored(result.batchId)).map((r) => r.name)).toContain('合计');
    });

    it('rejects a 小计 or 合计 row that is not the closing row, naming it; with --allow-partial the payments are stored', async () => {
      const [a, b, c, d, e] = five('2023-09');
      const f = await file([a, b, totalRow('小计', '1,350.00'), c, d, e, totalRow('合计', '3,250.00')]);
      const rejected = await importBatch(f);
      expect(rejected).toMatchObject({ status: 'rejected', accepted: 0, rejected: 1 });
      expect(await rejections('batch', rejected.batchId)).toEqual([expect.objectContaining({ row_no: 4, reason: expect.stringContaining('最后一行') })]);
      expect(await batchRow(rejected.batchId)).toMatchObject({ total_rows: 6 });

      const partial = await importBatch(f, { allowPartial: true });
      expect(partial).toMatchObject({ status: 'stored', accepted: 5, rejected: 1 });
      expect(await batchRow(partial.batchId)).toMatchObject({ total_rows: 6, accepted_rows: 5, rejected_rows: 1 });
    });

    it('counts every row of a rejected batch in total_rows', async () => {
      const rows = five('2023-10');
      rows[1][BATCH_HEADER.indexOf('period')] = '2023-13';
      const result = await importBatch(await file(rows));
      expect(result).toMatchObject({ status: 'rejected', rejected: 1 });
      expect(await batchRow(result.batchId)).toMatchObject({ total_rows: 5, accepted_rows: 0, rejected_rows: 1 });
    });

    it('counts every row of a rejected registry import in total_rows too', async () => {
      const f = path.join(env.dataDir, 'deceased-bad.csv');
      await writeFile(f, 'id_number,name,death_date\n421087193001010012,甲,2020-01-01\n421087193001010013,乙,2020-02-30\n421087193001010014,丙,2020-03-01\n');
      const result = await app.get(ImportRegistry).execute(new ImportRegistryCommand('deceased', f, 'deceased.csv', 'test', false, false));
      expect(result).toMatchObject({ status: 'rejected', rejected: 1 });
      const [row] = await app.query(`SELECT total_rows, accepted_rows, rejected_rows FROM registry_imports WHERE id = $1`, [result.importId]);
      expect(row).toEqual({ total_rows: 3, accepted_rows: 0, rejected_rows: 1 });
    });

    describe('on the fast path of a large clean CSV', () => {
      const large = async (month: string, total: (sumFen: bigint) => string) => {
        const rows = [...batchRows({ seed: 21, rows: 3000, townships: ['421087101', '421087102'], months: [month] })];
        const sum = rows.reduce((s, r) => s + yuanToFen(r[AMOUNT])!, 0n);
        const f = path.join(env.dataDir, `large-${month}.csv`);
        await writeCsv(f, BATCH_HEADER, [...rows, totalRow('合计', total(sum))]);
        return { f, sum };
      };

      it('stores the payments by COPY when the total matches, without the total row', async () => {
        const { f } = await large('2022-01', (sum) => (Number(sum) / 100).toFixed(2));
        const phases: string[] = [];
        const result = await importBatch(f, { progress: (phase) => phases.push(phase) });
        expect(result).toMatchObject({ status: 'stored', accepted: 3000, rejected: 0 });
        expect(phases).not.toContain('validating'); // the detailed path validates; COPY did it all
        expect(await batchRow(result.batchId)).toMatchObject({ total_rows: 3000 });
        const [{ count }] = await app.query(`SELECT count(*)::int AS count FROM disbursements WHERE batch_id = $1`, [result.batchId]);
        expect(count).toBe(3000);
      });

      it('rejects the batch when the total differs, naming both figures', async () => {
        const { f, sum } = await large('2022-02', (s) => formatYuan(s + 1n));
        const result = await importBatch(f);
        expect(result).toMatchObject({ status: 'rejected', accepted: 0 });
        expect(result.error).toContain(`合计行金额 ${formatYuan(sum + 1n)} 元与明细合计 ${formatYuan(sum)} 元不符`);
        expect(await batchRow(result.batchId)).toMatchObject({ total_rows: 3000 });
      });
    });
  });
});

// The operator's view, on both databases (the embedded one loads staging tables through a file
// of its own). The queue's backend plays no part in reading a file: Redis is left out here (the
// thin path imports through the command line on it).
describe.each(backends().filter((b) => b.name !== 'postgres+redis'))('spreadsheets through the command line on $name', ({ name, skip }) => {
  const maybe = skip ? it.skip : it;
  let env: TestEnv;
  beforeAll(async () => {
    if (!skip) env = await freshEnv(name);
  });
  afterAll(async () => env?.cleanup());
  if (skip) it.skip(`skipped: ${skip}`, () => undefined);

  maybe('names a numeric ID cell of an XLSX batch and asks for text format', async () => {
    const [row] = payments('2021-01', ['650.00']);
    const book = new ExcelJS.Workbook();
    book.addWorksheet('1').addRows([BATCH_HEADER, row.map((cell, i) => (BATCH_HEADER[i] === 'id_number' ? 421087196804120116 : cell))]);
    const f = path.join(env.dataDir, 'numeric-id.xlsx');
    await book.xlsx.writeFile(f);
    const result = await cli(env, 'batch', 'import', f);
    expect(result.code).toBe(2);
    expect(result.json).toMatchObject({ status: 'rejected', accepted: 0, rejected: 1 });
    // The CLI masks rejected values like every other reader (issue 12).
    expect(result.stderr).toMatch(/第 2 行 id_number "4210\*{10}\d{4}": 该单元格是数值格式.*文本/);
  });

  maybe('stores a batch closed by a matching 合计 row, and rejects one whose 合计 differs, naming both figures', async () => {
    const rows = payments('2021-02', ['650.00', '700.00', '1,200.00', '350.50', '349.50']);
    const write = async (file: string, total: string) => {
      await writeFile(file, [HEADER, ...rows.map(csvLine), csvLine(totalRow('合计', total))].join('\n') + '\n');
      return file;
    };
    const wrong = await cli(env, 'batch', 'import', await write(path.join(env.dataDir, 'wrong-total.csv'), '3,200.00'));
    expect(wrong.code).toBe(2);
    expect(wrong.json).toMatchObject({ status: 'rejected', accepted: 0, rejected: 0 });
    expect(wrong.stderr).toContain('第 7 行 amount "3,200.00": 合计行金额 3,200.00 元与明细合计 3,250.00 元不符');

    const right = await cli(env, 'batch', 'import', await write(path.join(env.dataDir, 'right-total.csv'), '3,250.00'));
    expect(right.code).toBe(0);
    expect(right.json).toMatchObject({ status: 'stored', accepted: 5, rejected: 0 });
  });
});
