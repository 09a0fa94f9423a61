import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { withCheckDigit } from '@sunlight/common';
import { ImportBatch, ImportBatchCommand, ImportRegistry, ImportRegistryCommand } from '@sunlight/ingestion';
import { CloseLead, CloseLeadCommand, ExportLeads, type ExportedLead } from '@sunlight/leads';
import { BacktestRule, BacktestRuleCommand, RequestChecks, RequestChecksCommand, RuleCatalogue, RunChecks, type CheckRunSummary } from '@sunlight/rules';
import { bootApp, freshEnv, primaryBackend, type TestApp, type TestEnv } from './support/harness.js';

/**
 * R13 应享未享 (CONTRACT §4): 高龄津贴 is owed to every resident of 80 or more in a month their
 * county paid it to anyone. 松滋 (421087) and 武邑 (131122) pay it in March, April and May 2024,
 * 枣强 (131121) in April only; each person below is a case of its own, positive or look-alike.
 */
const HEADER = 'region_code,program_code,period,id_number,name,household_id,amount,bank_account,account_holder,paid_on,payer';
const RESIDENTS = 'id_number,name,region_code,household_id,from_date,to_date';

/** A valid ID number of county `county` born on `birth` (YYYYMMDD), told apart by `seq` (3 digits). */
const id = (county: string, birth: string, seq: string) => withCheckDigit(`${county}${birth}${seq}`);

const P0 = id('421087', '19390101', '011'); // paid every month: whose payments make 松滋 a paying county
const Z0 = id('131121', '19380101', '021'); // 枣强's one payment, in April
const NEVER = id('421087', '19400510', '031'); // 83, never paid: March, April, May
const GAP = id('421087', '19380202', '041'); // paid March and May, not April
const ELSEWHERE = id('421087', '19350303', '051'); // paid by 武邑 every month: paid anywhere counts
const DIED_IN_MARCH = id('421087', '19300404', '061'); // died 2024-03-15: owed nothing
// "not in deceased with a death date before the end of M", M's end being its last day (CONTRACT §4)
const DIED_END_OF_APRIL = id('421087', '19310505', '071'); // died 2024-04-30, April's last day: owed March and April
const DIED_APRIL_29 = id('421087', '19310506', '072'); // died 2024-04-29, before April's end: owed March only
const MOVED_AWAY = id('421087', '19320606', '081'); // left 2024-02-29
const MOVED_IN = id('421087', '19330707', '091'); // came 2024-05-31: owed May
const TURNS_80_IN_APRIL = id('421087', '19440415', '101'); // 79 on April 1st, 80 on May 1st: owed May
const TURNS_80_IN_MAY = id('421087', '19440502', '111'); // 79 on May 1st: owed nothing
const ZAOQIANG = id('131121', '19400808', '121'); // 枣强 resident: owed April only
const QUIET_COUNTY = id('421022', '19300909', '131'); // 公安县 paid no 高龄津贴: owed nothing
const YOUNG = id('421087', '19700101', '141'); // 54: owed nothing

