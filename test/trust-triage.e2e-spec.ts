import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConflictError } from '@sunlight/common';
import { CloseLead, CloseLeadCommand } from '@sunlight/leads';
import { bootApp, cli, createUser, freshEnv, login, primaryBackend, startServer, type RunningServer, type TestApp, type TestEnv } from './support/harness.js';

/**
 * Issue 11: the command line's `leads close` goes through the one lead lifecycle; amounts typed
 * by people follow the rules of amounts in files and stay within a lead's evidence unless a
 * reason is given; simulating a card sweep for another day changes nothing unless told to.
 */

const PAYMENTS = 'region_code,program_code,period,id_number,name,household_id,amount,bank_account,account_holder,paid_on,payer';
/** Two deceased recipients: 周大年 paid 6 × 1,100.00 after his death, 王建国 2 × 720.00. */
const ZHOU = '421087194503050039';
const WANG = '42108719520903012X';

describe(`trustworthy triage (${primaryBackend().name})`, () => {
  let env: TestEnv;
  let server: RunningServer;
  let app: TestApp;
  let token: string;
  let admin: string;
  let inspectorId: string;
  let seq = 0;
  const query = (sql: string, params?: unknown[]) => app.query(sql, params);

  /** A lead in the given state, with no evidence of its own (its amount at risk is the ceiling). */
  const seed = async (status = 'new', extra: { dueOn?: string; verdict?: string; outcome?: string; confirmedFen?: number; atRiskFen?: number; region?: string; createdAt?: string } = {}) => {
    const [row] = await query(
      `INSERT INTO leads (rule_code, rule_version, severity, status, lead_key, region_code, amount_at_risk_fen, due_on, program_code, name, id_number, explanation, verdict, outcome, amount_confirmed_fen, created_at)
       VALUES ('R01', 1, 'high', $1, $2, $8, $3, $4::date, 'DIBAO', '张三', '421087198001010011', '测试线索', $5, $6, $7, coalesce($9::timestamptz, now())) RETURNING id::text`,
      [status, `TRUST|${process.pid}|${++seq}`, extra.atRiskFen ?? 120000, extra.dueOn ?? null, extra.verdict ?? null, extra.outcome ?? null, extra.confirmedFen ?? null, extra.region ?? '421087101', extra.createdAt ?? null],
    );
    return row.id as string;
  };
  const lead = async (id: string) => (await query(`SELECT status, outcome, verdict, verified_at, rectified_at, closed_at, amount_confirmed_fen::text, card FROM leads WHERE id = $1`, [id]))[0];
  const trail = (id: string) => query(`SELECT action, reason, data FROM audit_events WHERE subject_type = 'lead' AND subject_id = $1 ORDER BY id`, [id]);
  const call = async (method: string, url: string, who: string, body?: unknown) => {
    const res = await fetch(`${server.url}${url}`, { method, headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as any };
  };
  const act = (id: string, action: string, extra: Record<string, unknown> = {}) => call('POST', `/api/leads/${id}/actions`, token, { action, ...extra });
  const ruleLead = async (idNumber: string) => (await query(`SELECT id::text FROM leads WHERE rule_code = 'R01' AND id_number = $1`, [idNumber]))[0].id as string;

  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name, { SUNLIGHT_LOGIN_RATE: '1000' });
    await createUser(env, 'in.songzi', 'inspector', '421087');
    await createUser(env, 'admin', 'admin', '');
    const deceased = path.join(env.dataDir, 'deceased.csv');
    await writeFile(deceased, `id_number,name,death_date\n${ZHOU},周大年,2024-01-20\n${WANG},王建国,2024-02-10\n`);
    const rows = ['03', '04', '05', '06', '07', '08'].map((m, i) => `421087101,DIBAO,2024-${m},${ZHOU},周大年,H0101,"1,100.00",62220201000${i}0101010,,2024-${m}-15,南海镇财政所`);
    rows.push(`421087101,DIBAO,2024-03,${WANG},王建国,H0102,720.00,6222020100022222222,,2024-03-15,南海镇财政所`);
    rows.push(`421087101,DIBAO,2024-04,${WANG},王建国,H0102,720.00,6222020100022222222,,2024-04-15,南海镇财政所`);
    const batch = path.join(env.dataDir, 'batch.csv');
    await writeFile(batch, [PAYMENTS, ...rows].join('\n') + '\n');
    expect((await cli(env, 'registry', 'import', 'deceased', deceased)).code).toBe(0);
    expect((await cli(env, 'batch', 'import', batch)).code).toBe(0);
    expect((await cli(env, 'checks', 'run')).json.byRule).toEqual({ R01: 2 });
    server = await startServer(env);
    token = await login(server.url, 'in.songzi');
    admin = await login(server.url, 'admin');
    app = await bootApp(env);
    [{ id: inspectorId }] = await query(`SELECT id::text FROM users WHERE username = 'in.songzi'`);
  });
  afterAll(async () => {
    await app?.close();
    await server?.stop();
    await env?.cleanup();
  });

  describe('leads close (CONTRACT §5) is a step of the lifecycle', () => {
    it('closes a new lead as rectified or dismissed from the command line, inventing no confirmation, audited as one step', async () => {
      const rectified = await seed();
      let run = await cli(env, 'leads', 'close', rectified, '--as', 'rectified');
      expect(run.code).toBe(0);
      expect(run.json).toEqual({ id: Number(rectified), status: 'closed', outcome: 'rectified' });
      expect(await lead(rectified)).toMatchObject({ status: 'closed', outcome: 'rectified', verdict: null, verified_at: null, amount_confirmed_fen: null, closed_at: expect.any(Date), rectified_at: expect.any(Date) });
      expect(await trail(rectified)).toEqual([{ action: 'lead.close-rectified', reason: null, data: expect.objectContaining({ from: 'new', to: 'closed' }) }]);

      const dismissed = await seed();
      run = await cli(env, 'leads', 'close', dismissed, '--as', 'dismissed', '--reason', '同名同姓，非同一人');
      expect(run.code).toBe(0);
      expect(run.json).toEqual({ id: Number(dismissed), status: 'closed', outcome: 'dismissed' });
      expect(await lead(dismissed)).toMatchObject({ status: 'closed', outcome: 'dismissed', verdict: 'dismissed', rectified_at: null });
      expect(await trail(dismissed)).toEqual([{ action: 'lead.close-dismissed', reason: '同名同姓，非同一人', data: expect.objectContaining({ from: 'new', to: 'closed' }) }]);
    });

    it('refuses with exit 2 and the allowed steps in Chinese where closing makes no sense, changing nothing', async () => {
      const closed = await seed('closed', { verdict: 'dismissed', outcome: 'dismissed' });
      const confirmed = await seed('confirmed', { verdict: 'confirmed', confirmedFen: 50000 });
      const dismissed = await seed('dismissed', { verdict: 'dismissed', outcome: 'dismissed' });
      for (const [id, as] of [[closed, 'dismissed'], [closed, 'rectified'], [confirmed, 'dismissed'], [dismissed, 'rectified']]) {
        const before = await lead(id);
        const run = await cli(env, 'leads', 'close', id, '--as', as);
        expect({ id, as, code: run.code }).toEqual({ id, as, code: 2 });
        expect(run.stderr).toMatch(/当前为“[^”]+”，不能“销号（(已整改|查否)）”；可以：/);
        expect(await lead(id)).toEqual(before);
        expect(await trail(id)).toEqual([]);
      }
      // The steps that are allowed are named: a confirmed lead may still be closed as rectified.
      expect((await cli(env, 'leads', 'close', confirmed, '--as', 'dismissed')).stderr).toContain('销号（已整改）');
      const unknown = await cli(env, 'leads', 'close', confirmed, '--as', 'toString');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('--as 应为 rectified（已整改）或 dismissed（查否）');
    });

    it('takes one of two concurrent closes of a lead and refuses the other: the lead is read under its row lock', async () => {
      const id = await seed();
      const results = await Promise.allSettled([
        app.get(CloseLead).execute(new CloseLeadCommand(id, 'rectified', 'test')),
        app.get(CloseLead).execute(new CloseLeadCommand(id, 'dismissed', 'test')),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
      expect(refused?.reason).toBeInstanceOf(ConflictError);
      expect(await trail(id)).toHaveLength(1);
    });

    it('keeps the rectification rate a rate of confirmed leads when unverified leads are closed as rectified', async () => {
      const cohort = { region: '421087109', createdAt: '2024-05-06T10:00:00+08:00' };
      await seed('closed', { ...cohort, verdict: 'confirmed', outcome: 'rectified', confirmedFen: 50000 });
      await seed('confirmed', { ...cohort, verdict: 'confirmed', confirmedFen: 50000 });
      expect((await cli(env, 'leads', 'close', await seed('new', cohort), '--as', 'rectified')).code).toBe(0);
      const figures = (await call('GET', '/api/statistics?region=421087109&from=2024-05-01&to=2024-05-31', token)).json;
      expect(figures).toMatchObject({ raised: 3, confirmed: 2, rectified: 2, rectificationRate: 0.5 });
    });

    it('is not one of the steps offered to people in the API', async () => {
      const id = await seed();
      expect((await act(id, 'close-rectified')).status).toBe(400);
      expect((await call('GET', `/api/leads/${id}`, token)).json.triage.allowed_actions).toEqual(['assign', 'dismiss']);
    });
  });

  describe('amounts typed by people', () => {
    const verifying = async (id: string) => {
      expect((await act(id, 'assign', { assigneeId: inspectorId })).status).toBe(200);
      expect((await act(id, 'start-verification')).json.status).toBe('verifying');
    };

    it('are read like amounts in files: thousands separators, full-width digits, two decimals, more than 0, at most 10,000,000, errors in Chinese naming the field', async () => {
      const id = await ruleLead(ZHOU); // evidence: 6 × 1,100.00
      await verifying(id);
      const bad: [string, RegExp][] = [
        ['abc', /金额/],
        ['0', /大于 0/],
        ['-5', /大于 0/],
        ['6201.545', /两位小数/],
        ['10,000,000.01', /10,000,000/],
      ];
      for (const [value, reason] of bad) {
        const res = await act(id, 'confirm', { finding: '死亡后仍领取', amountConfirmed: value });
        expect({ value, status: res.status }).toEqual({ value, status: 422 });
        expect(res.json.details).toMatchObject({ column: 'amountConfirmed', value });
        expect(res.json.message).toMatch(/查实金额/);
        expect(res.json.message).toMatch(reason);
      }
      expect((await lead(id)).status).toBe('verifying');

      const confirmed = await act(id, 'confirm', { finding: '死亡后仍领取低保 6 个月', amountConfirmed: '6,201.54' });
      expect(confirmed.status).toBe(200);
      expect(confirmed.json).toMatchObject({ status: 'confirmed', amount_confirmed: '6201.54' });
      expect((await act(id, 'record-recovery', { amountRecovered: '１,０００.００' })).json.amount_recovered).toBe('1000.00');
      const over = await act(id, 'record-recovery', { amountRecovered: '5,201.55' });
      expect(over.status).toBe(422); // never above the amount confirmed
      expect(over.json.details.column).toBe('amountRecovered');
      const badRecovery = await act(id, 'record-recovery', { amountRecovered: '1.001' });
      expect(badRecovery.status).toBe(422);
      expect(badRecovery.json.message).toMatch(/追回金额.*两位小数/);
    });

    it('confirm an amount above the lead evidence only with a stated reason', async () => {
      const id = await ruleLead(WANG); // evidence: 2 × 720.00
      await verifying(id);
      const refused = await act(id, 'confirm', { finding: '死亡后仍领取', amountConfirmed: '14400.00' });
      expect(refused.status).toBe(422);
      expect(refused.json.details).toMatchObject({ column: 'amountReason' });
      expect(refused.json.message).toContain('1,440.00');
      expect((await lead(id)).status).toBe('verifying');

      const ok = await act(id, 'confirm', { finding: '死亡后仍领取', amountConfirmed: '1,440.00' });
      expect(ok.json).toMatchObject({ status: 'confirmed', amount_confirmed: '1440.00' }); // the whole evidence needs no reason
      const other = await leadWithoutPayments();
      await verifying(other);
      const reasoned = await act(other, 'confirm', { finding: '另查实现金发放', amountConfirmed: '14400.00', amountReason: '另查实以现金发放 12 个月，见松纪核〔2026〕3号' });
      expect(reasoned.json).toMatchObject({ status: 'confirmed', amount_confirmed: '14400.00' });
      expect((await trail(other)).pop()).toMatchObject({ action: 'lead.confirm', data: expect.objectContaining({ amountConfirmed: '14400.00', amountReason: '另查实以现金发放 12 个月，见松纪核〔2026〕3号' }) });
    });

    /** A lead without payments of its own (as R13's): its amount at risk is its evidence. */
    const leadWithoutPayments = () => seed('new', { atRiskFen: 144000 });
  });

  describe('card sweeps', () => {
    const snapshot = async () => ({
      leads: await query(`SELECT id, status, card, card_since, due_on, updated_at FROM leads ORDER BY id`),
      audit: await query(`SELECT count(*)::int AS n, max(id)::text AS last FROM audit_events`),
    });

    it('simulates a day from the command line without changing anything, and applies it with --apply', async () => {
      // 2026-03-09 (Mon): due 2026-03-11 is 2 working days away (blue), 2026-03-06 passed (yellow),
      // 2026-02-12 passed by 10 working days or more (red).
      const blue = await seed('verifying', { dueOn: '2026-03-11' });
      const yellow = await seed('assigned', { dueOn: '2026-03-06' });
      const red = await seed('new', { dueOn: '2026-02-12' });
      const before = await snapshot();
      const simulated = await cli(env, 'cards', 'sweep', '--today', '2026-03-09');
      expect(simulated.code).toBe(0);
      expect(await snapshot()).toEqual(before);
      expect(simulated.json).toMatchObject({ today: '2026-03-09', applied: false });
      expect(simulated.json.changes).toEqual(expect.arrayContaining([
        { leadId: blue, from: null, to: 'blue' },
        { leadId: yellow, from: null, to: 'yellow' },
        { leadId: red, from: null, to: 'red' },
      ]));
      const counted = { blue: 0, yellow: 0, red: 0 } as Record<string, number>;
      for (const c of simulated.json.changes) counted[c.to]++;
      expect(simulated.json.set).toEqual(counted);

      const applied = await cli(env, 'cards', 'sweep', '--today', '2026-03-09', '--apply');
      expect(applied.code).toBe(0);
      expect(applied.json).toMatchObject({ applied: true, set: simulated.json.set, changes: simulated.json.changes });
      expect([(await lead(blue)).card, (await lead(yellow)).card, (await lead(red)).card]).toEqual(['blue', 'yellow', 'red']);
      expect((await trail(red)).map((e: { action: string }) => e.action)).toEqual(['lead.card']);
    });

    it('applies a sweep of the real today without being told, as the daily job does', async () => {
      const late = await seed('verifying', { dueOn: '2025-01-02' }); // long past: red today, whatever day the test runs
      const run = await cli(env, 'cards', 'sweep');
      expect(run.code).toBe(0);
      expect(run.json).toMatchObject({ applied: true });
      expect(run.json.changes).toContainEqual({ leadId: late, from: null, to: 'red' });
      expect((await lead(late)).card).toBe('red');
    });

    it('simulates a day through the admin route without changing anything, and applies it with apply: true', async () => {
      const red = await seed('verifying', { dueOn: '2027-01-04' });
      const before = await snapshot();
      const simulated = await call('POST', '/api/admin/cards/sweep', admin, { today: '2027-03-01' });
      expect(simulated.status).toBe(200);
      expect(simulated.json).toMatchObject({ today: '2027-03-01', applied: false });
      expect(simulated.json.changes).toContainEqual({ leadId: red, from: null, to: 'red' });
      expect(await snapshot()).toEqual(before);

      const applied = await call('POST', '/api/admin/cards/sweep', admin, { today: '2027-03-01', apply: true });
      expect(applied.json).toMatchObject({ applied: true });
      expect((await lead(red)).card).toBe('red');
    });
  });
});
