import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { BATCH_HEADER, batchRows, writeCsv } from '@sunlight/generator';
import { FoldBatchPartition, FoldBatchPartitionCommand, ImportBatch, ImportBatchCommand, ImportRegistry, ImportRegistryCommand } from '@sunlight/ingestion';
import { QueueName, QueueRegistry } from '@sunlight/queue';
import { RunChecks } from '@sunlight/rules';
import { ROOT, bootApp, cli, freshEnv, primaryBackend, type TestApp, type TestEnv } from './support/harness.js';

const HEADER = BATCH_HEADER.join(',');
const VALID = '421087101,DIBAO,2024-03,421087196804120116,李秀英,H0001,650.00,6222020100011111111,李秀英,2024-03-15,南海镇财政所';

/** A valid row with one cell replaced. */
function breaking(column: string, value: string): string {
  const cells = VALID.split(',');
  cells[BATCH_HEADER.indexOf(column)] = value;
  return cells.join(',');
}

const backend = primaryBackend();

describe(`batch and registry ingestion on ${backend.name}`, () => {
  let env: TestEnv;
  let app: TestApp;
  let n = 0;
  const file = async (content: string | Buffer, ext = 'csv') => {
    const name = path.join(env.dataDir, `in-${++n}.${ext}`);
    await writeFile(name, content);
    return name;
  };
  const importBatch = (f: string, options: { region?: string; allowPartial?: boolean } = {}) =>
    app.get(ImportBatch).execute(new ImportBatchCommand(f, path.basename(f), 'test', options.region ?? '', options.allowPartial ?? false));
  const rejections = (batchId: string) =>
    app.query<{ row_no: number; column_name: string; value: string; reason: string }>(
      `SELECT row_no, column_name, value, reason FROM rejected_rows WHERE source = 'batch' AND import_id = $1 ORDER BY row_no, id`,
      [batchId],
    );

  beforeAll(async () => {
    // Durable commits: the fold's and the check's VACUUM must be able to mark what was just stored.
    env = await freshEnv(backend.name, { SUNLIGHT_BATCH_PARTITION_ROWS: '1000' }, { durableCommits: true });
    app = await bootApp(env);
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('names every rejection reason of CONTRACT §3.1, stores nothing, and stores the valid rows when asked', async () => {
    const cases: [column: string, value: string, reason: string][] = [
      ['region_code', '', '必填项为空'],
      ['region_code', '42108', '6 位县级或 9 位乡镇级'],
      ['region_code', '421087999', '行政区划代码不存在'],
      ['program_code', '', '必填项为空'],
      ['program_code', 'NOPE', '项目代码不在资金项目目录中'],
      ['period', '2024-13', 'YYYY-MM'],
      ['period', '', '必填项为空'],
      ['id_number', '12345', '18 位身份证号'],
      ['id_number', '42108719680412011Y', '18 位身份证号'],
      ['name', '', '必填项为空'],
      ['amount', '', '必填项为空'],
      ['amount', 'abc', '金额数字'],
      ['amount', '0', '大于 0'],
      ['amount', '-5', '大于 0'],
      ['amount', '650.001', '两位小数'],
      ['amount', '10000000.01', '10,000,000'],
      ['bank_account', '6222abc0000000', '12–30 位数字'],
      ['bank_account', '12345', '12–30 位数字'],
      ['paid_on', '2024-02-30', '真实日期'],
      ['paid_on', '2024/02/03', '真实日期'],
      ['paid_on', '', '必填项为空'],
    ];
    const f = await file([HEADER, ...cases.map(([c, v]) => breaking(c, v)), VALID].join('\n') + '\n');

    const rejected = await importBatch(f);
    expect(rejected).toMatchObject({ status: 'rejected', accepted: 0, rejected: cases.length });
    const problems = await rejections(rejected.batchId);
    cases.forEach(([column, value, reason], i) => {
      expect(problems).toContainEqual(expect.objectContaining({ row_no: i + 2, column_name: column, reason: expect.stringContaining(reason) }));
      if (value) expect(problems.find((p) => p.row_no === i + 2)?.value).toBe(value);
    });
    expect(problems.some((p) => p.row_no === cases.length + 2)).toBe(false); // the valid row
    const [{ count }] = await app.query(`SELECT count(*)::int AS count FROM disbursements WHERE batch_id = $1`, [rejected.batchId]);
    expect(count).toBe(0);

    const partial = await importBatch(f, { allowPartial: true });
    expect(partial).toMatchObject({ status: 'stored', accepted: 1, rejected: cases.length, duplicateOf: null });
    const stored = await app.query(`SELECT row_no, amount_fen::int FROM disbursements WHERE batch_id = $1`, [partial.batchId]);
    expect(stored).toEqual([{ row_no: cases.length + 2, amount_fen: 65000 }]);
  });

  it('rejects a whole file whose header lacks a required column, naming it', async () => {
    const result = await importBatch(await file('region_code,program_code,period,name,amount,paid_on\n' + '421087101,DIBAO,2024-03,李秀英,650,2024-03-15\n'));
    expect(result).toMatchObject({ status: 'rejected', accepted: 0 });
    expect(result.error).toContain('缺少必需列 id_number (身份证号)');
  });

  it('bounds region codes by the uploader’s region', async () => {
    const result = await importBatch(await file([HEADER, VALID, VALID.replace('421087101', '131121100')].join('\n')), { region: '421087' });
    expect(result).toMatchObject({ status: 'rejected', rejected: 1 });
    expect(await rejections(result.batchId)).toEqual([expect.objectContaining({ row_no: 3, column_name: 'region_code', reason: expect.stringContaining('不在上传单位辖区 421087 内') })]);
  });

  it('reads Chinese headers in any order, a BOM, RFC 4180 quoting, full-width digits, spaces and a lowercase x', async () => {
    const content =
      '\uFEFF姓名,身份证号,行政区划代码,项目代码,发放期间,发放金额,发放日期,银行账号,账户名,备注\n' +
      '"王,建国",４２１０８７１９５２０９０３０１２x, 421087101 ,DIBAO,２０２４-０３,"１,２００.５","2024-03-15",６２２２０２０１０００２２２２２２２２,王建国,"多行\n备注"\n';
    const result = await importBatch(await file(content));
    expect(result).toMatchObject({ status: 'stored', accepted: 1, rejected: 0 });
    const [row] = await app.query(`SELECT row_no, name, id_number, region_code, period, amount_fen::int, bank_account, paid_on FROM disbursements WHERE batch_id = $1`, [result.batchId]);
    expect(row).toEqual({
      row_no: 2,
      name: '王,建国',
      id_number: '42108719520903012X',
      region_code: '421087101',
      period: '2024-03',
      amount_fen: 120050,
      bank_account: '6222020100022222222',
      paid_on: '2024-03-15',
    });
  });

  it('reads the first sheet of an XLSX workbook, after a title row, with Excel’s numbers and dates', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('四月');
    workbook.addWorksheet('说明').addRow(['ignored']);
    sheet.addRow(['南海镇2024年4月低保发放表']);
    sheet.addRow(BATCH_HEADER);
    sheet.addRow(['421087101', 'DIBAO', '2024-04', '421087196804120116', '李秀英', 'H0001', 650, '6222020100011111111', '李秀英', new Date(Date.UTC(2024, 3, 15)), '南海镇财政所']);
    sheet.addRow([421087101, 'DIBAO', new Date(Date.UTC(2024, 3, 1)), '42108719520903012X', '王建国', 'H0002', 720.5, null, null, '2024-04-15', null]);
    sheet.addRow([]);
    sheet.addRow(['421087101', 'DIBAO', '2024-04', '12345', '坏行', null, 1, null, null, '2024-04-15', null]);
    const f = path.join(env.dataDir, 'batch.xlsx');
    await workbook.xlsx.writeFile(f);

    const result = await importBatch(f, { allowPartial: true });
    expect(result).toMatchObject({ status: 'stored', accepted: 2, rejected: 1 });
    expect(await rejections(result.batchId)).toEqual([expect.objectContaining({ row_no: 6, column_name: 'id_number' })]); // Excel's own row number
    const rows = await app.query(`SELECT row_no, period, amount_fen::int, paid_on FROM disbursements WHERE batch_id = $1 ORDER BY row_no`, [result.batchId]);
    expect(rows).toEqual([
      { row_no: 3, period: '2024-04', amount_fen: 65000, paid_on: '2024-04-15' },
      { row_no: 4, period: '2024-04', amount_fen: 72050, paid_on: '2024-04-15' },
    ]);
  });

  it('names rows whose cells do not fit the header, skipping blank lines', async () => {
    const content = [HEADER, VALID, '', `${VALID},extra`, VALID.replace('2024-03-15', '2024-03-16'), '421087101,DIBAO', ''].join('\n');
    const result = await importBatch(await file(content), { allowPartial: true });
    expect(result).toMatchObject({ status: 'stored', accepted: 2, rejected: 2 });
    const ragged = (await rejections(result.batchId)).filter((r) => r.reason.includes('列数与表头不一致')).map((r) => r.row_no);
    expect(ragged).toEqual([4, 6]); // the file's line numbers
  });

  it('says so when a file is not UTF-8 (Excel’s default GBK), naming the line', async () => {
    const gbkName = Buffer.from([0xc0, 0xee, 0xd0, 0xe3, 0xd3, 0xa2]); // 李秀英 in GBK
    const content = Buffer.concat([Buffer.from(`${HEADER}\n421087101,DIBAO,2024-03,421087196804120116,`), gbkName, Buffer.from(',H0001,650.00,,,2024-03-15,\n')]);
    const result = await importBatch(await file(content));
    expect(result).toMatchObject({ status: 'rejected', accepted: 0 });
    expect(result.error).toMatch(/第 2 行.*UTF-8/);
  });

  it('skips title rows above a CSV header, as in a workbook, and names rows by their line in the file', async () => {
    // A sheet as people make it, saved as CSV from Excel or WPS: a title, a line of who made it.
    const content = [
      '南海镇2024年7月低保发放表,,,,,,,,,,',
      '制表单位：南海镇财政所',
      '行政区划代码,项目代码,发放期间,身份证号,姓名,户编号,发放金额,银行账号,账户名,发放日期,发放单位',
      VALID.replace('2024-03', '2024-07').replace('2024-03-15', '2024-07-15'),
      breaking('id_number', '12345').replace('2024-03', '2024-07'),
    ].join('\n');
    const result = await importBatch(await file(content), { allowPartial: true });
    expect(result).toMatchObject({ status: 'stored', accepted: 1, rejected: 1 });
    expect(await rejections(result.batchId)).toEqual([expect.objectContaining({ row_no: 5, column_name: 'id_number' })]);
    expect(await app.query(`SELECT row_no, period FROM disbursements WHERE batch_id = $1`, [result.batchId])).toEqual([{ row_no: 4, period: '2024-07' }]);
    // A title cell broken over two lines (Alt+Enter), and a row of commas under the data: found
    // by line, the header is line 3 and the payment line 4, and nothing else is a row.
    const broken = [`"南海镇\n2024年7月低保发放表",,,,,,,,,,`, HEADER, VALID.replace('2024-03', '2024-07').replace('2024-03-15', '2024-07-20'), ',,,,,,,,,,'].join('\n');
    const parsed = await importBatch(await file(broken));
    expect(parsed).toMatchObject({ status: 'stored', accepted: 1, rejected: 0 });
    expect(await app.query(`SELECT row_no, paid_on FROM disbursements WHERE batch_id = $1`, [parsed.batchId])).toEqual([{ row_no: 4, paid_on: '2024-07-20' }]);
    // Look-alike: a title with no header under it in the first ten rows is no header.
    const headless = await importBatch(await file(['南海镇2024年7月低保发放表', VALID].join('\n')));
    expect(headless).toMatchObject({ status: 'rejected', accepted: 0 });
    expect(headless.error).toContain('缺少必需列');
  });

  it('skips the rows of only commas that Excel and WPS leave in a CSV, as blank rows of a workbook are', async () => {
    const august = (day: string) => VALID.replace('2024-03', '2024-08').replace('2024-03-15', `2024-08-${day}`);
    const blank = ',,,,,,,,,,';
    const result = await importBatch(await file([HEADER, august('15'), blank, ' , ,　,,,,,,,,', august('16'), blank, ''].join('\r\n')));
    expect(result).toMatchObject({ status: 'stored', accepted: 2, rejected: 0 });
    expect((await app.query(`SELECT row_no FROM disbursements WHERE batch_id = $1 ORDER BY row_no`, [result.batchId])).map((r: { row_no: number }) => r.row_no)).toEqual([2, 5]);
    // Look-alike: a row with one cell filled is a row, and is rejected for what it lacks.
    const partial = await importBatch(await file([HEADER, august('17'), ',,,,李秀英,,,,,,'].join('\n')));
    expect(partial).toMatchObject({ status: 'rejected', rejected: 1 });
    expect((await rejections(partial.batchId)).map((r) => r.row_no)).toContain(3);
  });

  it('rejects a file that is no table at all (empty, legacy .xls, UTF-16) as a batch of its own, saying why', async () => {
    const cases: [Buffer, string][] = [
      [Buffer.alloc(0), '文件为空'],
      [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), '旧版 Excel (.xls)'],
      [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n${VALID}\n`, 'utf16le')]), 'UTF-16'],
    ];
    for (const [content, reason] of cases) {
      const result = await importBatch(await file(content));
      expect(result).toMatchObject({ batchId: expect.stringMatching(/^\d+$/), status: 'rejected', accepted: 0, duplicateOf: null });
      expect(result.error).toContain(reason);
      const [batch] = await app.query(`SELECT status, error FROM disbursement_batches WHERE id = $1`, [result.batchId]);
      expect(batch).toEqual({ status: 'rejected', error: expect.stringContaining(reason) });
    }
  });

  it('names a file that is not there, for a batch and for a registry alike', async () => {
    const missing = path.join(env.dataDir, 'no-such-file.csv');
    await expect(importBatch(missing)).rejects.toThrow('no-such-file.csv: 文件不存在或无法读取');
    await expect(app.get(ImportRegistry).execute(new ImportRegistryCommand('deceased', missing, 'no-such-file.csv', 'test', false, false))).rejects.toThrow(
      'no-such-file.csv: 文件不存在或无法读取',
    );
  });

  it('stores the same bytes once, and answers a repeat with the first batch', async () => {
    const f = await file([HEADER, VALID.replace('2024-03', '2024-06').replace('2024-03-15', '2024-06-15')].join('\n'));
    const first = await importBatch(f);
    const again = await importBatch(await file(await import('node:fs/promises').then((fs) => fs.readFile(f))));
    expect(first).toMatchObject({ status: 'stored', duplicateOf: null });
    expect(again).toEqual({ batchId: first.batchId, status: 'stored', accepted: 1, rejected: 0, duplicateOf: first.batchId });
    const [{ count }] = await app.query(`SELECT count(*)::int AS count FROM disbursement_batches WHERE file_sha256 = (SELECT file_sha256 FROM disbursement_batches WHERE id = $1)`, [first.batchId]);
    expect(count).toBe(1);
  });

  it('stores a large batch as a partition of its own, by COPY when clean and by the detailed path when not', async () => {
    const townships = ['421087101', '421087102', '131121100'];
    const clean = path.join(env.dataDir, 'large.csv');
    await writeCsv(clean, BATCH_HEADER, batchRows({ seed: 7, rows: 3000, townships, months: ['2024-01', '2024-02'] }));
    const fast = await importBatch(clean);
    expect(fast).toMatchObject({ status: 'stored', accepted: 3000, rejected: 0 });
    // The fast path computes the derived values itself (binary COPY): the same as SQL derives them.
    const [derived] = await app.query(
      `SELECT min(row_no) AS first, max(row_no) AS last, count(*) FILTER (WHERE id <> (batch_id << 24) + row_no)::int AS bad_ids,
              count(*) FILTER (WHERE amount_fen <> (amount::numeric * 100)::bigint)::int AS bad_fen,
              count(*) FILTER (WHERE paid_on <> paid_on_text::date)::int AS bad_dates,
              count(*) FILTER (WHERE '' IN (household_id, bank_account, account_holder, payer))::int AS empty_not_null
       FROM disbursements WHERE batch_id = $1`,
      [fast.batchId],
    );
    expect(derived).toEqual({ first: 2, last: 3001, bad_ids: 0, bad_fen: 0, bad_dates: 0, empty_not_null: 0 });

    const messy = path.join(env.dataDir, 'large-messy.csv');
    const rows = [...batchRows({ seed: 8, rows: 3000, townships, months: ['2024-05'] })];
    rows[10][6] = '650.001';
    await writeCsv(messy, BATCH_HEADER, rows);
    const rejected = await importBatch(messy);
    expect(rejected).toMatchObject({ status: 'rejected', accepted: 0, rejected: 1 });
    const partial = await importBatch(messy, { allowPartial: true });
    expect(partial).toMatchObject({ status: 'stored', accepted: 2999, rejected: 1 });

    const partitions = await app.query(
      `SELECT b.id::text, b.segment::text, (SELECT count(*)::int FROM disbursements d WHERE d.batch_id = b.id) AS rows
       FROM disbursement_batches b WHERE b.id = ANY($1::bigint[]) ORDER BY b.id`,
      [[fast.batchId, partial.batchId]],
    );
    expect(partitions).toEqual([
      { id: fast.batchId, segment: fast.batchId, rows: 3000 },
      { id: partial.batchId, segment: partial.batchId, rows: 2999 },
    ]);
    // No landing or staging table is left behind.
    expect(await app.query(`SELECT tablename FROM pg_tables WHERE tablename ~ '^(stg|land)_'`)).toEqual([]);
  });

  it('folds a large batch into the shared partition once its check has run, keeping every payment, id and piece of evidence', async () => {
    const big = path.join(env.dataDir, 'fold.csv');
    const rows = [...batchRows({ seed: 9, rows: 2000, townships: ['421087101', '421087102'], months: ['2024-09'] })];
    rows[0][1] = 'DIBAO';
    rows[0][6] = '5000.00'; // over 低保's cap: an R07 lead whose evidence is in this batch
    await writeCsv(big, BATCH_HEADER, rows);
    const batch = await importBatch(big);
    expect(batch).toMatchObject({ status: 'stored', accepted: 2000 });
    const fingerprint = () =>
      app.query(`SELECT count(*)::int AS rows, sum(id)::text AS ids, sum(amount_fen)::text AS fen, md5(string_agg(id_number || bank_account, ',' ORDER BY id)) AS content
                 FROM disbursements WHERE batch_id = $1`, [batch.batchId]);
    const before = await fingerprint();
    const [run] = await app.query(`SELECT id::text FROM check_runs WHERE $1 = ANY(batch_ids)`, [batch.batchId]);
    await app.get(RunChecks).execute(run.id);
    const evidence = () =>
      app.query(`SELECT l.rule_code, d.id::text, d.segment::text FROM lead_evidence e JOIN leads l ON l.id = e.lead_id JOIN disbursements d ON d.id = e.disbursement_id
                 WHERE d.batch_id = $1 ORDER BY d.id`, [batch.batchId]);
    const leads = await evidence();
    expect(leads).toContainEqual({ rule_code: 'R07', id: String((BigInt(batch.batchId) << 24n) + 2n), segment: batch.batchId });
    // The check asked for the fold (the worker runs it; here the use case does).
    expect(await app.get(QueueRegistry).get(QueueName.Ingestion).queue.getJob(`fold-batch-${batch.batchId}`)).toMatchObject({ name: 'fold-batch-partition', data: { batchId: batch.batchId } });

    const maintenance = () =>
      app.query(`SELECT vacuum_count::int AS vacuums, analyze_count::int AS analyzes FROM pg_stat_user_tables WHERE relname = 'disbursements_shared'`);
    const [done] = await maintenance();
    expect(await app.get(FoldBatchPartition).execute(new FoldBatchPartitionCommand(batch.batchId))).toEqual({ batchId: batch.batchId, folded: true, rows: 2000 });
    expect(await fingerprint()).toEqual(before);
    expect(await evidence()).toEqual(leads.map((l) => ({ ...l, segment: '0' })));
    expect(await app.query(`SELECT segment::text FROM disbursement_batches WHERE id = $1`, [batch.batchId])).toEqual([{ segment: '0' }]);
    expect(await app.query(`SELECT to_regclass($1) AS partition`, [`disbursements_b${batch.batchId}`])).toEqual([{ partition: null }]);
    // The fold vacuums and analyzes the shared partition, so that a full check's index-only scans
    // find its pages marked all-visible. But VACUUM passes over a page another session has pinned
    // at that moment (the checkpointer writing it), or rows an older snapshot in the database may
    // still need; the next VACUUM marks them, as the next check's settle does. Two full runs of
    // the suite in six found pages unmarked right after the fold.
    expect(await maintenance()).toEqual([{ vacuums: done.vacuums + 1, analyzes: done.analyzes + 1 }]);
    const allVisible = async () =>
      (await app.query(`SELECT relpages > 0 AND relallvisible = relpages AS all FROM pg_class WHERE relname = 'disbursements_shared'`))[0].all;
    if (!(await allVisible())) await app.query(`VACUUM disbursements_shared`);
    expect(await allVisible()).toBe(true);
    // Twice is once.
    expect(await app.get(FoldBatchPartition).execute(new FoldBatchPartitionCommand(batch.batchId))).toEqual({ batchId: batch.batchId, folded: false, rows: 0 });
    expect(await fingerprint()).toEqual(before);
  });

  it("marks a small batch's pages in the shared partition all-visible when its check starts, for the rules' index-only lookups", async () => {
    const small = path.join(env.dataDir, 'settle.csv');
    await writeCsv(small, BATCH_HEADER, [...batchRows({ seed: 11, rows: 600, townships: ['421087101'], months: ['2024-10'] })]);
    const batch = await importBatch(small);
    expect(batch).toMatchObject({ status: 'stored', accepted: 600 });
    expect(await app.query(`SELECT segment::text FROM disbursement_batches WHERE id = $1`, [batch.batchId])).toEqual([{ segment: '0' }]);
    // relallvisible counts the pages the visibility map marks (ANALYZE counts them too, without marking).
    const visibility = async () => {
      await app.query(`ANALYZE disbursements_shared`);
      return app.query(`SELECT relallvisible = relpages AS all_visible FROM pg_class WHERE relname = 'disbursements_shared'`);
    };
    expect(await visibility()).toEqual([{ all_visible: false }]);
    const [run] = await app.query(`SELECT id::text FROM check_runs WHERE $1 = ANY(batch_ids)`, [batch.batchId]);
    await app.get(RunChecks).execute(run.id);
    expect(await visibility()).toEqual([{ all_visible: true }]);
  });

  it('queues the cross-checks of a stored batch', async () => {
    const result = await importBatch(await file([HEADER, VALID.replace(/2024-03/g, '2024-07')].join('\n')));
    const runs = await app.query(`SELECT scope, trigger, batch_ids::text[] AS batch_ids FROM check_runs WHERE $1 = ANY(batch_ids)`, [result.batchId]);
    expect(runs).toEqual([{ scope: 'batches', trigger: 'batch', batch_ids: [result.batchId] }]);
  });

  it('merges a registry by natural key, records every import, and replaces it when asked', async () => {
    const registry = (content: string, replace = false) =>
      app.get(ImportRegistry).execute(new ImportRegistryCommand('public-employees', content, 'employees.csv', 'test', replace, false));
    const first = await registry(await file('id_number,name,employer,from_date,to_date\n421087197501300130,赵志强,松滋市教育局,2019-09-01,\n421087199007070181,周晓东,某局,2010-01-01,2015-12-31\n'));
    expect(first).toMatchObject({ status: 'stored', accepted: 2 });
    // Chinese headers; the same key again (closed employment) and a new row; the later row wins.
    const second = await registry(await file('身份证号,姓名,起始日期,终止日期\n421087197501300130,赵志强,2019-09-01,2023-06-30\n421087196103030193,吴德明,2020-01-01,\n421087196103030193,吴德明,2020-01-01,2020-12-31\n'));
    expect(second).toMatchObject({ status: 'stored', accepted: 3 });
    const rows = await app.query(`SELECT id_number, to_date, employer, import_id::text FROM reg_public_employees ORDER BY id_number`);
    expect(rows).toEqual([
      { id_number: '421087196103030193', to_date: '2020-12-31', employer: null, import_id: second.importId },
      { id_number: '421087197501300130', to_date: '2023-06-30', employer: null, import_id: second.importId },
      { id_number: '421087199007070181', to_date: '2015-12-31', employer: '某局', import_id: first.importId },
    ]);
    const replaced = await registry(await file('id_number,from_date\n421087199007070181,2010-01-01\n'), true);
    expect(replaced).toMatchObject({ status: 'stored', accepted: 1 });
    expect(await app.query(`SELECT id_number FROM reg_public_employees`)).toEqual([{ id_number: '421087199007070181' }]);
    const imports = await app.query(`SELECT kind, imported_by, replace, accepted_rows, length(file_sha256) AS sha FROM registry_imports ORDER BY id`);
    expect(imports).toEqual([
      { kind: 'public-employees', imported_by: 'test', replace: false, accepted_rows: 2, sha: 64 },
      { kind: 'public-employees', imported_by: 'test', replace: false, accepted_rows: 3, sha: 64 },
      { kind: 'public-employees', imported_by: 'test', replace: true, accepted_rows: 1, sha: 64 },
    ]);
  });

  it('imports residents (户籍人口) under English or Chinese headers, and names the row and column of a bad one', async () => {
    const residents = async (content: string) => app.get(ImportRegistry).execute(new ImportRegistryCommand('residents', await file(content), 'residents.csv', 'test', false, false));
    const english = await residents('id_number,name,region_code,household_id,from_date,to_date\n421087194311200151,刘桂英,421087101,H0005,1965-10-08,\n421087194008220248,黄德华,421087101,H0011,1962-01-05,2023-06-30\n');
    expect(english).toMatchObject({ status: 'stored', accepted: 2, rejected: 0 });
    // Chinese headers in another order; a county code is a region too; the same person in a second township.
    const chinese = await residents('姓名,迁入日期,身份证号,行政区划代码,迁出日期,户编号\n张秀兰,1960-04-12,421087193805160220,421087101,,H0010\n黄德华,2023-07-01,421087194008220248,421087,,\n');
    expect(chinese).toMatchObject({ status: 'stored', accepted: 2, rejected: 0 });
    expect(await app.query(`SELECT id_number, name, region_code, household_id, from_date, to_date FROM reg_residents ORDER BY id_number, from_date`)).toEqual([
      { id_number: '421087193805160220', name: '张秀兰', region_code: '421087101', household_id: 'H0010', from_date: '1960-04-12', to_date: null },
      { id_number: '421087194008220248', name: '黄德华', region_code: '421087101', household_id: 'H0011', from_date: '1962-01-05', to_date: '2023-06-30' },
      { id_number: '421087194008220248', name: '黄德华', region_code: '421087', household_id: null, from_date: '2023-07-01', to_date: null },
      { id_number: '421087194311200151', name: '刘桂英', region_code: '421087101', household_id: 'H0005', from_date: '1965-10-08', to_date: null },
    ]);

    const bad = await residents('身份证号,姓名,行政区划代码,户编号,迁入日期,迁出日期\n421087193805160220,张秀兰,421087999,H0010,1960-04-12,\n421087194311200151,刘桂英,421087101,H0005,1965-02-30,\n421087196804120116,李秀英,421087101,H0001,,\n421087196804120116,李秀英,421087101,H0001,1968-04-12,2024/01/01\n');
    expect(bad).toMatchObject({ status: 'rejected', accepted: 0, rejected: 4 });
    const problems = await app.query(`SELECT row_no, column_name, reason FROM rejected_rows WHERE source = 'registry' AND import_id = $1 ORDER BY row_no, id`, [bad.importId]);
    expect(problems).toEqual([
      { row_no: 2, column_name: 'region_code', reason: expect.stringContaining('行政区划代码不存在') },
      { row_no: 3, column_name: 'from_date', reason: expect.stringContaining('真实日期') },
      { row_no: 4, column_name: 'from_date', reason: expect.stringContaining('必填项为空') },
      { row_no: 5, column_name: 'to_date', reason: expect.stringContaining('真实日期') },
    ]);
    expect(await app.query(`SELECT count(*)::int AS n FROM reg_residents`)).toEqual([{ n: 4 }]);
  });
});

describe('ingestion on the embedded database', () => {
  it('loads a large clean batch through the database directory, and an XLSX file, and folds the large one', async () => {
    const env = await freshEnv('embedded', { SUNLIGHT_BATCH_PARTITION_ROWS: '1000' });
    const app = await bootApp(env);
    try {
      const f = path.join(env.dataDir, 'large.csv');
      await writeCsv(f, BATCH_HEADER, batchRows({ seed: 3, rows: 2500, townships: ['421087101', '421087102'], months: ['2024-01'] }));
      const large = await app.get(ImportBatch).execute(new ImportBatchCommand(f, 'large.csv', 'test', '', false));
      expect(large).toMatchObject({ status: 'stored', accepted: 2500 });
      const workbook = new ExcelJS.Workbook();
      workbook.addWorksheet('1').addRows([BATCH_HEADER, VALID.split(',')]);
      const x = path.join(env.dataDir, 'small.xlsx');
      await workbook.xlsx.writeFile(x);
      const small = await app.get(ImportBatch).execute(new ImportBatchCommand(x, 'small.xlsx', 'test', '', false));
      expect(small).toMatchObject({ status: 'stored', accepted: 1 });
      const [{ rows }] = await app.query(`SELECT count(*)::int AS rows FROM disbursements`);
      expect(rows).toBe(2501);
      expect(await app.get(FoldBatchPartition).execute(new FoldBatchPartitionCommand(large.batchId))).toMatchObject({ folded: true, rows: 2500 });
      expect(await app.query(`SELECT count(*)::int AS rows, count(*) FILTER (WHERE segment = 0)::int AS shared FROM disbursements`)).toEqual([{ rows: 2501, shared: 2501 }]);
    } finally {
      await app.close();
      await env.cleanup();
    }
  });
});

describe(`an import killed halfway, then run again (${backend.name})`, () => {
  it.each(['读取', 'indexing'])('loses nothing and doubles nothing (killed while %s)', async (phase) => {
    const env = await freshEnv(backend.name, { SUNLIGHT_BATCH_PARTITION_ROWS: '20000' });
    try {
      const f = path.join(env.dataDir, 'big.csv');
      await writeCsv(f, BATCH_HEADER, batchRows({ seed: 11, rows: 150_000, townships: ['421087101', '421087102'], months: ['2024-01', '2024-02', '2024-03'] }));
      await new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/cli/src/main.js'), 'batch', 'import', f], { env: env.env });
        let stderr = '';
        child.stderr.on('data', (d) => {
          stderr += d;
          if (stderr.includes(phase) && child.exitCode === null) setTimeout(() => child.kill('SIGKILL'), 50);
        });
        child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`finished before the kill (${code}):\n${stderr}`))));
      });
      const again = await cli(env, 'batch', 'import', f);
      expect(again.code).toBe(0);
      expect(again.json).toMatchObject({ status: 'stored', accepted: 150_000, duplicateOf: null });
      const app = await bootApp(env);
      try {
        const [{ rows }] = await app.query(`SELECT count(*)::int AS rows FROM disbursements`);
        expect(rows).toBe(150_000);
        const batches = await app.query(`SELECT status FROM disbursement_batches ORDER BY id`);
        // The killed one never stored anything, and failed at the next import: its process was gone.
        expect(batches.map((b) => b.status)).toEqual(['failed', 'stored']);
      } finally {
        await app.close();
      }
    } finally {
      await env.cleanup();
    }
  });
});