describe(`R13 应享未享 on ${primaryBackend().name}`, () => {
  let env: TestEnv;
  let app: TestApp;
  let files = 0;
  let firstRun: CheckRunSummary;

  const file = async (lines: string[]) => {
    const name = path.join(env.dataDir, `r13-${++files}.csv`);
    await writeFile(name, lines.join('\n') + '\n');
    return name;
  };
  const gaoling = (region: string, period: string, idNumber: string, name: string) =>
    `${region},GAOLING,${period},${idNumber},${name},,300.00,,,${period}-20,财政所`;
  const importBatch = async (rows: string[]) => {
    const result = await app.get(ImportBatch).execute(new ImportBatchCommand(await file([HEADER, ...rows]), 'r13.csv', 'test', '', false));
    expect(result.status).toBe('stored');
    return result.batchId;
  };
  const checkAll = async () => app.get(RunChecks).execute(await app.get(RequestChecks).execute(new RequestChecksCommand('all', 'manual', 'test')));
  const checkBatch = async (batchId: string) => {
    const [run] = await app.query(`SELECT id::text FROM check_runs WHERE $1 = ANY(batch_ids) ORDER BY id DESC LIMIT 1`, [batchId]);
    return app.get(RunChecks).execute(run.id);
  };
  const r13 = async () => {
    const all: ExportedLead[] = [];
    for await (const lead of app.get(ExportLeads).execute()) if (lead.rule === 'R13' || lead.repeat_rule === 'R13') all.push(lead);
    return all;
  };
  const months = (lead: ExportedLead) => lead.evidence.missed_months.map((m) => m.month);

  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name);
    app = await bootApp(env);
    const residents = [
      [P0, '钱老一', '421087101', '', '1990-01-01', ''],
      [NEVER, '孙未领', '421087101', 'H1', '1990-01-01', ''],
      [GAP, '周缺月', '421087102', '', '1990-01-01', ''],
      [ELSEWHERE, '吴外县', '421087102', '', '1990-01-01', ''],
      [DIED_IN_MARCH, '郑三月', '421087101', '', '1990-01-01', ''],
      [DIED_END_OF_APRIL, '王四月', '421087101', '', '1990-01-01', ''],
      [DIED_APRIL_29, '王廿九', '421087101', '', '1990-01-01', ''],
      [MOVED_AWAY, '冯迁出', '421087101', '', '1990-01-01', '2024-02-29'],
      [MOVED_IN, '陈迁入', '421087101', '', '2024-05-31', ''],
      [TURNS_80_IN_APRIL, '褚四月', '421087101', '', '1990-01-01', ''],
      [TURNS_80_IN_MAY, '卫五月', '421087101', '', '1990-01-01', ''],
      [ZAOQIANG, '蒋枣强', '131121100', '', '1990-01-01', ''],
      [QUIET_COUNTY, '沈公安', '421022100', '', '1990-01-01', ''],
      [YOUNG, '韩年轻', '421087101', '', '1990-01-01', ''],
      [withCheckDigit('42108719301332001'), '杨坏号', '421087101', '', '1990-01-01', ''], // an impossible birth date: no age to go by
    ].map((r) => r.join(','));
    const registry = async (kind: string, lines: string[]) =>
      expect((await app.get(ImportRegistry).execute(new ImportRegistryCommand(kind, await file(lines), `${kind}.csv`, 'test', false, false))).status).toBe('stored');
    await registry('residents', [RESIDENTS, ...residents]);
    await registry('deceased', ['id_number,name,death_date', `${DIED_IN_MARCH},郑三月,2024-03-15`, `${DIED_END_OF_APRIL},王四月,2024-04-30`, `${DIED_APRIL_29},王廿九,2024-04-29`]);
    const rows: string[] = [];
    for (const m of ['2024-03', '2024-04', '2024-05']) {
      rows.push(gaoling('421087101', m, P0, '钱老一'), gaoling('131122', m, ELSEWHERE, '吴外县'));
      if (m !== '2024-04') rows.push(gaoling('421087102', m, GAP, '周缺月'));
    }
    rows.push(gaoling('131121100', '2024-04', Z0, '枣老人'));
    await importBatch(rows);
    firstRun = await checkAll();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('raises one lead a person owed and not paid, with the months missed at the cap each', async () => {
    const raised = (await r13()).map((l) => [l.id_number, l.program_code, l.period, months(l), l.amount_at_risk, l.region_code]);
    expect(raised.sort()).toEqual(
      [
        [NEVER, 'GAOLING', null, ['2024-03', '2024-04', '2024-05'], '900.00', '421087101'],
        [GAP, 'GAOLING', null, ['2024-04'], '300.00', '421087102'],
        [DIED_END_OF_APRIL, 'GAOLING', null, ['2024-03', '2024-04'], '600.00', '421087101'],
        [DIED_APRIL_29, 'GAOLING', null, ['2024-03'], '300.00', '421087101'],
        [MOVED_IN, 'GAOLING', null, ['2024-05'], '300.00', '421087101'],
        [TURNS_80_IN_APRIL, 'GAOLING', null, ['2024-05'], '300.00', '421087101'],
        [ZAOQIANG, 'GAOLING', null, ['2024-04'], '300.00', '131121100'],
      ].sort(),
    );
    expect(firstRun.byRule.R13).toBe(7);
  });

  it('keeps the resident record as evidence and explains the lead in Chinese', async () => {
    const lead = (await r13()).find((l) => l.id_number === NEVER)!;
    expect(lead.evidence.payments).toEqual([]);
    expect(lead.evidence.facts).toEqual([expect.objectContaining({ registry: 'residents', id_number: NEVER, name: '孙未领', region_code: '421087101', household_id: 'H1', from_date: '1990-01-01', age: 83 })]);
    expect(lead).toMatchObject({ name: '孙未领', evidence_count: 3, severity: 'medium', rule_version: 1, bank_account: null });
    expect(lead.explanation).toBe('孙未领 (4210…' + NEVER.slice(-4) + ') 户籍在本县，年满 83 岁，应享高龄津贴，2024-03 至 2024-05 本县发放期间未领取，共 3 个月，应发 900.00 元');
  });

  it('raises nothing the second time, and changes no amount', async () => {
    const before = (await r13()).map((l) => [l.id, l.amount_at_risk, l.evidence_count]);
    expect(await checkAll()).toMatchObject({ leadsRaised: 0, leadsUpdated: 0 });
    expect((await r13()).map((l) => [l.id, l.amount_at_risk, l.evidence_count])).toEqual(before);
  });

  it("is judged over all data only: a month paid in two batches raises nothing until a full check, which adds the new months and repeats a rectified lead", async () => {
    const gap = (await r13()).find((l) => l.id_number === GAP)!;
    await app.get(CloseLead).execute(new CloseLeadCommand(String(gap.id), 'rectified', 'test'));
    // June comes in two batches of 松滋: the first pays only 钱老一, the second 孙未领. Judged on the
    // first alone, 孙未领 would have missed June.
    const first = await checkBatch(await importBatch([gaoling('421087101', '2024-06', P0, '钱老一')]));
    expect(first).toMatchObject({ leadsRaised: 0, leadsUpdated: 0 });
    await checkBatch(await importBatch([gaoling('421087101', '2024-06', NEVER, '孙未领')]));
    const full = await checkAll();
    // Newly owed in June: 卫五月 turned 80 in May, and 吴外县 was paid nowhere; 周缺月 was rectified.
    expect(full.byRule).toEqual({ R12: 1, R13: 2 });
    expect(full.leadsUpdated).toBe(2); // 陈迁入, 褚四月: one more month each
    const after = await r13();
    expect(months(after.find((l) => l.rule === 'R13' && l.id_number === NEVER)!)).toEqual(['2024-03', '2024-04', '2024-05']);
    expect(months(after.find((l) => l.rule === 'R13' && l.id_number === MOVED_IN)!)).toEqual(['2024-05', '2024-06']);
    expect(after.find((l) => l.rule === 'R13' && l.id_number === MOVED_IN)!.amount_at_risk).toBe('600.00');
    const repeat = after.find((l) => l.rule === 'R12')!;
    expect(repeat).toMatchObject({ repeat_of: Number(gap.id), repeat_rule: 'R13', id_number: GAP, amount_at_risk: '300.00', card: 'red' });
    expect(months(repeat)).toEqual(['2024-06']);
    // 枣强 paid nothing in June: its resident's lead is untouched.
    expect(months(after.find((l) => l.id_number === ZAOQIANG)!)).toEqual(['2024-04']);
  });
});


