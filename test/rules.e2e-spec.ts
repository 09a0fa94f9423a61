import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Population, allTownships, precisionRecall, type PlantedCase, type PopulationOptions } from '@sunlight/generator';
import { readProgramCatalogue } from '@sunlight/programs';
import { ImportBatch, ImportBatchCommand, ImportRegistry, batchCondition, ImportRegistryCommand, REGISTRY_KINDS } from '@sunlight/ingestion';
import { CloseLead, CloseLeadCommand, ExportLeads, type ExportedLead } from '@sunlight/leads';
import { ALL_PAYMENTS, ApproveRuleChange, ApproveRuleChangeCommand, BacktestRule, BacktestRuleCommand, CompareShadow, GoLive, GoLiveCommand, ProposeRuleChange, ProposeRuleChangeCommand, RequestChecks, RequestChecksCommand, RuleCatalogue, RunChecks, ruleStatement, type BacktestResult, type CheckRunSummary, type RuleDefinition } from '@sunlight/rules';
import { CreateUser, CreateUserCommand } from '@sunlight/accounts';
import { fenToYuan, withCheckDigit, type Actor } from '@sunlight/common';
import { SAMPLES, TEST_PASSWORD, backends, bootApp, cli, cloneEnv, freshEnv, primaryBackend, type TestApp, type TestEnv } from './support/harness.js';

async function importRegistry(app: TestApp, kind: string, file: string) {
  const result = await app.get(ImportRegistry).execute(new ImportRegistryCommand(kind, file, path.basename(file), 'test', false, false));
  expect(result.status).toBe('stored');
  return result;
}

async function importBatch(app: TestApp, file: string) {
  const result = await app.get(ImportBatch).execute(new ImportBatchCommand(file, path.basename(file), 'test', '', false));
  expect(result.status).toBe('stored');
  return result;
}

/** A full check run, as `checks run` asks for it, processed here. */
async function checkAll(app: TestApp): Promise<CheckRunSummary> {
  const runId = await app.get(RequestChecks).execute(new RequestChecksCommand('all', 'manual', 'test'));
  return app.get(RunChecks).execute(runId);
}

/** The run a stored batch queued for its own payments, processed here. */
async function checkBatch(app: TestApp, batchId: string): Promise<CheckRunSummary> {
  const [run] = await app.query(`SELECT id::text FROM check_runs WHERE $1 = ANY(batch_ids) ORDER BY check_runs.id DESC LIMIT 1`, [batchId]);
  return app.get(RunChecks).execute(run.id);
}

async function leads(app: TestApp): Promise<ExportedLead[]> {
  const all: ExportedLead[] = [];
  for await (const lead of app.get(ExportLeads).execute()) all.push(lead);
  return all;
}

async function loadSamples(app: TestApp) {
  for (const kind of REGISTRY_KINDS) await importRegistry(app, kind, path.join(SAMPLES, `${kind}.csv`));
  await importBatch(app, path.join(SAMPLES, 'batch-421087-2024Q2.csv'));
  await importBatch(app, path.join(SAMPLES, 'batch-131121-2024-04.csv'));
}

const HEADER = 'region_code,program_code,period,id_number,name,household_id,amount,bank_account,account_holder,paid_on,payer';

