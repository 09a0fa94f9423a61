import path from 'node:path';
import { CreateUser, CreateUserCommand } from '@sunlight/accounts';
import { FixedClock, type Actor } from '@sunlight/common';
import { ImportBatch, ImportBatchCommand, ImportRegistry, ImportRegistryCommand, REGISTRY_KINDS } from '@sunlight/ingestion';
import { ExportLeads, type ExportedLead } from '@sunlight/leads';
import { DecideProgramChange, DecideProgramChangeCommand, ProgramsService, ProposeProgramChange, ProposeProgramChangeCommand } from '@sunlight/programs';
import {
  ApproveRuleChange,
  ApproveRuleChangeCommand,
  DiffRuleChange,
  ListRuleVersions,
  ProposeRuleChange,
  ProposeRuleChangeCommand,
  RejectRuleChange,
  RejectRuleChangeCommand,
  RequestChecks,
  RequestChecksCommand,
  RuleCatalogue,
  RunChecks,
} from '@sunlight/rules';
import { SAMPLES, TEST_PASSWORD, apiClient, bootApp, cli, freshEnv, login, primaryBackend, startServer, type TestApp, type TestEnv } from './support/harness.js';

// Issue 14: rule settings are versions in the database; a change is a draft that a second admin
// approves (maker-checker), live from a stated day. "Today" is a fixed clock, never the wall clock.