/**
 * A full check may run while a county's month is still arriving (a registry import queues one):
 * it judges as missed the months the rest of the month then pays. The next full check withdraws
 * them from the leads nobody has judged yet, and closes a lead left with none as withdrawn.
 */
describe(`R13 while a month is still arriving, on ${primaryBackend().name}`, () => {
  let env: TestEnv;
  let app: TestApp;
  let files = 0;
  let secondRun: CheckRunSummary;
  /** Each person's leads after the first full check, before the rest of the month came. */
  const before = new Map<string, ExportedLead[]>();
  const P1 = id('421087', '19390101', '211'); // paid every month: 松滋 pays 高龄津贴
  const LATE = id('421087', '19400101', '221'); // March paid by the second batch
  const PARTLY = id('421087', '19400202', '231'); // missed March; April paid by the second batch
  const NEVER_PAID = id('421087', '19400303', '241'); // paid nowhere
  const RECTIFIED = id('421087', '19400404', '251'); // lead closed rectified; March paid afterwards (补发)

  const file = async (lines: string[]) => {
    const name = path.join(env.dataDir, `r13-late-${++files}.csv`);
    await writeFile(name, lines.join('\n') + '\n');
    return name;
  };
  const gaoling = (period: string, idNumber: string, name: string) => `421087101,GAOLING,${period},${idNumber},${name},,300.00,,,${period}-20,财政所`;
  const importBatch = async (rows: string[]) =>
    expect((await app.get(ImportBatch).execute(new ImportBatchCommand(await file([HEADER, ...rows]), 'r13.csv', 'test', '', false))).status).toBe('stored');
  const checkAll = async () => app.get(RunChecks).execute(await app.get(RequestChecks).execute(new RequestChecksCommand('all', 'manual', 'test')));
  const leadsOf = async (idNumber: string) => {
    const all: ExportedLead[] = [];
    for await (const lead of app.get(ExportLeads).execute()) if (lead.id_number === idNumber) all.push(lead);
    return all.sort((a, b) => Number(a.id) - Number(b.id));
  };
  const months = (lead: ExportedLead) => lead.evidence.missed_months.map((m) => m.month);

  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name);
    app = await bootApp(env);
    const residents = [[P1, '钱全领'], [LATE, '李晚到'], [PARTLY, '赵半领'], [NEVER_PAID, '孙未领'], [RECTIFIED, '周补发']].map(([n, name]) => `${n},${name},421087101,,1990-01-01,`);
    expect((await app.get(ImportRegistry).execute(new ImportRegistryCommand('residents', await file([RESIDENTS, ...residents]), 'residents.csv', 'test', false, false))).status).toBe('stored');
    // The first part of March and April: 李晚到's March and 赵半领's April are still to come.
    await importBatch([gaoling('2024-03', P1, '钱全领'), gaoling('2024-04', P1, '钱全领'), gaoling('2024-04', LATE, '李晚到')]);
    await checkAll();
    for (const person of [LATE, PARTLY, NEVER_PAID, RECTIFIED]) before.set(person, await leadsOf(person));
    await app.get(CloseLead).execute(new CloseLeadCommand(String(before.get(RECTIFIED)![0].id), 'rectified', 'test'));
    // The rest of March and April.
    await importBatch([gaoling('2024-03', LATE, '李晚到'), gaoling('2024-04', PARTLY, '赵半领'), gaoling('2024-03', RECTIFIED, '周补发'), gaoling('2024-04', RECTIFIED, '周补发')]);
    secondRun = await checkAll();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('withdraws the months paid later from the open leads, closes a lead left with none, and leaves judged leads alone', async () => {
    const [late] = before.get(LATE)!;
    expect(months(late)).toEqual(['2024-03']);
    expect(months(before.get(PARTLY)![0])).toEqual(['2024-03', '2024-04']);
    expect(secondRun).toMatchObject({ leadsRaised: 0 });

    const [lateAfter] = await leadsOf(LATE);
    expect(lateAfter).toMatchObject({ id: late.id, status: 'closed', outcome: 'withdrawn', amount_at_risk: '0.00', evidence_count: 0 });
    expect(months(lateAfter)).toEqual([]);
    const [partly] = await leadsOf(PARTLY);
    expect(partly).toMatchObject({ status: 'new', outcome: null, amount_at_risk: '300.00', evidence_count: 1 });
    expect(months(partly)).toEqual(['2024-03']);
    expect(partly.explanation).toContain('共 1 个月，应发 300.00 元');
    expect(months((await leadsOf(NEVER_PAID))[0])).toEqual(['2024-03', '2024-04']);
    // A rectified lead keeps what it was closed on: the later payment is its rectification.
    const [rectifiedAfter] = await leadsOf(RECTIFIED);
    expect(rectifiedAfter).toMatchObject({ status: 'closed', outcome: 'rectified', amount_at_risk: '600.00' });

    // What the rule finds now is what the open leads say: a backtest adds nothing.
    const backtest = await app.get(BacktestRule).execute(new BacktestRuleCommand(await app.get(RuleCatalogue).forBacktest('R13')));
    // (A backtest compares with every lead of the rule: the rectified one is no longer found.)
    expect(backtest).toMatchObject({ keys: 2, added: 0, dropped: 1 });
    expect(backtest.droppedKeys.map((k) => k.id_number)).toEqual([RECTIFIED]);
    // And a check over the same data changes nothing.
    expect(await checkAll()).toMatchObject({ leadsRaised: 0, leadsUpdated: 0 });
  });

  it('raises a withdrawn key anew, as its own rule, when the person misses a later month', async () => {
    await importBatch([gaoling('2024-05', P1, '钱全领')]);
    await checkAll();
    const [first, again] = await leadsOf(LATE);
    expect(first).toMatchObject({ outcome: 'withdrawn' });
    expect(again).toMatchObject({ rule: 'R13', status: 'new', repeat_of: null, amount_at_risk: '300.00' });
    expect(months(again)).toEqual(['2024-05']);
  });
});