describe.each(backends())('the sample files on $name', ({ name, skip }) => {
  if (skip) {
    it.skip(`skipped: ${skip}`, () => undefined);
    return;
  }
  let env: TestEnv;
  let app: TestApp;
  let firstRun: CheckRunSummary;
  // Every test reads what the first run raised (the re-run one checks that it changes nothing),
  // so they pass alone and in any order.
  beforeAll(async () => {
    env = await freshEnv(name);
    app = await bootApp(env);
    await loadSamples(app);
    firstRun = await checkAll(app);
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('raise exactly the leads the samples describe, and nothing for the look-alikes', async () => {
    const summary = firstRun;
    expect(summary).toMatchObject({ leadsRaised: 9, leadsUpdated: 0, failedRules: {} });
    expect(summary.byRule).toEqual({ R01: 1, R02: 1, R03: 1, R04: 1, R06: 1, R07: 1, R08: 1, R10: 1, R13: 1 });
    const raised = (await leads(app)).map((l) => [l.rule, l.id_number ?? l.bank_account, l.program_code, l.period, l.amount_at_risk, l.evidence_count]);
    expect(raised).toEqual(
      expect.arrayContaining([
        ['R01', '42108719520903012X', 'DIBAO', null, '1440.00', 2], // 王建国 died 2024-02-10, paid March and April
        ['R02', '421087197501300130', 'DIBAO', null, '1160.00', 2], // 赵志强, 松滋市教育局 since 2019
        ['R03', '421087196103030193', 'DIBAO', null, '1000.00', 2], // 吴德明 pays himself
        ['R04', '131121198006060148', 'DIBAO', null, '640.00', 1], // 陈俊杰 owns 冀T12345
        ['R06', '421087196804120116', 'DIBAO', '2024-04', '1300.00', 3], // 李秀英 paid three times in April, in two counties
        ['R07', '421087196804120116', 'DIBAO', '2024-04', '150.00', 1], // 1,350.00 against a cap of 1,200
        ['R08', '131121198006060148', 'DIBAO', null, '640.00', 1], // paid into 陈国庆's account
        ['R10', '421087199007070181', null, null, '1220.00', 2], // a wrong check digit
        ['R13', '421087193805160220', 'GAOLING', null, '600.00', 2], // 张秀兰, 85, a resident never paid 高龄津贴 while 松滋 paid it
      ]),
    );
    // The look-alikes: 李秀英 shares a name with a deceased person, 刘桂英 is 80 on 高龄津贴,
    // 孙子涵 is paid into her mother's account, and the mother is in her household.
    const people = new Set((await leads(app)).map((l) => l.id_number));
    for (const id of ['421087194311200151', '421087201205050164']) expect(people.has(id)).toBe(false);
    expect((await leads(app)).find((l) => l.rule === 'R01' && l.id_number === '421087196804120116')).toBeUndefined();
  });

  it('explains each lead in one Chinese sentence and names the registry facts and their import', async () => {
    const r01 = (await leads(app)).find((l) => l.rule === 'R01')!;
    expect(r01.explanation).toBe('王建国 (4210…012X) 于 2024-02-10 死亡，2024-03 至 2024-04 仍领取城乡最低生活保障金 2 笔，共 1,440.00 元');
    const [deceasedImport] = await app.query(`SELECT id::text FROM registry_imports WHERE kind = 'deceased'`);
    expect(r01.evidence.facts).toEqual([{ registry: 'deceased', import_id: deceasedImport.id, id_number: '42108719520903012X', name: '王建国', death_date: '2024-02-10' }]);
    expect(r01.evidence.payments.map((p) => [p.period, p.amount, p.row])).toEqual([
      ['2024-03', '720.00', 3],
      ['2024-04', '720.00', 10],
    ]);
    expect(r01.registry_snapshot.deceased).toBe(deceasedImport.id);
    expect(r01).toMatchObject({ rule_version: 1, severity: 'high', status: 'new', due_on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });

  it('raises nothing the second time, and changes no amount', async () => {
    const before = (await leads(app)).map((l) => [l.id, l.amount_at_risk, l.evidence_count]);
    expect(await checkAll(app)).toMatchObject({ leadsRaised: 0, leadsUpdated: 0, byRule: {} });
    expect((await leads(app)).map((l) => [l.id, l.amount_at_risk, l.evidence_count])).toEqual(before);
  });
});

describe(`leads over time on ${primaryBackend().name}`, () => {
  let env: TestEnv;
  let app: TestApp;
  let n = 0;
  const batch = async (...rows: string[]) => {
    const file = path.join(env.dataDir, `later-${++n}.csv`);
    await writeFile(file, [HEADER, ...rows].join('\n') + '\n');
    return importBatch(app, file);
  };
  const find = async (rule: string, id: string) => (await leads(app)).filter((l) => l.rule === rule && (l.id_number === id || l.bank_account === id));

  /** 王建国 (dead since February) paid for May too: one more payment for the R01 lead. */
  const paidInMay = async () => {
    const stored = await batch('421087101,DIBAO,2024-05,42108719520903012X,王建国,H0002,720.00,6222020100022222222,王建国,2024-05-15,南海镇财政所');
    return checkBatch(app, stored.batchId);
  };

  // Each test starts from the samples, checked once, and makes the history it needs: on a copy
  // of its own of the installation prepared once here.
  let prepared: TestEnv;
  beforeAll(async () => {
    prepared = await freshEnv(primaryBackend().name);
    const setup = await bootApp(prepared);
    try {
      await loadSamples(setup);
      await checkAll(setup);
    } finally {
      await setup.close();
    }
  });
  afterAll(async () => prepared?.cleanup());
  beforeEach(async () => {
    env = await cloneEnv(prepared);
    app = await bootApp(env);
  });
  afterEach(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('adds new evidence to the open lead of its key, checking only the new batch', async () => {
    const summary = await paidInMay();
    expect(summary).toMatchObject({ leadsRaised: 0, leadsUpdated: 1, updatedByRule: { R01: 1 } });
    const [r01] = await find('R01', '42108719520903012X');
    expect(r01).toMatchObject({ evidence_count: 3, amount_at_risk: '2160.00' });
    expect(r01.explanation).toContain('2024-03 至 2024-05');
  });

  it('raises an R12 repeat, linked to the rectified lead, when the same key comes back', async () => {
    await paidInMay();
    const [r01] = await find('R01', '42108719520903012X');
    await app.get(CloseLead).execute(new CloseLeadCommand(String(r01.id), 'rectified', 'test'));
    const stored = await batch('421087101,DIBAO,2024-06,42108719520903012X,王建国,H0002,720.00,6222020100022222222,王建国,2024-06-15,南海镇财政所');
    const summary = await checkBatch(app, stored.batchId);
    expect(summary).toMatchObject({ leadsRaised: 1, byRule: { R12: 1 } });
    const [repeat] = await find('R12', '42108719520903012X');
    expect(repeat).toMatchObject({
      repeat_of: r01.id,
      repeat_rule: 'R01',
      program_code: 'DIBAO',
      period: null,
      amount_at_risk: '720.00', // the new evidence alone
      evidence_count: 1,
      card: 'red', // at once for a repeat
      severity: 'high',
    });
    expect(repeat.explanation).toContain(`#${r01.id}`);
    const [rectified] = await find('R01', '42108719520903012X');
    expect(rectified).toMatchObject({ status: 'closed', outcome: 'rectified', evidence_count: 3, amount_at_risk: '2160.00' });
    // Checked again: the repeat has it all already.
    expect(await checkAll(app)).toMatchObject({ leadsRaised: 0, leadsUpdated: 0 });
  });

  it('does not let a rectified lead silence another rule for the same person', async () => {
    const [r01] = await find('R01', '42108719520903012X');
    await app.get(CloseLead).execute(new CloseLeadCommand(String(r01.id), 'rectified', 'test'));
    const file = path.join(env.dataDir, 'employees.csv');
    await writeFile(file, 'id_number,name,employer,from_date\n42108719520903012X,王建国,某单位,2020-01-01\n');
    await importRegistry(app, 'public-employees', file);
    const summary = await checkAll(app);
    expect(summary.byRule).toEqual({ R02: 1 });
    expect((await find('R02', '42108719520903012X'))[0]).toMatchObject({ evidence_count: 2, repeat_of: null }); // March and April
  });

  it("finds R03 through the household an official names as their own, in a batch's check and the full check, and follows the officials registry when it is replaced", async () => {
    const recipient = withCheckDigit('42108719700101011'); // paid 低保, listed in household H9001
    const neighbour = withCheckDigit('42108719700101012'); // paid 低保, listed in household H9002
    const members = path.join(env.dataDir, 'members.csv');
    await writeFile(members, `household_id,id_number,name,relation\nH9001,${recipient},周立新,户主\nH9002,${neighbour},郑春华,户主\n`);
    await importRegistry(app, 'household-members', members);
    // Neither official is in household-members: each names a household as their own. The one in
    // another county (421081, 石首市) is a look-alike: R03 wants the payment's county.
    const officials = path.join(env.dataDir, 'officials.csv');
    const official = withCheckDigit('42108719650505013');
    const elsewhere = withCheckDigit('42108119650505014');
    await writeFile(officials, `id_number,name,region_code,role,household_id\n${official},钱振国,421087101,村委会主任,H9001\n${elsewhere},冯志强,421081,村委委员,H9002\n`);
    await importRegistry(app, 'village-officials', officials);
    const paid = (period: string) => [
      `421087101,DIBAO,${period},${recipient},周立新,H9001,650.00,6222020100099990001,周立新,${period}-15,南海镇财政所`,
      `421087101,DIBAO,${period},${neighbour},郑春华,H9002,650.00,6222020100099990002,郑春华,${period}-15,南海镇财政所`,
    ];
    const stored = await batch(...paid('2024-05'));
    expect(await checkBatch(app, stored.batchId)).toMatchObject({ byRule: { R03: 1 } });
    const [lead] = await find('R03', recipient);
    expect(lead.explanation).toContain('村干部 钱振国（村委会主任）的家庭成员');
    expect(await find('R03', neighbour)).toEqual([]);
    expect(await checkAll(app)).toMatchObject({ leadsRaised: 0 });

    // The officials replaced by a registry without 钱振国: a later payment is no longer R03's.
    const replaced = path.join(env.dataDir, 'officials-replaced.csv');
    await writeFile(replaced, `id_number,name,region_code,role,household_id\n${elsewhere},冯志强,421081,村委委员,H9002\n`);
    const result = await app.get(ImportRegistry).execute(new ImportRegistryCommand('village-officials', replaced, 'officials-replaced.csv', 'test', true, false));
    expect(result.status).toBe('stored');
    const later = await batch(...paid('2024-06'));
    expect((await checkBatch(app, later.batchId)).byRule.R03).toBeUndefined();
    expect((await find('R03', recipient))[0]).toMatchObject({ id: lead.id, evidence_count: lead.evidence_count });
  });

  it('follows an official\'s new role and a recipient who leaves the household into R03\'s connections', async () => {
    const recipient = withCheckDigit('42108719700101021'); // paid 低保, in the official's household H9101
    const official = withCheckDigit('42108719650505023'); // listed in H9101 by household-members
    const members = path.join(env.dataDir, 'members-9101.csv');
    await writeFile(members, `household_id,id_number,name,relation\nH9101,${official},孙立平,户主\nH9101,${recipient},孙晓梅,女儿\n`);
    await importRegistry(app, 'household-members', members);
    const officials = path.join(env.dataDir, 'officials-9101.csv');
    const role = async (r: string) => {
      await writeFile(officials, `id_number,name,region_code,role,household_id\n${official},孙立平,421087101,${r},\n`);
      await importRegistry(app, 'village-officials', officials);
    };
    await role('村委委员');
    const paid = (period: string) => `421087101,DIBAO,${period},${recipient},孙晓梅,H9101,650.00,6222020100099990021,孙晓梅,${period}-15,南海镇财政所`;
    expect((await checkBatch(app, (await batch(paid('2024-05'))).batchId)).byRule).toMatchObject({ R03: 1 });
    const connection = () => app.query(`SELECT official_role, self FROM reg_official_connections WHERE id_number = $1`, [recipient]);
    expect(await connection()).toEqual([{ official_role: '村委委员', self: false }]);

    // The same official, a new role: the connection says so (the evidence of later payments too).
    await role('村支书');
    expect(await connection()).toEqual([{ official_role: '村支书', self: false }]);

    // The household register replaced by one where the recipient has a household of her own.
    await writeFile(members, `household_id,id_number,name,relation\nH9101,${official},孙立平,户主\nH9102,${recipient},孙晓梅,户主\n`);
    const result = await app.get(ImportRegistry).execute(new ImportRegistryCommand('household-members', members, 'members-9101.csv', 'test', true, false));
    expect(result.status).toBe('stored');
    expect(await connection()).toEqual([]);
    expect((await checkBatch(app, (await batch(paid('2024-06'))).batchId)).byRule.R03).toBeUndefined();
  });

  it('counts every new payment of a duplicate group that comes back', async () => {
    const [r06] = await find('R06', '421087196804120116');
    await app.get(CloseLead).execute(new CloseLeadCommand(String(r06.id), 'rectified', 'test'));
    const stored = await batch('421087102,DIBAO,2024-04,421087196804120116,李秀英,H0001,300.00,6222020100011111111,李秀英,2024-04-30,某镇财政所');
    expect((await checkBatch(app, stored.batchId)).byRule).toEqual({ R12: 1 });
    const repeat = (await find('R12', '421087196804120116')).find((l) => l.repeat_rule === 'R06')!;
    expect(repeat).toMatchObject({ repeat_of: r06.id, period: '2024-04', amount_at_risk: '300.00', evidence_count: 1 });
  });

  it('keeps a dismissed key dismissed and counts the new evidence there', async () => {
    const [r02] = await find('R02', '421087197501300130');
    await app.get(CloseLead).execute(new CloseLeadCommand(String(r02.id), 'dismissed', 'test'));
    const stored = await batch('421087101,DIBAO,2024-05,421087197501300130,赵志强,H0003,580.00,6222020100033333333,赵志强,2024-05-15,南海镇财政所');
    const summary = await checkBatch(app, stored.batchId);
    expect(summary).toMatchObject({ leadsRaised: 0, leadsUpdated: 1 });
    const all = await find('R02', '421087197501300130');
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ status: 'closed', outcome: 'dismissed', evidence_count: 3, late_evidence_count: 1, amount_at_risk: '1740.00' });
    expect(await find('R12', '421087197501300130')).toEqual([]);
  });

  it('reports a rule that throws while the others complete', async () => {
    const broken: RuleDefinition = {
      code: 'R99',
      version: 1,
      name: { zh: '坏规则', en: 'broken' },
      severity: 'low',
      amount: 'sum',
      repeatAmount: 'sum',
      explanation: '',
      sql: 'SELECT id AS disbursement_id FROM :scope s JOIN no_such_table x ON true',
    };
    // The live rules with a broken one among them (the run reads them from RuleCatalogue.live).
    const live = await app.get(RuleCatalogue).live();
    const catalogue = Object.assign(Object.create(RuleCatalogue.prototype) as RuleCatalogue, {
      onModuleInit: async () => undefined,
      live: async () => [...live.slice(0, 2), { ...broken, enabled: true, params: {} }, ...live.slice(2)],
      shadows: async () => [],
    });
    const other = await bootApp(env, { override: [[RuleCatalogue, catalogue]] });
    try {
      await batch('421087101,DIBAO,2024-07,42108719520903012X,王建国,H0002,720.00,6222020100022222222,王建国,2024-07-15,南海镇财政所');
      const runId = await other.get(RequestChecks).execute(new RequestChecksCommand('all', 'manual', 'test'));
      const summary = await other.get(RunChecks).execute(runId);
      expect(summary.failedRules.R99).toContain('no_such_table');
      expect(summary.updatedByRule.R01).toBe(1); // the July payment reached the open R01 lead
      const [run] = await other.query(`SELECT status FROM check_runs WHERE id = $1`, [runId]);
      expect(run.status).toBe('completed');
    } finally {
      await other.close();
    }
  });
});

describe(`the generator's population on ${primaryBackend().name}`, () => {
  let env: TestEnv;
  let app: TestApp;
  const population = new Population({ seed: 42, recipients: 400, months: ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06'], counties: 4, townshipsPerCounty: 3, plantedCopies: 2, registrySizes: { deceased: 300, 'public-employees': 300, 'village-officials': 100, 'household-members': 1500, vehicles: 200, businesses: 200 } });
  let raised: ExportedLead[];
  let summary: CheckRunSummary;
  /** Each rule's backtest before the first check: what going live would raise. */
  const before = new Map<string, BacktestResult>();

  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name);
    app = await bootApp(env);
    const files = await population.write(path.join(env.dataDir, 'population'));
    for (const kind of REGISTRY_KINDS) for (const file of files.registries[kind]) await importRegistry(app, kind, file);
    for (const file of files.batches) await importBatch(app, file);
    for (const rule of (await app.get(RuleCatalogue).live()).filter((r) => r.enabled && r.sql)) before.set(rule.code, await app.get(BacktestRule).execute(new BacktestRuleCommand(rule)));
    summary = await checkAll(app);
    expect(summary.failedRules).toEqual({});
    raised = await leads(app);
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('finds every planted anomaly and raises no look-alike: precision and recall 100 % per rule', () => {
    const scores = precisionRecall(population.expected, raised);
    for (const [rule, score] of Object.entries(scores)) {
      expect({ rule, missed: score.missed, unexpected: score.unexpected }).toEqual({ rule, missed: [], unexpected: [] });
    }
    expect(Object.keys(scores).sort()).toEqual(['R01', 'R02', 'R03', 'R04', 'R05', 'R06', 'R07', 'R08', 'R09', 'R10', 'R11', 'R13']);
  });

  it("finds the same hits in a check of every batch by id as in the full check, rule by rule (a statement's two paths agree)", async () => {
    const batches: { id: string }[] = await app.query(`SELECT id::text FROM disbursement_batches`);
    const everyBatch = `(SELECT * FROM disbursements WHERE ${batchCondition(batches.map((b) => b.id))})`;
    const hits = (sql: string) =>
      app.query(`SELECT disbursement_id::text, id_number, program_code, period, bank_account, facts::text FROM (${sql}) h ORDER BY 1, 2, 3, 4, 5, 6`);
    const rules = (await app.get(RuleCatalogue).live()).filter((r) => r.sql);
    expect(rules.map((r) => r.code)).toEqual(expect.arrayContaining(['R03', 'R06']));
    for (const rule of rules) {
      const full = await hits(ruleStatement(rule, ALL_PAYMENTS));
      expect(full.length).toBeGreaterThan(0);
      expect({ rule: rule.code, hits: await hits(ruleStatement(rule, everyBatch)) }).toEqual({ rule: rule.code, hits: full });
    }
  });

  it("backtests each rule to exactly what its check then raised: keys, payments and amounts", () => {
    expect(before.size).toBe(12);
    for (const [rule, result] of before) {
      const own = raised.filter((l) => l.rule === rule);
      const fen = own.reduce((sum, l) => sum + BigInt(l.amount_at_risk.replace('.', '')), 0n);
      const items = own.reduce((sum, l) => sum + l.evidence.payments.length + l.evidence.missed_months.length, 0);
      expect({ rule, keys: result.keys, added: result.added, hits: result.hits, amount: result.amountAtRisk, dropped: result.dropped }).toEqual({
        rule,
        keys: own.length,
        added: summary.byRule[rule] ?? 0,
        hits: items,
        amount: fenToYuan(fen),
        dropped: 0,
      });
      expect(result.addedAmountAtRisk).toBe(result.amountAtRisk);
    }
  });

  it('backtests against the present leads: nothing added or dropped, and the outcomes staff recorded', async () => {
    const [rectified, dismissed] = raised.filter((l) => l.rule === 'R01');
    await app.get(CloseLead).execute(new CloseLeadCommand(String(rectified.id), 'rectified', 'test'));
    await app.get(CloseLead).execute(new CloseLeadCommand(String(dismissed.id), 'dismissed', 'test'));
    const r01 = await app.get(RuleCatalogue).forBacktest('R01');
    const again = await app.get(BacktestRule).execute(new BacktestRuleCommand(r01));
    expect(again).toMatchObject({ keys: before.get('R01')!.keys, added: 0, dropped: 0, confirmed: 1, dismissed: 1, addedKeys: [] });
    // A version that finds nothing drops every key, and lists the leads it drops.
    const never = await app.get(BacktestRule).execute(new BacktestRuleCommand({ ...r01, sql: `${r01.sql} AND false` }));
    expect(never).toMatchObject({ hits: 0, keys: 0, amountAtRisk: '0.00', added: 0, dropped: before.get('R01')!.keys });
    expect(never.droppedKeys.map((k) => k.leadId).sort()).toEqual(raised.filter((l) => l.rule === 'R01').map((l) => String(l.id)).sort());
  });

  it('backtests a proposed change to exactly what approving it then raises', async () => {
    const admins: Actor[] = [];
    for (const username of ['bt.maker', 'bt.checker']) {
      const user = await app.get(CreateUser).execute(new CreateUserCommand(username, username, 'admin', '', TEST_PASSWORD));
      admins.push({ userId: user.id, username, role: 'admin', scope: '' });
    }
    // Two people on one account, even of one household, is enough: more accounts, more keys.
    const draft = await app.get(ProposeRuleChange).execute(new ProposeRuleChangeCommand('R09', { params: { minIds: 2, minHouseholds: 1 } }, admins[0], '两人共用一卡也要核查'));
    const backtest = await app.get(BacktestRule).execute(new BacktestRuleCommand(await app.get(RuleCatalogue).forBacktest('R09', draft.changeId)));
    expect(backtest).toMatchObject({ rule: 'R09', version: 2, dropped: 0 });
    expect(backtest.added).toBeGreaterThan(0);
    await app.get(ApproveRuleChange).execute(new ApproveRuleChangeCommand(draft.changeId, admins[1]));
    const wentLive = await checkAll(app);
    expect(wentLive.byRule.R09).toBe(backtest.added);
    const added = (await leads(app)).filter((l) => l.rule === 'R09' && l.rule_version === 2);
    expect(added.map((l) => l.bank_account).sort()).toEqual(backtest.addedKeys.map((k) => k.bank_account).sort());
    expect(fenToYuan(added.reduce((sum, l) => sum + BigInt(l.amount_at_risk.replace('.', '')), 0n))).toBe(backtest.addedAmountAtRisk);
  });

  it('runs an approved version in shadow until its day, keeps its would-be leads apart, compares them, and goes live on a second decision', async () => {
    const admins: Actor[] = [];
    for (const username of ['sh.maker', 'sh.checker']) {
      const user = await app.get(CreateUser).execute(new CreateUserCommand(username, username, 'admin', '', TEST_PASSWORD));
      admins.push({ userId: user.id, username, role: 'admin', scope: '' });
    }
    const draft = await app.get(ProposeRuleChange).execute(new ProposeRuleChangeCommand('R09', { params: { minIds: 2, minHouseholds: 2 } }, admins[0], '两人以上、两户以上共用一卡'));
    const approved = await app.get(ApproveRuleChange).execute(new ApproveRuleChangeCommand(draft.changeId, admins[1], '2099-01-01'));
    const leadsBefore = (await leads(app)).filter((l) => l.rule === 'R09').map((l) => [l.id, l.amount_at_risk, l.evidence_count]);

    const run = await checkAll(app);
    expect(run.byRule.R09 ?? 0).toBe(0); // the live version found everything already; the shadow raises nothing
    expect((await leads(app)).filter((l) => l.rule === 'R09').map((l) => [l.id, l.amount_at_risk, l.evidence_count])).toEqual(leadsBefore);
    const shadow = await app.get(CompareShadow).execute(draft.changeId);
    const backtest = await app.get(BacktestRule).execute(new BacktestRuleCommand(await app.get(RuleCatalogue).forBacktest('R09', draft.changeId)));
    expect(shadow).toMatchObject({ changeId: draft.changeId, version: approved.version, inShadow: true, runs: 1 });
    const figures = (r: BacktestResult) => [r.hits, r.keys, r.amountAtRisk, r.added, r.addedAmountAtRisk, r.dropped];
    expect(figures(shadow)).toEqual(figures(backtest)); // a full run sees all the data, as a backtest does

    await expect(app.get(GoLive).execute(new GoLiveCommand(draft.changeId, admins[0]))).rejects.toThrow(/不能让自己提出的规则变更生效/);
    expect(await app.get(GoLive).execute(new GoLiveCommand(draft.changeId, admins[1]))).toEqual({ changeId: draft.changeId, status: 'approved', version: approved.version });
    const live = await checkAll(app);
    expect(live.byRule.R09 ?? 0).toBe(shadow.added);
    expect((await app.get(CompareShadow).execute(draft.changeId)).inShadow).toBe(false);
  });

  const byKind = (kind: PlantedCase['kind']) => population.cases.filter((c) => c.kind === kind).map((c) => [c.rule, c.description, c] as const);
  it.each(byKind('positive'))('%s raises: %s', (rule, _description, planted) => {
    const hit = raised.filter((l) => l.rule === rule && (l.id_number === planted.id_number || l.evidence.payments.some((p) => p.id_number === planted.id_number)));
    expect(hit.length).toBeGreaterThan(0);
  });
  it.each(byKind('look-alike'))('%s stays quiet: %s', (rule, _description, planted) => {
    const hit = raised.filter((l) => l.rule === rule && (l.id_number === planted.id_number || l.evidence.payments.some((p) => p.id_number === planted.id_number)));
    expect(hit).toEqual([]);
  });
});

/**
 * R13 as CONTRACT §4 words it, over the generator's own rows: whom a universal program is owed
 * to and not paid, by ID number. The planted cases are checked against this, without a database.
 */
function entitledButUnpaid(population: Population): Set<string> {
  const universal = readProgramCatalogue(path.join(process.cwd(), 'config')).filter((p) => p.universal);
  const died = new Map([...population.registries.deceased].map(([id, , date]) => [id!, date!]));
  const paid = new Set([...population.payments()].map((p) => `${p.idNumber}|${p.program}|${p.period}`));
  const owed = new Set<string>();
  for (const program of universal) {
    const paying = new Map<string, Set<string>>(); // county → months it paid the program
    for (const p of [...population.payments()].filter((p) => p.program === program.code)) {
      paying.set(p.region.slice(0, 6), (paying.get(p.region.slice(0, 6)) ?? new Set()).add(p.period));
    }
    for (const [id, , region, , from, to] of population.registries.residents) {
      for (const month of paying.get(region!.slice(0, 6)) ?? []) {
        const start = `${month}-01`;
        const end = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)), 0)).toISOString().slice(0, 10);
        if (from! > end || (to && to < start)) continue;
        const birth = { y: Number(id!.slice(6, 10)), md: id!.slice(10, 14) };
        const age = Number(month.slice(0, 4)) - birth.y - (`${month.slice(5)}01` < birth.md ? 1 : 0);
        if (age < (program.minAge ?? 0) || age > (program.maxAge ?? 150)) continue;
        if ((died.get(id!) ?? '9999') <= end || paid.has(`${id}|${program.code}|${month}`)) continue;
        owed.add(`${id}|${program.code}`);
      }
    }
  }
  return owed;
}