describe(`rule versions (${primaryBackend().name})`, () => {
  let env: TestEnv;
  let app: TestApp;
  const clock = new FixedClock(new Date('2026-12-01T09:00:00+08:00'));
  const actors: Record<string, Actor> = {};

  const propose = (actor: string, rule: string, changes: ConstructorParameters<typeof ProposeRuleChangeCommand>[1], reason = '政策调整') =>
    app.get(ProposeRuleChange).execute(new ProposeRuleChangeCommand(rule, changes, actors[actor], reason));
  const approve = (actor: string, changeId: string, from?: string) => app.get(ApproveRuleChange).execute(new ApproveRuleChangeCommand(changeId, actors[actor], from));
  const liveOf = async (code: string) => (await app.get(RuleCatalogue).live()).find((r) => r.code === code)!;

  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name);
    app = await bootApp(env, { clock });
    for (const [username, role] of [['rv.maker', 'admin'], ['rv.checker', 'admin'], ['rv.inspector', 'inspector']]) {
      const user = await app.get(CreateUser).execute(new CreateUserCommand(username, username, role, '', TEST_PASSWORD));
      actors[username] = { userId: user.id, username, role: role as Actor['role'], scope: '' };
    }
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('refuses drafts that break the parameter declarations, naming the parameter and the range', async () => {
    await expect(propose('rv.maker', 'R01', { params: { graceMonths: 13 } })).rejects.toThrow(/params\.graceMonths（.*）应为整数 0–12，得到 13/);
    await expect(propose('rv.maker', 'R01', { params: { graceMonths: 1.5 } })).rejects.toThrow(/应为整数 0–12/);
    await expect(propose('rv.maker', 'R09', { params: { minPeople: 4 } })).rejects.toThrow(/R09 没有参数 minPeople（可用参数：minIds, minHouseholds）/);
    await expect(propose('rv.maker', 'R99', { enabled: false })).rejects.toThrow(/没有规则 R99/);
    await expect(propose('rv.maker', 'R07', { severity: 'urgent' })).rejects.toThrow(/severity: 应为 low、medium、high 之一/);
    await expect(propose('rv.maker', 'R07', { enabled: false }, ' ')).rejects.toThrow(/须说明理由/);
    await expect(propose('rv.inspector', 'R07', { enabled: false })).rejects.toThrow(/只有系统管理员/);
  });

  it('refuses self-approval; a second admin approves for a later day, live from that day; new leads carry the new version', async () => {
    const draft = await propose('rv.maker', 'R01', { params: { graceMonths: 1 } }, '死亡次月的发放多为时差，给一个月宽限');
    expect(draft).toEqual({ changeId: expect.any(String), rule: 'R01', status: 'pending' });
    await expect(approve('rv.maker', draft.changeId)).rejects.toThrow('不能审批自己提出的规则变更：须由另一名管理员审批');
    await expect(approve('rv.inspector', draft.changeId)).rejects.toThrow(/只有系统管理员/);
    await expect(approve('rv.checker', draft.changeId, '2027-02-30')).rejects.toThrow(/from: 应为日期 YYYY-MM-DD/);

    const pending = await app.get(ListRuleVersions).changes('pending', actors['rv.checker']);
    expect(pending.map((c) => [c.id, c.mayDecide])).toEqual([[draft.changeId, true]]);
    expect((await app.get(ListRuleVersions).changes('pending', actors['rv.maker']))[0].mayDecide).toBe(false);

    expect(await approve('rv.checker', draft.changeId, '2027-01-01')).toEqual({ changeId: draft.changeId, status: 'approved', version: 2 });
    await expect(approve('rv.checker', draft.changeId)).rejects.toThrow(/已批准，不能再次审批/);
    expect(await app.get(DiffRuleChange).execute(draft.changeId)).toMatchObject({ rule: 'R01', version: 2, against: 1, changes: [{ field: 'params.graceMonths', from: 0, to: 1 }] });

    // Until its day the live version is unchanged; from 00:00 (Asia/Shanghai) that day, the new one.
    expect(await liveOf('R01')).toMatchObject({ version: 1, params: { graceMonths: 0 } });
    expect((await app.get(ListRuleVersions).ofRule('R01', actors['rv.checker'])).map((v) => [v.version, v.state])).toEqual([[2, 'scheduled'], [1, 'live']]);
    clock.set(new Date('2026-12-31T23:59:59+08:00'));
    expect((await liveOf('R01')).version).toBe(1);
    clock.set(new Date('2027-01-01T00:00:00+08:00'));
    expect(await liveOf('R01')).toMatchObject({ version: 2, params: { graceMonths: 1 } });
    expect((await app.get(ListRuleVersions).ofRule('R01', actors['rv.checker'])).map((v) => [v.version, v.state])).toEqual([[2, 'live'], [1, 'superseded']]);

    // 王建国 died 2024-02-10 and was paid for March and April: with a month's grace only April counts.
    for (const kind of REGISTRY_KINDS) {
      expect((await app.get(ImportRegistry).execute(new ImportRegistryCommand(kind, path.join(SAMPLES, `${kind}.csv`), `${kind}.csv`, 'test', false, false))).status).toBe('stored');
    }
    for (const file of ['batch-421087-2024Q2.csv', 'batch-131121-2024-04.csv']) {
      expect((await app.get(ImportBatch).execute(new ImportBatchCommand(path.join(SAMPLES, file), file, 'test', '', false))).status).toBe('stored');
    }
    const runId = await app.get(RequestChecks).execute(new RequestChecksCommand('all', 'manual', 'test'));
    await app.get(RunChecks).execute(runId);
    const leads: ExportedLead[] = [];
    for await (const lead of app.get(ExportLeads).execute()) leads.push(lead);
    expect(leads.find((l) => l.rule === 'R01')).toMatchObject({ id_number: '42108719520903012X', rule_version: 2, evidence_count: 1, amount_at_risk: '720.00' });
    expect(leads.find((l) => l.rule === 'R02')).toMatchObject({ rule_version: 1 });
  });

  it('a rejected change keeps no version and changes nothing; every proposal and decision is audited', async () => {
    const draft = await propose('rv.maker', 'R07', { params: { toleranceYuan: 50 } });
    await expect(app.get(RejectRuleChange).execute(new RejectRuleChangeCommand(draft.changeId, actors['rv.checker'], ''))).rejects.toThrow(/须说明理由/);
    await expect(app.get(RejectRuleChange).execute(new RejectRuleChangeCommand(draft.changeId, actors['rv.maker'], '撤回'))).rejects.toThrow(/不能审批自己提出的/);
    expect(await app.get(RejectRuleChange).execute(new RejectRuleChangeCommand(draft.changeId, actors['rv.checker'], '超标一律预警'))).toEqual({ changeId: draft.changeId, status: 'rejected', version: null });
    expect(await liveOf('R07')).toMatchObject({ version: 1, params: { toleranceYuan: 0 } });
    const events = await app.query(`SELECT action, subject_id, actor_name FROM audit_events WHERE subject_type = 'rule' AND data->>'changeId' = $1 ORDER BY id`, [draft.changeId]);
    expect(events.map((e) => [e.action, e.subject_id, e.actor_name])).toEqual([
      ['rule.propose', 'R07', 'rv.maker'],
      ['rule.reject', 'R07', 'rv.checker'],
    ]);
  });

  it('proposes and decides on the command line as CONTRACT §5 prints it', async () => {
    const bad = await cli(env, 'rules', 'propose', 'R09', '--params', '{"minIds":1}', '--user', 'rv.maker', '--reason', '试');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('应为整数 2–100');
    const proposed = await cli(env, 'rules', 'propose', 'R09', '--params', '{"minIds":4}', '--user', 'rv.maker', '--reason', '三人一卡多为家属代领');
    expect(proposed.code).toBe(0);
    expect(proposed.json).toEqual({ changeId: expect.any(String), rule: 'R09', status: 'pending' });
    const backtest = await cli(env, 'rules', 'backtest', 'R09', '--change', proposed.json.changeId);
    expect(backtest.code).toBe(0);
    expect(backtest.json).toEqual({ rule: 'R09', version: 2, hits: expect.any(Number), keys: expect.any(Number), amountAtRisk: expect.stringMatching(/^\d+\.\d{2}$/), added: expect.any(Number), dropped: expect.any(Number), confirmed: expect.any(Number), dismissed: expect.any(Number), addedAmountAtRisk: expect.stringMatching(/^\d+\.\d{2}$/) });
    expect((await cli(env, 'rules', 'backtest', 'R12')).code).toBe(2); // R12 has no statement of its own
    const own = await cli(env, 'rules', 'approve', proposed.json.changeId, '--user', 'rv.maker');
    expect(own.code).toBe(2);
    expect(own.stderr).toContain('不能审批自己提出的规则变更');
    const approved = await cli(env, 'rules', 'approve', proposed.json.changeId, '--user', 'rv.checker');
    expect(approved.code).toBe(0);
    expect(approved.json).toEqual({ changeId: proposed.json.changeId, status: 'approved', version: 2 });
    const listed = await cli(env, 'rules', 'list');
    expect(listed.json.rules.find((r: { code: string }) => r.code === 'R09')).toEqual({ code: 'R09', version: 2, enabled: true, severity: 'high', params: { minIds: 4, minHouseholds: 2 } });
  });

  it('answers admins over HTTP: a refused draft names the parameter, the approvals waiting, self-approval 403, approve, diff', async () => {
    const server = await startServer(env);
    try {
      const api = apiClient(() => server.url);
      const maker = await login(server.url, 'rv.maker');
      const checker = await login(server.url, 'rv.checker');
      const refused = await api('POST', '/api/rule-changes', maker, { rule: 'R07', params: { toleranceYuan: -1 }, reason: '试' });
      expect(refused.status).toBe(422);
      expect(refused.json.errors).toEqual([{ field: 'params.toleranceYuan', message: expect.stringContaining('应为数值 0–100000') }]);
      const proposed = await api('POST', '/api/rule-changes', maker, { rule: 'R07', params: { toleranceYuan: 0.5 }, reason: '角分误差不算超标' });
      expect(proposed.status).toBe(201);
      const { changeId } = proposed.json;
      expect(proposed.json).toEqual({ changeId, rule: 'R07', status: 'pending' });
      const waiting = await api('GET', '/api/rule-changes?status=pending', checker);
      expect(waiting.json).toContainEqual(expect.objectContaining({ changeId, rule: 'R07', state: 'pending', author: 'rv.maker', mayDecide: true, params: { toleranceYuan: 0.5 } }));

      // A backtest of the draft runs as a job; the row says how far it got, then its figures.
      const queued = await api('POST', '/api/rules/R07/backtests', checker, { changeId });
      expect(queued.status).toBe(202);
      let backtest = (await api('GET', `/api/rule-backtests/${queued.json.id}`, checker)).json;
      for (let i = 0; i < 300 && !['completed', 'failed'].includes(backtest.status); i++) {
        await new Promise((r) => setTimeout(r, 100));
        backtest = (await api('GET', `/api/rule-backtests/${queued.json.id}`, checker)).json;
      }
      expect(backtest).toMatchObject({ rule: 'R07', changeId, version: 2, status: 'completed', stage: 'done', error: null, requestedBy: 'rv.checker' });
      expect(backtest.result).toMatchObject({ rule: 'R07', version: 2, addedKeys: expect.any(Array), droppedKeys: expect.any(Array), amountAtRisk: expect.stringMatching(/^\d+\.\d{2}$/) });
      expect((await api('GET', '/api/rules/R07/backtests', checker)).json[0]).toMatchObject({ id: queued.json.id, status: 'completed' });
      expect((await api('POST', '/api/rules/R12/backtests', checker, {})).status).toBe(422);
      expect((await api('POST', '/api/rules/R01/backtests', checker, { changeId })).status).toBe(422); // the change is R07's
      expect((await api('POST', '/api/rules/R07/backtests', maker, { changeId: 'x' })).status).toBe(400); // not a change id

      const own = await api('POST', `/api/rule-changes/${changeId}/approve`, maker, {});
      expect(own.status).toBe(403);
      expect(own.json.message).toContain('不能审批自己提出的规则变更');
      expect((await api('POST', `/api/rule-changes/${changeId}/approve`, checker, {})).json).toEqual({ changeId, status: 'approved', version: 2 });
      expect((await api('POST', `/api/rule-changes/${changeId}/reject`, checker, { reason: '晚了' })).status).toBe(409);
      expect((await api('GET', `/api/rule-changes/${changeId}/diff?against=1`, checker)).json).toEqual({ changeId, rule: 'R07', version: 2, against: 1, changes: [{ field: 'params.toleranceYuan', from: 0, to: 0.5 }] });
      const versions = (await api('GET', '/api/rules/R07/versions', checker)).json.map((v: { version: number; state: string }) => [v.version, v.state]);
      expect(versions[0]).toEqual([2, 'live']);
      expect(versions).toContainEqual([1, 'superseded']);
      const r07 = (await api('GET', '/api/rules', checker)).json.find((r: { code: string }) => r.code === 'R07');
      expect(r07).toMatchObject({ version: 2, parameters: [{ name: 'toleranceYuan', value: 0.5, defaultValue: 0, type: 'number', min: 0, max: 100000 }] });
      expect((await api('GET', '/api/labels', checker)).json).toMatchObject({ ruleChangeStatus: { pending: '待审批' }, ruleVersionState: { live: '现行版本' } });
    } finally {
      await server.stop();
    }
  });

  it('program settings are versions too: a cap approved for a later day reaches the programs table the rules join when its day comes', async () => {
    const cap = async (code: string) => (await app.query(`SELECT cap_fen::text FROM programs WHERE code = $1`, [code]))[0].cap_fen;
    const proposeProgram = (actor: string, code: string, changes: ConstructorParameters<typeof ProposeProgramChangeCommand>[1]) =>
      app.get(ProposeProgramChange).execute(new ProposeProgramChangeCommand(code, changes, actors[actor], '标准调整'));
    const decide = (actor: string, id: string, decision: 'approve' | 'reject', options = {}) => app.get(DecideProgramChange).execute(new DecideProgramChangeCommand(id, decision, actors[actor], options));
    clock.set(new Date('2027-03-01T09:00:00+08:00'));
    await expect(proposeProgram('rv.maker', 'DIBAO', { cap: '-5' })).rejects.toThrow(/cap: 应为正的金额/);
    await expect(proposeProgram('rv.maker', 'DIBAO', { minAge: 200 })).rejects.toThrow(/minAge: 应为整数 0–150/);
    await expect(proposeProgram('rv.maker', 'NOPE', { cap: '1' })).rejects.toThrow(/没有资金项目 NOPE/);

    const later = await proposeProgram('rv.maker', 'DIBAO', { cap: '1000' });
    expect(later).toEqual({ changeId: expect.any(String), program: 'DIBAO', status: 'pending' });
    await expect(decide('rv.maker', later.changeId, 'approve')).rejects.toThrow('不能审批自己提出的资金项目变更');
    expect(await decide('rv.checker', later.changeId, 'approve', { from: '2027-04-01' })).toEqual({ changeId: later.changeId, status: 'approved', version: 2 });
    const run = async () => app.get(RunChecks).execute(await app.get(RequestChecks).execute(new RequestChecksCommand('all', 'manual', 'test')));
    await run();
    expect(await cap('DIBAO')).toBe('120000');
    clock.set(new Date('2027-04-01T00:00:00+08:00'));
    await run(); // a run starts by applying the program versions whose day has come
    expect(await cap('DIBAO')).toBe('100000');
    expect(app.get(ProgramsService).get('DIBAO')!.capFen).toBe(100000n);

    const now = await proposeProgram('rv.checker', 'TEKUN', { cap: '1,600.00' });
    await decide('rv.maker', now.changeId, 'approve');
    expect(await cap('TEKUN')).toBe('160000'); // approved for at once: at once
    const events = await app.query(`SELECT action FROM audit_events WHERE subject_type = 'program' ORDER BY id`);
    expect(events.map((e) => e.action)).toEqual(['program.propose', 'program.approve', 'program.propose', 'program.approve']);

    const cli1 = await cli(env, 'programs', 'propose', 'GAOLING', '--cap', '350', '--user', 'rv.maker', '--reason', '提标');
    expect(cli1.code).toBe(0);
    expect(cli1.json).toEqual({ changeId: expect.any(String), program: 'GAOLING', status: 'pending' });
  });
});
