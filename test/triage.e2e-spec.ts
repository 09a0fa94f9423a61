import pg from 'pg';
import { apiClient, createUsers, embeddedDatabase, freshEnv, login, primaryBackend, startServer, bootApp, type RunningServer, type TestApp, type TestEnv } from './support/harness.js';
import { ActorContext, FixedClock, shanghaiDate, type Actor } from '@sunlight/common';
import { SweepCards, SweepCardsCommand, TransitionLead, TransitionLeadCommand, WorkingDays } from '@sunlight/leads';
import { JobName, JobWaiter, QueueName, QueueRegistry, WorkerHost } from '@sunlight/queue';
import { WorkerRunner } from '@sunlight/runtime';

/**
 * Lead triage end to end: every legal step of a lead's life and a sample of illegal ones, bulk
 * operations, the queue views against the same question asked in SQL, the three notices, the
 * statistics against figures computed by hand, a tampered audit trail; then deadlines and cards
 * by a simulated clock across the 2026 Spring Festival and its make-up Saturdays.
 */

interface Seed {
  region: string;
  rule?: string;
  severity?: string;
  status?: string;
  amountFen?: number;
  dueOn?: string | null;
  card?: string | null;
  createdAt?: string;
  program?: string;
  verdict?: string | null;
  outcome?: string | null;
  confirmedFen?: number | null;
  recoveredFen?: number;
  disposals?: string[];
  assigneeId?: string | null;
}

let keySeq = 0;
async function seedLead(query: (sql: string, params?: unknown[]) => Promise<any[]>, s: Seed): Promise<string> {
  const [row] = await query(
    `INSERT INTO leads (rule_code, rule_version, severity, status, lead_key, region_code, amount_at_risk_fen, due_on, card, card_since, program_code, name,
                        id_number, explanation, created_at, verdict, outcome, amount_confirmed_fen, amount_recovered_fen, disposals, assignee_id)
     VALUES ($1, 1, $2, $3, $4, $5, $6, $7::date, $8::text, CASE WHEN $8::text IS NOT NULL THEN now() END, $9, '张三', '421087198001010011', '测试线索', coalesce($10::timestamptz, now()),
             $11, $12, $13, $14, $15, $16) RETURNING id::text`,
    [s.rule ?? 'R01', s.severity ?? 'high', s.status ?? 'new', `T|${process.pid}|${++keySeq}`, s.region, s.amountFen ?? 120000, s.dueOn ?? null, s.card ?? null, s.program ?? 'DIBAO',
      s.createdAt ?? null, s.verdict ?? null, s.outcome ?? null, s.confirmedFen ?? null, s.recoveredFen ?? 0, s.disposals ?? [], s.assigneeId ?? null],
  );
  return row.id;
}