describe("the generator's residents and R13 cases", () => {
  const months = (n: number) => Array.from({ length: n }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);
  const populations: [string, PopulationOptions][] = [
    ['the rule test population', { seed: 42, recipients: 400, months: months(6), counties: 4, townshipsPerCounty: 3, plantedCopies: 2 }],
    ['the demo population', { seed: 20240601, recipients: 300, months: months(6), counties: 3, townshipsPerCounty: 4, countyCodes: ['421087', '131121', '421081'], plantedCopies: 1 }],
    ['a year of many copies, with young background residents', { seed: 7, recipients: 3000, months: months(12), counties: 8, townshipsPerCounty: 5, plantedCopies: 5, registrySizes: { residents: 4000, deceased: 500 } }],
    ['no background at all', { seed: 3, recipients: 0, months: months(3), counties: 2, townshipsPerCounty: 1, plantedCopies: 1 }],
  ];

  it.each(populations)('%s: residents cover every 高龄津贴 recipient, with real townships and dates', (_name, options) => {
    const population = new Population(options);
    const residents = new Set([...population.registries.residents].map(([id]) => id));
    for (const p of [...population.payments()].filter((p) => p.program === 'GAOLING')) expect(residents.has(p.idNumber)).toBe(true);
    const townships = new Set(allTownships().map((t) => t.code));
    for (const [id, , region, , from, to] of population.registries.residents) {
      expect(townships.has(region!)).toBe(true);
      expect(from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(from! >= `${id!.slice(6, 10)}-${id!.slice(10, 12)}-${id!.slice(12, 14)}`).toBe(true);
      if (to) expect(to > from!).toBe(true);
    }
    // Bounded by recipients: one row each, and the planted residents who are paid nothing.
    const payees = new Set([...population.payments()].map((p) => p.idNumber)).size;
    expect(population.registries.residents.length).toBeLessThanOrEqual(Math.max(options.registrySizes?.residents ?? 0, payees + 4 * options.plantedCopies));
  });

  it.each(populations)('%s: R13 as CONTRACT §4 words it owes exactly the planted cases', (_name, options) => {
    const population = new Population(options);
    const planted = population.expected.filter((l) => l.rule === 'R13');
    expect(planted.map((l) => [l.program_code, l.period, l.bank_account])).toEqual(planted.map(() => ['GAOLING', null, null]));
    expect(new Set(planted.map((l) => `${l.id_number}|${l.program_code}`))).toEqual(entitledButUnpaid(population));
    const cases = population.cases.filter((c) => c.rule === 'R13');
    expect(cases.filter((c) => c.kind === 'positive')).toHaveLength(2 * options.plantedCopies);
    expect(cases.filter((c) => c.kind === 'look-alike').map((c) => c.description).sort()).toEqual(
      Array.from({ length: options.plantedCopies }, () => [
        '高龄津贴 paid every month by another county',
        'died at 90 in the first month, never paid',
        'moved away before the first month',
        '79 at the start of every month (80 after the last one began)',
        '85, in a county that never pays 高龄津贴',
        '85 on 低保, not in residents',
      ]).flat().sort(),
    );
  });
});

/**
 * config/rules.json seeds version 1 of each rule when an installation has none (the test
 * template was started once already, with the shipped file: its versions are forgotten here).
 */
async function forgetRuleVersions(env: TestEnv): Promise<void> {
  const app = await bootApp(env);
  await app.query(`DELETE FROM rule_versions`);
  await app.close();
}

describe(`rules configured without code changes (${primaryBackend().name})`, () => {
  it('disables a rule and re-parameterises another from config/rules.json (version 1 of a new installation)', async () => {
    const { cp, readFile } = await import('node:fs/promises');
    const env = await freshEnv(primaryBackend().name);
    const configDir = path.join(env.dataDir, 'config');
    await cp(path.join(process.cwd(), 'config'), configDir, { recursive: true });
    const rules = JSON.parse(await readFile(path.join(configDir, 'rules.json'), 'utf8'));
    rules.rules.R10 = { enabled: false };
    rules.rules.R07 = { severity: 'high' };
    await writeFile(path.join(configDir, 'rules.json'), JSON.stringify(rules));
    await forgetRuleVersions(env);
    env.env.SUNLIGHT_CONFIG_DIR = configDir;
    const app = await bootApp(env);
    try {
      await loadSamples(app);
      const summary = await checkAll(app);
      expect(summary.byRule.R10).toBeUndefined();
      expect(summary.byRule.R07).toBe(1);
      expect((await leads(app)).find((l) => l.rule === 'R07')?.severity).toBe('high');
    } finally {
      await app.close();
      await env.cleanup();
    }
  });

  it('lists the live rules on the command line as CONTRACT §5 prints them (rules list)', async () => {
    const { cp, readFile } = await import('node:fs/promises');
    const env = await freshEnv(primaryBackend().name);
    try {
      const configDir = path.join(env.dataDir, 'config');
      await cp(path.join(process.cwd(), 'config'), configDir, { recursive: true });
      const rules = JSON.parse(await readFile(path.join(configDir, 'rules.json'), 'utf8'));
      rules.rules.R10 = { enabled: false };
      rules.rules.R09 = { params: { minIds: 4 } };
      await writeFile(path.join(configDir, 'rules.json'), JSON.stringify(rules));
      await forgetRuleVersions(env);
      const listed = await cli({ ...env, env: { ...env.env, SUNLIGHT_CONFIG_DIR: configDir } }, 'rules', 'list');
      expect(listed.code).toBe(0);
      const byCode = Object.fromEntries((listed.json as { rules: { code: string }[] }).rules.map((r) => [r.code, r]));
      expect(Object.keys(byCode)).toEqual(['R01', 'R02', 'R03', 'R04', 'R05', 'R06', 'R07', 'R08', 'R09', 'R10', 'R11', 'R12', 'R13']);
      expect(byCode.R01).toEqual({ code: 'R01', version: 1, enabled: true, severity: 'high', params: { graceMonths: 0 } });
      expect(byCode.R10).toMatchObject({ enabled: false });
      expect(byCode.R09).toMatchObject({ enabled: true, params: { minIds: 4, minHouseholds: 2 } });
      expect(listed.stderr).toContain('一卡多人');
    } finally {
      await env.cleanup();
    }
  });
});