describe(`lead triage over HTTP (${primaryBackend().name})`, () => {
  let env: TestEnv;
  let server: RunningServer;
  let db: pg.Pool;
  /** The owner role's connection (DATABASE_OWNER_URL): what the application's role may not do. */
  let ownerDb: pg.Pool;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const query = async (sql: string, params?: unknown[]) => (await db.query(sql, params as unknown[])).rows;

  const call = apiClient(() => server.url);
  const act = (lead: string, action: string, extra: Record<string, unknown> = {}, who = 'in.songzi') => call('POST', `/api/leads/${lead}/actions`, tokens[who], { action, ...extra });
  const today = () => shanghaiDate(new Date());

  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name, { SUNLIGHT_LOGIN_RATE: '1000' });
    const users: [string, string, string][] = [
      ['admin', 'admin', ''],
      ['in.songzi', 'inspector', '421087'],
      ['in2.songzi', 'inspector', '421087'],
      ['su.songzi', 'supervisor', '421087'],
      ['in.zaoqiang', 'inspector', '131121'],
    ];
    await createUsers(env, users);
    server = await startServer(env);
    for (const [username] of users) tokens[username] = await login(server.url, username);
    db = new pg.Pool({ connectionString: env.env.DATABASE_URL, max: 2 });
    ownerDb = new pg.Pool({ connectionString: env.databaseUrl, max: 1 });
    for (const u of (await call('GET', '/api/users', tokens.admin)).json) ids[u.username] = u.id;
  });
  afterAll(async () => {
    await db?.end();
    await ownerDb?.end();
    await server?.stop();
    await env?.cleanup();
  });

  it('walks a lead through its whole life, each step with who, when, why in the audit trail', async () => {
    // 3 months of 1,200.00: the amount confirmed below stays within the lead's evidence.
    const lead = await seedLead(query, { region: '421087101', dueOn: WorkingDays.add(today(), 15), amountFen: 360000 });
    let res = await act(lead, 'assign', { assigneeId: ids['in2.songzi'] });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'assigned', assignee_name: 'in2.songzi', deadline_step: 'verify' });
    expect((await act(lead, 'start-verification')).json.status).toBe('verifying');

    res = await act(lead, 'confirm', { amountConfirmed: '3600.00' });
    expect(res.status).toBe(422); // a finding is required
    expect(res.json.details.column).toBe('finding');
    res = await act(lead, 'confirm', { finding: '经核查，死亡后仍领取低保 3 个月', amountConfirmed: '3600.00', attachments: ['松纪核〔2026〕12号'] });
    expect(res.json).toMatchObject({ status: 'confirmed', verdict: 'confirmed', amount_confirmed: '3600.00', deadline_step: 'dispose', due_on: WorkingDays.add(today(), 10) });

    res = await act(lead, 'dispose', { disposals: ['函询'] });
    expect(res.json).toMatchObject({ status: 'disposed', disposals: ['函询'], deadline_step: 'rectify', due_on: WorkingDays.add(today(), 30) });
    res = await act(lead, 'dispose', { disposals: ['谈话', '函询'] });
    expect(res.json.disposals).toEqual(['函询', '谈话']); // more than one, each once
    expect((await act(lead, 'dispose', { disposals: ['罚款'] })).status).toBe(400);

    expect((await act(lead, 'start-rectification')).json.status).toBe('rectifying');
    expect((await act(lead, 'record-recovery', { amountRecovered: '1000.00' })).json.amount_recovered).toBe('1000.00');
    res = await act(lead, 'record-recovery', { amountRecovered: '2600.01' });
    expect(res.status).toBe(422); // more than was confirmed
    expect((await act(lead, 'record-recovery', { amountRecovered: '2600.00' })).json.amount_recovered).toBe('3600.00');

    res = await act(lead, 'rectify', { reason: '已追回全部资金并停发' });
    expect(res.json).toMatchObject({ status: 'rectified', outcome: 'rectified', deadline_step: 'close' });
    res = await act(lead, 'close', { reason: '整改到位，予以销号' });
    expect(res.json).toMatchObject({ status: 'closed', due_on: null, allowed_actions: [] });

    const detail = (await call('GET', `/api/leads/${lead}`, tokens['su.songzi'])).json;
    const steps = detail.history.map((e: { action: string }) => e.action);
    expect(steps).toEqual(['lead.assign', 'lead.start-verification', 'lead.confirm', 'lead.dispose', 'lead.dispose', 'lead.start-rectification', 'lead.record-recovery', 'lead.record-recovery', 'lead.rectify', 'lead.close']);
    expect(detail.history.every((e: { actorName: string; at: string }) => e.actorName === 'in.songzi' && e.at)).toBe(true);
    const confirm = detail.history[2];
    expect(confirm.data).toMatchObject({ from: 'verifying', to: 'confirmed', finding: '经核查，死亡后仍领取低保 3 个月', amountConfirmed: '3600.00', attachments: ['松纪核〔2026〕12号'] });
    expect(detail.history[9].reason).toBe('整改到位，予以销号');
    expect((await call('GET', '/api/admin/audit/verify', tokens.admin)).json.ok).toBe(true);
  });

  it('answers 409 with the allowed steps for an illegal one, and 422 for a step missing what it needs', async () => {
    const lead = await seedLead(query, { region: '421087101' });
    let res = await act(lead, 'confirm', { finding: 'x', amountConfirmed: '1.00' });
    expect(res.status).toBe(409);
    expect(res.json.allowed).toEqual(['assign', 'dismiss']);
    expect(res.json.message).toContain('新线索');
    expect((await act(lead, 'rectify')).status).toBe(409);
    expect((await act(lead, 'close')).status).toBe(409);
    expect((await act(lead, 'clear-card', { reason: '无' })).status).toBe(409); // no card to clear

    expect((await act(lead, 'assign', { assigneeId: ids['in.zaoqiang'] })).status).toBe(422); // another county's inspector
    expect((await act(lead, 'assign', { assigneeId: ids['su.songzi'] })).status).toBe(422); // not an inspector
    expect((await act(lead, 'assign', { assigneeId: ids['in.songzi'] })).json.status).toBe('assigned');
    expect((await act(lead, 'start-rectification')).json.allowed).toEqual(['assign', 'start-verification', 'dismiss']);
    expect((await act(lead, 'start-verification')).json.status).toBe('verifying');
    expect((await act(lead, 'dismiss')).status).toBe(422); // a reason is required
    res = await act(lead, 'dismiss', { reason: '同名同姓，非同一人' });
    expect(res.json).toMatchObject({ status: 'dismissed', verdict: 'dismissed', outcome: 'dismissed', due_on: null });
    expect((await act(lead, 'confirm', { finding: 'x', amountConfirmed: '1.00' })).json.allowed).toEqual(['close']);
    expect((await act(lead, 'close')).json.status).toBe('closed');
    res = await act(lead, 'dispose', { disposals: ['函询'] });
    expect(res.status).toBe(409);
    expect(res.json.allowed).toEqual([]);
    expect((await act(lead, 'approve')).status).toBe(400); // not an action at all
    expect((await act(lead, 'dismiss', { reason: '监督者不能处置' }, 'su.songzi')).status).toBe(403);
  });

  it('bulk-assigns and bulk-dismisses with one reason: all the leads or none', async () => {
    const fresh = [await seedLead(query, { region: '421087101' }), await seedLead(query, { region: '421087102' }), await seedLead(query, { region: '421087101' })];
    const closed = await seedLead(query, { region: '421087101', status: 'closed', outcome: 'dismissed', verdict: 'dismissed' });
    let res = await call('POST', '/api/leads/bulk', tokens['in.songzi'], { action: 'dismiss', reason: '误报', leadIds: [...fresh, closed] });
    expect(res.status).toBe(409);
    expect(res.json.leads.map((l: { id: string }) => l.id)).toEqual([closed]);
    expect((await query(`SELECT status FROM leads WHERE id = ANY($1::bigint[])`, [fresh])).map((r) => r.status)).toEqual(['new', 'new', 'new']);

    res = await call('POST', '/api/leads/bulk', tokens['in.songzi'], { action: 'assign', assigneeId: ids['in2.songzi'], leadIds: fresh });
    expect(res.json.count).toBe(3);
    const mine = (await call('GET', `/api/leads?assignee=me&status=assigned`, tokens['in2.songzi'])).json.items.map((l: { id: string }) => l.id);
    expect(mine.sort()).toEqual([...fresh].sort());

    res = await call('POST', '/api/leads/bulk', tokens['in.songzi'], { action: 'dismiss', reason: '比对库数据滞后，经核实均为误报', leadIds: fresh });
    expect(res.json.leads.map((l: { status: string }) => l.status)).toEqual(['dismissed', 'dismissed', 'dismissed']);
    const events = await query(`SELECT subject_id, reason FROM audit_events WHERE action = 'lead.dismiss' AND subject_id = ANY($1)`, [fresh]);
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.reason === '比对库数据滞后，经核实均为误报')).toBe(true);
  });

  it('serves queue views whose filters, sorts, keyset pages and facets agree with the same question in SQL', async () => {
    const rules = ['R01', 'R02', 'R06', 'R09', 'R12'];
    const statuses = ['new', 'assigned', 'verifying', 'confirmed', 'closed'];
    const cards = [null, 'blue', 'yellow', 'red'];
    for (let i = 0; i < 60; i++) {
      await seedLead(query, {
        region: i % 2 ? '421087104' : '421087105',
        rule: rules[i % 5],
        severity: i % 3 ? 'high' : 'medium',
        status: statuses[(i * 7) % 5],
        card: cards[i % 4],
        amountFen: ((i * 37) % 11) * 10000 + 100, // ties on purpose
        dueOn: i % 9 === 0 ? null : `2026-0${1 + (i % 3)}-1${i % 10}`,
        createdAt: `2025-0${1 + (i % 6)}-15T10:00:00+08:00`,
        assigneeId: i % 4 === 1 ? ids['in2.songzi'] : null,
      });
    }
    const all = await query(
      `SELECT id::text, region_code, rule_code, severity, status, card, amount_at_risk_fen::bigint AS amount, coalesce(due_on, 'infinity'::date) AS due, assignee_id::text AS assignee, created_at
       FROM leads WHERE region_code IN ('421087104', '421087105')`,
    );
    const cases: { qs: string; keep: (l: any) => boolean }[] = [
      { qs: '', keep: () => true },
      { qs: 'region=421087104', keep: (l) => l.region_code === '421087104' },
      { qs: 'rule=R01,R12&card=red,none', keep: (l) => ['R01', 'R12'].includes(l.rule_code) && (l.card === 'red' || l.card === null) },
      { qs: 'status=new,assigned&severity=high', keep: (l) => ['new', 'assigned'].includes(l.status) && l.severity === 'high' },
      { qs: `assignee=${ids['in2.songzi']}&amountMin=300.00&amountMax=900`, keep: (l) => l.assignee === ids['in2.songzi'] && l.amount >= 30000n && l.amount <= 90000n },
      { qs: 'assignee=none&from=2025-02-01&to=2025-04-15', keep: (l) => l.assignee === null && shanghaiDate(l.created_at) >= '2025-02-01' && shanghaiDate(l.created_at) <= '2025-04-15' },
    ];
    const order: Record<string, (a: any, b: any) => number> = {
      due: (a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : Number(a.id) - Number(b.id)),
      amount: (a, b) => (a.amount !== b.amount ? (a.amount > b.amount ? -1 : 1) : Number(b.id) - Number(a.id)),
      age: (a, b) => a.created_at.getTime() - b.created_at.getTime() || Number(a.id) - Number(b.id),
      newest: (a, b) => b.created_at.getTime() - a.created_at.getTime() || Number(b.id) - Number(a.id),
    };
    for (const row of all) row.amount = BigInt(row.amount);
    for (const row of all) row.due = row.due instanceof Date ? shanghaiDate(row.due) : String(row.due);
    for (const c of cases) {
      for (const sort of Object.keys(order)) {
        const expected = all.filter((l) => c.keep(l)).sort(order[sort]).map((l) => l.id);
        const seen: string[] = [];
        let cursor = '';
        for (let page = 0; page < 20; page++) {
          const qs = [c.qs, c.qs.includes('region=') ? '' : 'region=421087', `sort=${sort}`, 'limit=7', cursor && `cursor=${cursor}`].filter(Boolean).join('&');
          const res = await call('GET', `/api/leads?${qs}`, tokens['su.songzi']);
          expect({ qs, status: res.status }).toEqual({ qs, status: 200 });
          seen.push(...res.json.items.filter((l: any) => ['421087104', '421087105'].includes(l.region_code)).map((l: { id: string }) => l.id));
          if (!res.json.next) break;
          cursor = res.json.next;
        }
        expect({ case: c.qs, sort, ids: seen }).toEqual({ case: c.qs, sort, ids: expected });
      }
    }
    const facets = (await call('GET', '/api/leads/facets?region=421087104', tokens['su.songzi'])).json;
    const mine = all.filter((l) => l.region_code === '421087104');
    expect(facets.total).toBe(mine.length);
    const count = (key: string, value: unknown) => mine.filter((l) => l[key] === value).length;
    for (const s of statuses) expect(facets.status[s] ?? 0).toBe(count('status', s));
    for (const r of rules) expect(facets.rule[r] ?? 0).toBe(count('rule_code', r));
    expect(facets.card.none ?? 0).toBe(count('card', null));
    expect(facets.card.red ?? 0).toBe(count('card', 'red'));
    expect(facets.severity.medium ?? 0).toBe(count('severity', 'medium'));
    // A county and the facets' own filters are added up from lead_facet_counts: the same answers
    // as counting the leads.
    const counted = async (where: string) => {
      const rows = await query(`SELECT status, rule_code, coalesce(card, 'none') AS card, severity FROM leads WHERE county_code = '421087' AND ${where}`);
      const by = (key: string) => rows.reduce((m: Record<string, number>, r: any) => ((m[r[key]] = (m[r[key]] ?? 0) + 1), m), {});
      return { total: rows.length, status: by('status'), rule: by('rule_code'), card: by('card'), severity: by('severity') };
    };
    for (const [qs, where] of [
      ['region=421087', 'TRUE'],
      ['status=new,assigned&card=red,none&rule=R01,R02,R06', `status IN ('new', 'assigned') AND (card = 'red' OR card IS NULL) AND rule_code IN ('R01', 'R02', 'R06')`],
      ['severity=high&card=none', `severity = 'high' AND card IS NULL`],
    ]) {
      expect({ qs, facets: (await call('GET', `/api/leads/facets?${qs}`, tokens['su.songzi'])).json }).toEqual({ qs, facets: await counted(where) });
    }
    expect((await call('GET', '/api/leads?sort=amount&cursor=' + Buffer.from(JSON.stringify(['due', '2026-01-01', '1'])).toString('base64url'), tokens['su.songzi'])).status).toBe(422);
  });

  it('keeps lead_facet_counts equal to counting the leads through inserts, updates and deletes', async () => {
    const drift = () =>
      query(`SELECT * FROM (SELECT county_code, status, rule_code, coalesce(card, 'none') AS card, severity, count(*)::int AS n FROM leads GROUP BY 1, 2, 3, 4, 5) l
             FULL JOIN (SELECT county_code, status, rule_code, card, severity, n::int FROM lead_facet_counts WHERE n <> 0) c USING (county_code, status, rule_code, card, severity)
             WHERE l.n IS DISTINCT FROM c.n`);
    const a = await seedLead(query, { region: '421087106', status: 'new' });
    const b = await seedLead(query, { region: '421087106', status: 'assigned', card: 'red' });
    expect(await drift()).toEqual([]);
    await query(`UPDATE leads SET status = 'verifying', card = NULL WHERE id = $1`, [b]);
    await query(`UPDATE leads SET region_code = '421081101' WHERE id = $1`, [a]);
    await query(`UPDATE leads SET amount_at_risk_fen = amount_at_risk_fen + 1 WHERE id = ANY($1)`, [[a, b]]);
    expect(await drift()).toEqual([]);
    await query(`DELETE FROM leads WHERE id = $1`, [a]);
    expect(await drift()).toEqual([]);
    const [{ n }] = await query(`SELECT sum(n)::int AS n FROM lead_facet_counts`);
    expect(n).toBe(Number((await query(`SELECT count(*)::int AS n FROM leads`))[0].n));
  });

  it('issues the three notices, numbered per region, kind and year, printable, tracked until answered', async () => {
    const year = today().slice(0, 4);
    const lead = await seedLead(query, { region: '421087101' });
    const issue = (kind: string, regionCode: string, extra: Record<string, unknown> = {}) =>
      call('POST', '/api/notices', tokens['in.songzi'], { kind, regionCode, recipient: '松滋市民政局', subject: '低保资金发放问题', body: '经大数据比对，发现以下问题。\n请于期限内核查整改。<script>alert(1)</script>', ...extra });
    const first = (await issue('warning', '421087', { leadIds: [lead] })).json;
    expect(first).toMatchObject({ number: `松滋市纪预〔${year}〕1号`, title: '预警通知书', status: 'issued', lead_ids: [lead], due_on: WorkingDays.add(today(), 10) });
    expect((await issue('warning', '421087')).json.number).toBe(`松滋市纪预〔${year}〕2号`);
    expect((await issue('reminder', '421087')).json.number).toBe(`松滋市纪提〔${year}〕1号`);
    const township = (await query(`SELECT name FROM regions WHERE code = '421087101'`))[0].name;
    expect((await issue('rectification', '421087101')).json.number).toBe(`${township}纪建〔${year}〕1号`);
    expect((await issue('warning', '421087', { leadIds: ['999999999'] })).status).toBe(404);

    const printed = await fetch(`${server.url}/api/notices/${first.id}/print`, { headers: { authorization: `Bearer ${tokens['su.songzi']}` } });
    expect(printed.headers.get('content-type')).toContain('text/html');
    const html = await printed.text();
    expect(html).toContain('预警通知书');
    expect(html).toContain(`松滋市纪预〔${year}〕1号`);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');

    const dueToday = (await issue('reminder', '421087', { dueOn: today() })).json;
    await query(`UPDATE notices SET due_on = due_on - 1 WHERE id = $1`, [dueToday.id]); // a day later, unanswered
    const overdue = (await call('GET', '/api/notices?overdue=true', tokens['su.songzi'])).json;
    expect(overdue.map((n: { id: string }) => n.id)).toEqual([dueToday.id]);
    expect(overdue[0].overdue).toBe(true);

    const answered = (await call('POST', `/api/notices/${first.id}/answer`, tokens['in.songzi'], { answer: '已停发并追回，详见松民函〔2026〕8号' })).json;
    expect(answered).toMatchObject({ status: 'answered', overdue: false });
    expect((await call('POST', `/api/notices/${first.id}/answer`, tokens['in.songzi'], { answer: '再次回复' })).status).toBe(409);
    const trail = await query(`SELECT action FROM audit_events WHERE subject_type = 'notice' AND subject_id = $1 ORDER BY id`, [first.id]);
    expect(trail.map((e) => e.action)).toEqual(['notice.issue', 'notice.answer']);
  });

  it('computes the statistics supervisors quote, matching figures worked out by hand', async () => {
    const r = '421087106';
    const march = (day: string) => `2025-03-${day}T10:00:00+08:00`;
    await seedLead(query, { region: r, amountFen: 10000, createdAt: '2025-03-31T23:30:00+08:00' }); // A: new (the last evening counts)
    await seedLead(query, { region: r, amountFen: 20000, createdAt: march('02'), status: 'dismissed', verdict: 'dismissed', outcome: 'dismissed' }); // B
    await seedLead(query, { region: r, amountFen: 30000, createdAt: march('03'), status: 'confirmed', verdict: 'confirmed', confirmedFen: 30000, card: 'yellow' }); // C
    await seedLead(query, { region: r, amountFen: 45000, createdAt: march('04'), status: 'disposed', verdict: 'confirmed', confirmedFen: 40000, recoveredFen: 10000, disposals: ['函询', '谈话'], card: 'red' }); // D
    await seedLead(query, { region: r, amountFen: 50000, createdAt: march('05'), status: 'rectified', verdict: 'confirmed', outcome: 'rectified', confirmedFen: 50000, recoveredFen: 50000, disposals: ['立案'] }); // E
    await seedLead(query, { region: r, amountFen: 6000, createdAt: march('06'), status: 'closed', verdict: 'confirmed', outcome: 'rectified', confirmedFen: 5000, recoveredFen: 5000, disposals: ['函询'], card: 'red' }); // F (closed: its card no longer counts)
    await seedLead(query, { region: r, amountFen: 99900, createdAt: '2025-02-28T23:30:00+08:00', status: 'confirmed', verdict: 'confirmed', confirmedFen: 99900 }); // outside the period
    await seedLead(query, { region: '421087107', amountFen: 99900, createdAt: march('10') }); // outside the region

    const res = await call('GET', `/api/statistics?region=${r}&from=2025-03-01&to=2025-03-31`, tokens['su.songzi']);
    expect(res.json).toEqual({
      regionCode: r,
      from: '2025-03-01',
      to: '2025-03-31',
      raised: 6,
      verified: 5,
      confirmed: 4,
      dismissed: 1,
      rectified: 2,
      rectificationRate: 0.5,
      disposals: { 函询: 2, 谈话: 1, 立案: 1, 移送司法机关: 0, 组织处理: 0, 党纪政务处分: 0 },
      amountAtRisk: '1610.00', // 100 + 200 + 300 + 450 + 500 + 60
      amountConfirmed: '1250.00', // 300 + 400 + 500 + 50
      amountRecovered: '650.00', // 100 + 500 + 50
      overdue: { blue: 0, yellow: 1, red: 1 },
      byStatus: { new: 1, dismissed: 1, confirmed: 1, disposed: 1, rectified: 1, closed: 1 },
    });
    expect((await call('GET', `/api/statistics?region=${r}&from=2025-04-01&to=2025-03-01`, tokens['su.songzi'])).status).toBe(422);
  });

  it('keeps the audit trail append-only for the application, and the verifier finds an edited or deleted event', async () => {
    // The application's role has no such privilege (two roles); the trigger refuses even the owner.
    await expect(query(`UPDATE audit_events SET reason = 'rewritten' WHERE id = (SELECT min(id) FROM audit_events)`)).rejects.toThrow(/permission denied/);
    await expect(query(`DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)`)).rejects.toThrow(/permission denied/);
    const asOwner = async (sql: string, params?: unknown[]) => (await ownerDb.query(sql, params as unknown[])).rows;
    await expect(asOwner(`UPDATE audit_events SET reason = 'rewritten' WHERE id = (SELECT min(id) FROM audit_events)`)).rejects.toThrow(/append-only|只能追加/);
    await expect(asOwner(`DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)`)).rejects.toThrow(/append-only|只能追加/);
    expect((await call('GET', '/api/admin/audit/verify', tokens.admin)).json.ok).toBe(true);

    // Someone with the database owner's rights switches the guard off and rewrites a finding.
    const [victim] = await query(`SELECT id::text FROM audit_events WHERE action = 'lead.confirm' ORDER BY audit_events.id LIMIT 1`);
    await asOwner(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`);
    await asOwner(`UPDATE audit_events SET data = jsonb_set(data, '{amountConfirmed}', '"1.00"') WHERE id = $1`, [victim.id]);
    const [middle] = await query(`SELECT id::text FROM audit_events WHERE action = 'lead.dispose' ORDER BY audit_events.id LIMIT 1`);
    await asOwner(`DELETE FROM audit_events WHERE id = $1`, [middle.id]);
    await asOwner(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);

    const result = (await call('GET', '/api/admin/audit/verify', tokens.admin)).json;
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        { id: victim.id, problem: expect.stringContaining('被改动') },
        { id: expect.any(String), problem: expect.stringContaining('被删除') },
      ]),
    );
  });
});

describe(`deadlines and warning cards by a simulated clock (${primaryBackend().name})`, () => {
  let env: TestEnv;
  let app: TestApp;
  const clock = new FixedClock(new Date('2026-02-12T09:00:00+08:00'));
  let inspector: Actor;

  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name);
    await createUsers(env, [['in.songzi', 'inspector', '421087']]);
    app = await bootApp(env, { clock });
    const [user] = await app.query(`SELECT id::text FROM users WHERE username = 'in.songzi'`);
    inspector = { userId: user.id, username: 'in.songzi', role: 'inspector', scope: '421087' };
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  const step = (lead: string, action: any, details: Record<string, unknown> = {}) =>
    ActorContext.run({ ...inspector }, () => app.get(TransitionLead).execute(new TransitionLeadCommand(lead, action, details)));
  const sweep = (day: string) => app.get(SweepCards).execute(new SweepCardsCommand(day, true)); // the fixed clock's days, applied
  const cardOf = async (lead: string) => (await app.query(`SELECT card FROM leads WHERE id = $1`, [lead]))[0].card;

  it('counts deadlines in working days across the Spring Festival and its make-up Saturdays', async () => {
    const lead = await seedLead(app.query, { region: '421087101', dueOn: '2026-03-09' });
    clock.set('2026-02-12');
    await step(lead, 'assign', { assigneeId: inspector.userId });
    await step(lead, 'start-verification');
    // 10 working days from Thu 12 Feb: 13, Sat 14 (调休), [15–23 春节], 24, 25, 26, 27, Sat 28 (调休), 2 Mar, 3, 4.
    const confirmed = await step(lead, 'confirm', { finding: '查实', amountConfirmedFen: 120000n });
    expect(confirmed.due_on).toBe('2026-03-04');
    // 15 working days from Tue 10 Feb (the verify deadline of a lead raised that day) land on Mon 9 Mar.
    expect(WorkingDays.add('2026-02-10', 15)).toBe('2026-03-09');
    expect(WorkingDays.between('2026-02-13', '2026-02-24')).toBe(2); // Sat 14 counts, the festival does not
  });

  it('raises cards blue → yellow → red by the working-day calendar, never lowers them, and clears one only with a reason', async () => {
    const lead = await seedLead(app.query, { region: '421087101', status: 'verifying', dueOn: '2026-02-24' });
    const settled = await seedLead(app.query, { region: '421087101', status: 'closed', outcome: 'dismissed', verdict: 'dismissed', dueOn: '2026-02-24' });
    const later = await seedLead(app.query, { region: '421087101', status: 'assigned', dueOn: '2026-06-30' });

    expect((await sweep('2026-02-11')).leadIds).not.toContain(lead); // 4 working days away: 12, 13, Sat 14, 24
    expect(await cardOf(lead)).toBeNull();
    expect((await sweep('2026-02-12')).leadIds).toContain(lead); // 3 away
    expect(await cardOf(lead)).toBe('blue');
    expect((await sweep('2026-02-18')).leadIds).not.toContain(lead); // mid-festival: still blue, nothing new
    expect((await sweep('2026-02-24')).leadIds).not.toContain(lead); // due today is not late
    expect(await cardOf(lead)).toBe('blue');
    await sweep('2026-02-25');
    expect(await cardOf(lead)).toBe('yellow');
    await sweep('2026-03-06'); // 9 working days late (Sat 28 Feb counts)
    expect(await cardOf(lead)).toBe('yellow');
    const red = await sweep('2026-03-09'); // the 10th
    expect(red.leadIds).toContain(lead);
    expect(await cardOf(lead)).toBe('red');
    expect((await sweep('2026-03-09')).leadIds).toEqual([]); // the same day twice: nothing new
    await sweep('2026-02-12'); // an earlier day never lowers a card
    expect(await cardOf(lead)).toBe('red');
    expect(await cardOf(settled)).toBeNull();
    expect(await cardOf(later)).toBeNull();

    const trail = await app.query(`SELECT data->>'card' AS card FROM audit_events WHERE subject_id = $1 AND action = 'lead.card' ORDER BY id`, [lead]);
    expect(trail.map((e: { card: string }) => e.card)).toEqual(['blue', 'yellow', 'red']);

    await expect(step(lead, 'clear-card', {})).rejects.toThrow(/理由/);
    const cleared = await step(lead, 'clear-card', { reason: '已报批延期至 3 月底' });
    expect(cleared.card).toBeNull();
    expect(cleared.status).toBe('verifying');
  });

  it('runs the sweep as a queue job, and each worker declares the daily schedule in Asia/Shanghai', async () => {
    const lead = await seedLead(app.query, { region: '421087101', status: 'new', dueOn: '2026-01-05' });
    const runner = new WorkerRunner(app.get(WorkerHost), app.get(QueueRegistry));
    await runner.onApplicationBootstrap();
    const triage = app.get(QueueRegistry).get(QueueName.Triage);
    const schedulers = await triage.queue.getJobSchedulers();
    expect(schedulers).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'daily-card-sweep', pattern: '10 0 * * *', tz: 'Asia/Shanghai' })]));
    await app.get(JobWaiter).ensureConsumer(JobName.SweepCards);
    await triage.add(JobName.SweepCards, { today: '2026-03-09' });
    const card = await app.get(JobWaiter).until(async () => (await cardOf(lead)) ?? undefined);
    expect(card).toBe('red');
  });
});

// The embedded default, and native PostgreSQL, where appends really run side by side: each takes
// the chain's head after the append lock, so every event links to the one committed before it.
describe.each([...new Set(['embedded', primaryBackend().name] as const)])('lead triage under concurrency (%s)', (backend) => {
  let env: TestEnv;
  let server: RunningServer;
  let db: pg.Client;

  beforeAll(async () => {
    env = await freshEnv(backend, { SUNLIGHT_LOGIN_RATE: '1000' });
    await createUsers(env, [
      ['in.songzi', 'inspector', '421087'],
      ['admin', 'admin', ''],
    ]);
    server = await startServer(env);
    // Through the server's own socket, as the CLI goes while it runs.
    db = new pg.Client(env.databaseUrl ? { connectionString: env.databaseUrl } : await embeddedDatabase(env));
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await server?.stop();
    await env?.cleanup();
  });

  it('takes 20 clients stepping leads and reading the queue at once, every step applied once and the audit chain whole', async () => {
    const query = async (sql: string, params?: unknown[]) => (await db.query(sql, params as unknown[])).rows;
    const leads: string[] = [];
    for (let i = 0; i < 40; i++) leads.push(await seedLead(query, { region: `42108710${1 + (i % 5)}`, dueOn: '2026-12-31' }));
    const [me] = await query(`SELECT id::text FROM users WHERE username = 'in.songzi'`);
    const token = await login(server.url, 'in.songzi');
    const admin = await login(server.url, 'admin');
    const call = apiClient(() => server.url);
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async (_, client) => {
        const seen: number[] = [];
        for (const lead of leads.slice(client * 2, client * 2 + 2)) {
          seen.push((await call('POST', `/api/leads/${lead}/actions`, token, { action: 'assign', assigneeId: me.id })).status);
          seen.push((await call('GET', '/api/leads?status=assigned&sort=amount&limit=20', token)).status);
          seen.push((await call('POST', `/api/leads/${lead}/actions`, token, { action: 'start-verification' })).status);
          seen.push((await call('GET', '/api/leads/facets', token)).status);
        }
        return seen;
      }),
    );
    expect(statuses.flat().every((s) => s === 200)).toBe(true);
    const rows = await query(`SELECT status, count(*)::int AS n FROM leads WHERE id = ANY($1::bigint[]) GROUP BY status`, [leads]);
    expect(rows).toEqual([{ status: 'verifying', n: 40 }]);
    expect((await query(`SELECT count(*)::int AS n FROM audit_events WHERE subject_id = ANY($1) AND action LIKE 'lead.%'`, [leads]))[0].n).toBe(80);
    // One chain: no two events link to the same predecessor (a fork), and verify holds it whole.
    expect((await query(`SELECT count(*)::int AS n FROM (SELECT prev_hash FROM audit_events GROUP BY prev_hash HAVING count(*) > 1) f`))[0].n).toBe(0);
    expect((await call('GET', '/api/admin/audit/verify', admin)).json.ok).toBe(true);
  });
});
