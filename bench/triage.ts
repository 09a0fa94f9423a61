import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { OUT, ROOT, admin, child, dropDatabase, freePort, freshDatabase, nativePostgres, reachable, say, startApi, stopApi, templateDatabase, waitForHealth, withDatabase } from './support.js';
import type { LoadPlan, LoadReport, Stats } from './triage-load.js';

const run = promisify(execFile);

/** The supervisor's city (荆州市) and the five counties of its inspectors, four inspectors each. */
const CITY = '4210';
const INSPECTOR_COUNTIES = ['421088', '421083', '421022', '421087', '421081'];
const INSPECTORS_PER_COUNTY = 4;
const COUNTIES = 100;
const PASSWORD = 'Bench-triage-2024';
const TARGETS = { queueP95Ms: 50, stateChangeP95Ms: 30 };
/** Every queue query's p95 and the state changes' p95 at most this many times the baseline's (issue 15). */
const RATIO_TARGET = 2;

/**
 * The triage benchmark: 1,000,000 leads over the townships of 100 counties, seeded in
 * SQL; the API on native PostgreSQL and Redis; 20 concurrent clients in a second process
 * (bench/triage-load.ts): the ten most common queue queries, then state changes, and in the same
 * run a baseline of trivial routes under the same concurrency. The whole load runs twice on the
 * same data: the API as one process, then as BENCH_API_PROCESSES (2) processes
 * (SUNLIGHT_API_PROCESSES, node:cluster). Targets: every queue query's p95 (county and city) and
 * the state changes' p95 at most 2 × the baseline's (/api/auth/me) in the same load; the older
 * absolute ones (queue p95 under 50 ms, state changes under 30 ms) are still reported.
 * BENCH_KEEP=1 keeps the seeded database and uses it again on the next run with as many leads.
 * BENCH_TRIAGE_DB names the database (its template: NAME_tpl), so that two runs on one server
 * don't drop each other's.
 */
export async function triageBenchmark(leads = 1_000_000, phaseMs = 20_000) {
  const url = await nativePostgres();
  if (!url) return { skipped: 'no native PostgreSQL (DATABASE_URL or 127.0.0.1:5432)' };
  const redisUrl = process.env.REDIS_URL ?? ((await reachable(6379)) ? 'redis://127.0.0.1:6379' : undefined);
  // Several API processes need Redis (SUNLIGHT_API_PROCESSES is for the production path).
  const wanted = Number(process.env.BENCH_API_PROCESSES ?? 2);
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > 64) throw new Error(`BENCH_API_PROCESSES must be a whole number from 1 to 64 (got "${process.env.BENCH_API_PROCESSES}")`);
  const processCounts = wanted > 1 && redisUrl ? [1, wanted] : [1];
  const db = process.env.BENCH_TRIAGE_DB ?? 'sunlight_bench_triage';
  if (!/^[a-z_][a-z0-9_]{0,58}$/.test(db)) throw new Error(`BENCH_TRIAGE_DB must be a lower-case SQL name (got "${db}")`);
  const template = `${db}_tpl`;
  const planFile = path.join(OUT, 'triage-plan.json');
  try {
    let t = Date.now();
    const kept = process.env.BENCH_KEEP ? await keptDatabase(url, db, leads) : undefined;
    let target: string;
    let accounts: Account[];
    let seeding: { phasesMs: Record<string, number>; reused?: boolean };
    if (kept) {
      target = kept.url;
      accounts = kept.accounts;
      // Migrations added since it was seeded (new indexes) apply to it as to any installation.
      await migrateDatabase(target);
      seeding = { phasesMs: { migrate: Date.now() - t }, reused: true };
      say(`kept database ${db} with ${leads} leads used again (BENCH_KEEP); migrated in ${Date.now() - t} ms`);
    } else {
      await templateDatabase(url, template);
      target = await freshDatabase(url, template, db);
      accounts = await createAccounts(target);
      say(`${accounts.length} accounts created with the CLI in ${Date.now() - t} ms`);
      t = Date.now();
      seeding = await admin(target, (c) => seedLeads(c, leads, accounts));
      say(`${leads} leads seeded in ${Date.now() - t} ms ${JSON.stringify(seeding.phasesMs)}`);
    }
    const data = await admin(target, (c) => describeData(c));
    say(`data: ${JSON.stringify(data)}`);

    const runs: Record<string, LoadReport> = {};
    for (const processes of processCounts) {
      say(`== the API as ${processes} process${processes > 1 ? 'es' : ''}`);
      runs[processes] = await loadRun({ target, redisUrl, processes, accounts, phaseMs, planFile });
    }
    return summarise(leads, seeding, data, runs, redisUrl);
  } finally {
    rmSync(planFile, { force: true });
    if (!process.env.BENCH_KEEP) {
      await dropDatabase(url, db);
      await dropDatabase(url, template);
    } else say(`kept database ${db} (BENCH_KEEP)`);
  }
}

/** One load against the API started as `processes` processes: log in, deal leads, drive it. */
async function loadRun({ target, redisUrl, processes, accounts, phaseMs, planFile }: { target: string; redisUrl?: string; processes: number; accounts: Account[]; phaseMs: number; planFile: string }): Promise<LoadReport> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = path.join(OUT, processes > 1 ? `triage-api-${processes}.log` : 'triage-api.log');
  const api = startApi({ databaseUrl: target, redisUrl, port, logFile, queuePrefix: 'sunlight-bench-triage', processes });
  try {
    await waitForHealth(baseUrl, api);
    say(`API at ${baseUrl}, ${processes} process(es) (log ${path.relative(ROOT, logFile)})`);
    const clients: LoadPlan['clients'] = [];
    // The queue phase: the supervisor and 19 inspectors; the state changes: all 20 inspectors.
    for (const a of accounts) {
      const token = await login(baseUrl, a.username);
      clients.push({ name: a.username, role: a.role, userId: a.id, region: a.region, token, leads: [] });
    }
    const inspectors = clients.filter((c) => c.role === 'inspector');
    // The open leads as they are now (an earlier load took some to a verdict).
    await admin(target, (c) => dealLeads(c, inspectors));
    const plan: LoadPlan = {
      baseUrl,
      apiPid: api.pid,
      concurrency: 20,
      warmupMs: Math.min(phaseMs / 2, 10_000),
      soloMs: Math.max(phaseMs / 2, 5_000),
      baselineMs: Math.max(phaseMs / 2, 5_000),
      queriesMs: phaseMs,
      actionsMs: phaseMs,
      today: new Date().toISOString().slice(0, 10),
      clients,
    };
    writeFileSync(planFile, JSON.stringify(plan));
    say(`load: 20 clients, warm-up ${plan.warmupMs / 1000} s, one client alone ${plan.soloMs / 1000} s, baseline ${plan.baselineMs / 1000} s, queue queries ${plan.queriesMs / 1000} s, state changes ${plan.actionsMs / 1000} s`);
    return await child<LoadReport>('triage-load.js', [planFile], {});
  } finally {
    await stopApi(api);
  }
}

/** The database a run with BENCH_KEEP left, when it holds this many seeded leads and the accounts. */
async function keptDatabase(url: string, db: string, leads: number): Promise<{ url: string; accounts: Account[] } | undefined> {
  const exists = await admin(url, async (c) => (await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [db])).rowCount === 1);
  if (!exists) return undefined;
  const target = withDatabase(url, db);
  return admin(target, async (c) => {
    const [{ n }] = (await c.query(`SELECT count(*)::int AS n FROM leads WHERE lead_key LIKE 'B|%'`).catch(() => ({ rows: [{ n: -1 }] }))).rows;
    if (n !== leads) {
      say(`kept database ${db} holds ${n} seeded leads, not ${leads}: seeding anew`);
      return undefined;
    }
    const rows = (await c.query(`SELECT username, role, region_code AS region, id::text AS id FROM users WHERE username LIKE 'bench-%' ORDER BY id`)).rows as Account[];
    if (rows.length !== 1 + INSPECTOR_COUNTIES.length * INSPECTORS_PER_COUNTY) return undefined;
    // In the order createAccounts made them: the supervisor, then county by county.
    const rank = (a: Account) => (a.role === 'supervisor' ? -1 : INSPECTOR_COUNTIES.indexOf(a.region));
    rows.sort((a, b) => rank(a) - rank(b) || a.username.localeCompare(b.username));
    return { url: target, accounts: rows };
  });
}

async function migrateDatabase(databaseUrl: string): Promise<void> {
  await run(process.execPath, [path.join(ROOT, 'dist/apps/cli/src/main.js'), 'db', 'migrate'], { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' } });
}

interface Account {
  username: string;
  role: 'inspector' | 'supervisor';
  region: string;
  id: string;
}

/** The people of the run, made as an administrator would: `users create`, a few at a time. */
async function createAccounts(databaseUrl: string): Promise<Account[]> {
  const wanted: Omit<Account, 'id'>[] = [{ username: 'bench-supervisor', role: 'supervisor', region: CITY }];
  for (const county of INSPECTOR_COUNTIES) {
    for (let k = 1; k <= INSPECTORS_PER_COUNTY; k++) wanted.push({ username: `bench-${county}-${k}`, role: 'inspector', region: county });
  }
  const env = { ...process.env, DATABASE_URL: databaseUrl, SUNLIGHT_NEW_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' };
  const cli = path.join(ROOT, 'dist/apps/cli/src/main.js');
  const made: Account[] = [];
  for (let i = 0; i < wanted.length; i += 4) {
    const batch = await Promise.all(
      wanted.slice(i, i + 4).map(async (w) => {
        const { stdout } = await run(process.execPath, [cli, 'users', 'create', w.username, '--role', w.role, '--region', w.region, '--name', w.username], { env });
        const result = JSON.parse(stdout.trim().split('\n').pop()!) as { id: number };
        return { ...w, id: String(result.id) };
      }),
    );
    made.push(...batch);
  }
  return made;
}

/**
 * 1,000,000 leads, set-based: the townships of 100 counties (the supervisor's city's nine among
 * them, its inspectors' five counties of different sizes: the largest, the 9th, the 26th, the
 * 56th and the 91st), counties skewed (largest ~3 %, smallest ~0.8 %), rules R01–R12 skewed,
 * statuses spread along the lifecycle with verdict, outcome, amounts, disposals and deadlines
 * consistent with it, cards on the open leads whose deadline is near or past, created over two
 * years (open leads recent, settled ones older), ids in creation order. The leads indexes are
 * dropped for the load and rebuilt from their own definitions, then VACUUM ANALYZE.
 */
async function seedLeads(c: pg.Client, leads: number, accounts: Account[]) {
  const phasesMs: Record<string, number> = {};
  let t = Date.now();
  const lap = (name: string) => {
    phasesMs[name] = Date.now() - t;
    t = Date.now();
  };
  // Counties: the city's nine at fixed ranks, 91 others in a stable pseudo-random order.
  const cityCounties: string[] = (await c.query(`SELECT DISTINCT left(code, 6) AS county FROM regions WHERE level = 4 AND code LIKE $1 || '%' ORDER BY 1`, [CITY])).rows.map((r) => r.county);
  const others: string[] = (
    await c.query(
      `SELECT county FROM (SELECT left(code, 6) AS county, count(*) AS n FROM regions WHERE level = 4 AND code NOT LIKE $1 || '%' GROUP BY 1) x
       WHERE n >= 5 ORDER BY md5(county) LIMIT $2`,
      [CITY, COUNTIES - cityCounties.length],
    )
  ).rows.map((r) => r.county);
  const ranks = new Array<string | undefined>(COUNTIES);
  const inspectorRanks = [0, 8, 25, 55, 90];
  INSPECTOR_COUNTIES.forEach((county, i) => (ranks[inspectorRanks[i]] = county));
  const restOfCity = cityCounties.filter((county) => !INSPECTOR_COUNTIES.includes(county));
  [3, 15, 40, 70].slice(0, restOfCity.length).forEach((rank, i) => (ranks[rank] = restOfCity[i]));
  for (const county of [...restOfCity.slice(4), ...others]) ranks[ranks.findIndex((r) => r === undefined)] = county;
  if (ranks.some((r) => r === undefined)) throw new Error('not enough counties with townships');

  // Inspectors of the other counties (not logged in; their leads need real assignees).
  await c.query(
    `INSERT INTO users (username, display_name, role, region_code, password_hash)
     SELECT 'placeholder-' || county || '-' || k, '核查员' || county || '-' || k, 'inspector', county, '!'
     FROM unnest($1::text[]) AS county, generate_series(1, 3) AS k`,
    [ranks.filter((r) => !INSPECTOR_COUNTIES.includes(r!))],
  );
  await c.query(
    `CREATE TEMP TABLE bench_county AS
     SELECT rank - 1 AS rank, county,
            (SELECT array_agg(code ORDER BY code) FROM regions WHERE level = 4 AND left(code, 6) = county) AS townships,
            (SELECT array_agg(id ORDER BY id) FROM users WHERE role = 'inspector' AND region_code = county) AS inspectors,
            (SELECT array_agg(display_name ORDER BY id) FROM users WHERE role = 'inspector' AND region_code = county) AS inspector_names
     FROM unnest($1::text[]) WITH ORDINALITY AS x(county, rank)`,
    [ranks],
  );
  const accountCounties = new Set(accounts.filter((a) => a.role === 'inspector').map((a) => a.region));
  if (accountCounties.size !== INSPECTOR_COUNTIES.length) throw new Error('inspector accounts missing');
  lap('counties');

  // Indexes other than the primary key go for the load and come back from their definitions.
  const indexes: { name: string; def: string }[] = (
    await c.query(
      `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
       WHERE i.schemaname = 'public' AND i.tablename = 'leads'
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)`,
    )
  ).rows;
  for (const ix of indexes) await c.query(`DROP INDEX ${JSON.stringify(ix.name)}`);
  await c.query(`SET maintenance_work_mem = '512MB'`);
  await c.query(`SELECT setseed(0.2024)`);
  await c.query(
    `INSERT INTO leads (rule_code, rule_version, severity, status, outcome, verdict, lead_key, generation, id_number, name, program_code, period, bank_account,
                        region_code, amount_at_risk_fen, evidence_count, card, card_since, due_on, deadline_step, explanation, created_at, updated_at, closed_at,
                        assignee_id, assignee_name, finding, amount_confirmed_fen, amount_recovered_fen, disposals, verified_at, rectified_at)
     SELECT rule, 1, severity, status, outcome, verdict, 'B|' || i, 0, id_number, name, program, to_char(created_at - interval '1 month', 'YYYY-MM'), bank_account,
            township, amount, 1 + floor(r_misc * 4)::int, card, card_since, due_on, deadline_step,
            format('%s 于 %s 领取 %s 元（%s）', name, to_char(created_at - interval '1 month', 'YYYY-MM'), (amount / 100.0)::numeric(14, 2), rule_text),
            created_at, coalesce(closed_at, rectified_at, verified_at, created_at), closed_at,
            assignee_id, assignee_name, finding, confirmed, recovered, disposals, verified_at, rectified_at
     FROM (
       SELECT v.*,
              CASE WHEN due_on IS NULL THEN NULL
                   WHEN due_on < current_date - 14 THEN 'red' WHEN due_on < current_date THEN 'yellow' WHEN due_on <= current_date + 3 THEN 'blue' END AS card,
              CASE WHEN due_on IS NULL THEN NULL
                   WHEN due_on < current_date - 14 THEN (due_on + 15)::timestamptz WHEN due_on < current_date THEN (due_on + 1)::timestamptz
                   WHEN due_on <= current_date + 3 THEN (due_on - 4)::timestamptz END AS card_since,
              CASE WHEN verdict IS NOT NULL THEN created_at + make_interval(days => 2 + floor(r_due * 14)::int) END AS verified_at,
              CASE WHEN outcome = 'rectified' THEN created_at + make_interval(days => 30 + floor(r_due * 30)::int) END AS rectified_at,
              CASE WHEN status = 'closed' THEN created_at + make_interval(days => 40 + floor(r_due * 40)::int) END AS closed_at,
              CASE verdict WHEN 'confirmed' THEN '经核查属实：' || rule_text WHEN 'dismissed' THEN '经核查不属实：数据比对误差，已核对原始凭证' END AS finding,
              CASE WHEN verdict = 'confirmed' THEN floor(amount * (0.5 + 0.5 * r_misc))::bigint END AS confirmed,
              CASE WHEN outcome = 'rectified' THEN floor(amount * (0.5 + 0.5 * r_misc))::bigint
                   WHEN status IN ('disposed', 'rectifying') THEN floor(amount * (0.5 + 0.5 * r_misc) * r_due * 0.5)::bigint ELSE 0 END AS recovered,
              CASE WHEN status IN ('disposed', 'rectifying', 'rectified') OR (status = 'closed' AND verdict = 'confirmed')
                   THEN ARRAY[(ARRAY['函询', '谈话', '立案', '移送司法机关', '组织处理', '党纪政务处分'])[1 + floor(power(r_assignee, 2) * 6)::int]] ELSE '{}' END AS disposals,
              CASE WHEN status = 'new' OR (status = 'dismissed' AND r_misc < 0.3) THEN NULL ELSE inspectors[1 + floor(r_assignee * cardinality(inspectors))::int] END AS assignee_id,
              CASE WHEN status = 'new' OR (status = 'dismissed' AND r_misc < 0.3) THEN NULL ELSE inspector_names[1 + floor(r_assignee * cardinality(inspectors))::int] END AS assignee_name
       FROM (
         SELECT u.*,
                CASE WHEN status = 'dismissed' OR (status = 'closed' AND r_misc < 0.5) THEN 'dismissed' WHEN status IN ('confirmed', 'disposed', 'rectifying', 'rectified', 'closed') THEN 'confirmed' END AS verdict,
                CASE WHEN status = 'dismissed' OR (status = 'closed' AND r_misc < 0.5) THEN 'dismissed' WHEN status = 'rectified' OR status = 'closed' THEN 'rectified' END AS outcome,
                CASE WHEN status IN ('new', 'assigned', 'verifying') THEN (created_at::date + 21)
                     WHEN status IN ('confirmed', 'disposed', 'rectifying', 'rectified') THEN current_date + (floor(r_due * 50)::int - 20) END AS due_on,
                CASE WHEN status IN ('new', 'assigned', 'verifying', 'dismissed') THEN 'verify' WHEN status = 'confirmed' THEN 'dispose'
                     WHEN status IN ('disposed', 'rectifying') THEN 'rectify' ELSE 'close' END AS deadline_step
         FROM (
           SELECT s.*, c.inspectors, c.inspector_names,
                  c.townships[1 + floor(s.r_town * cardinality(c.townships))::int] AS township,
                  now() - make_interval(secs => r_age * 86400 * CASE WHEN s.status IN ('new', 'assigned', 'verifying') THEN 45
                                                                     WHEN s.status IN ('confirmed', 'disposed', 'rectifying', 'rectified') THEN 240 ELSE 730 END) AS created_at,
                  left(c.townships[1 + floor(s.r_town * cardinality(c.townships))::int], 6) || to_char(date '1940-01-01' + floor(r_misc * 25000)::int, 'YYYYMMDD')
                    || lpad((i % 1000)::text, 3, '0') || (i % 10)::text AS id_number,
                  (ARRAY['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙'])[1 + (i % 12)]
                    || (ARRAY['建国', '秀英', '桂兰', '志强', '海燕', '德明', '春花', '永红', '玉兰', '国华'])[1 + (i / 12 % 10)] AS name,
                  '62170' || lpad(i::text, 14, '0') AS bank_account,
                  floor(exp(ln(10000) + power(r_amount, 1.6) * ln(1000)))::bigint AS amount,
                  CASE WHEN r_sev < 0.2 THEN 'high' WHEN r_sev < 0.65 THEN 'medium' ELSE 'low' END AS severity
           FROM (
             SELECT r.*,
                    CASE WHEN r_status < 0.08 THEN 'new' WHEN r_status < 0.14 THEN 'assigned' WHEN r_status < 0.22 THEN 'verifying' WHEN r_status < 0.50 THEN 'dismissed'
                         WHEN r_status < 0.54 THEN 'confirmed' WHEN r_status < 0.58 THEN 'disposed' WHEN r_status < 0.63 THEN 'rectifying' WHEN r_status < 0.68 THEN 'rectified'
                         ELSE 'closed' END AS status,
                    rules.code AS rule, rules.text AS rule_text,
                    programs[1 + floor(power(r_prog, 1.5) * cardinality(programs))::int] AS program
             FROM (SELECT i, random() AS r_county, random() AS r_town, random() AS r_status, random() AS r_rule, random() AS r_sev, random() AS r_amount,
                          random() AS r_due, random() AS r_age, random() AS r_misc, random() AS r_assignee, random() AS r_prog
                   FROM generate_series(1, $1::int) AS i) r
             CROSS JOIN (SELECT array_agg(code ORDER BY code) AS programs FROM programs) p
             JOIN (VALUES ('R01', 0.00, 0.22, '死亡人员仍领取'), ('R02', 0.22, 0.38, '财政供养人员违规领取'), ('R03', 0.38, 0.50, '村干部及其亲属违规领取'),
                          ('R04', 0.50, 0.60, '有车辆登记'), ('R05', 0.60, 0.69, '有工商登记'), ('R06', 0.69, 0.76, '重复领取'),
                          ('R07', 0.76, 0.82, '超标准发放'), ('R08', 0.82, 0.87, '同一账户多人领取'), ('R09', 0.87, 0.91, '年龄不符'),
                          ('R10', 0.91, 0.95, '跨地区重复享受'), ('R11', 0.95, 0.98, '迟报补发异常'), ('R12', 0.98, 1.01, '其他异常'))
                  AS rules(code, lo, hi, text) ON r.r_rule >= rules.lo AND r.r_rule < rules.hi
           ) s
           JOIN bench_county c ON c.rank = least(${COUNTIES - 1}, floor(${COUNTIES} * power(s.r_county, 1.3))::int)
         ) u
       ) v
     ) w
     ORDER BY created_at`,
    [leads],
  );
  lap('insert');
  for (const ix of indexes) await c.query(ix.def);
  lap('indexes');
  await c.query('VACUUM (ANALYZE) leads');
  await c.query('ANALYZE users');
  lap('vacuumAnalyze');
  return { phasesMs };
}

/** What the run worked on: the clients' counties, the city, the table. */
async function describeData(c: pg.Client) {
  const counties = Object.fromEntries(
    (await c.query(`SELECT county_code, count(*)::int AS n FROM leads WHERE county_code = ANY($1) GROUP BY 1`, [INSPECTOR_COUNTIES])).rows.map((r) => [r.county_code, r.n]),
  );
  const [city] = (await c.query(`SELECT count(*)::int AS n FROM leads WHERE region_code LIKE $1 || '%'`, [CITY])).rows;
  const [open] = (await c.query(`SELECT count(*) FILTER (WHERE status NOT IN ('dismissed', 'closed'))::int AS open, count(*) FILTER (WHERE card IS NOT NULL)::int AS carded FROM leads`)).rows;
  const [size] = (await c.query(`SELECT pg_size_pretty(pg_table_size('leads')) AS heap, pg_size_pretty(pg_indexes_size('leads')) AS indexes`)).rows;
  return { inspectorCounties: counties, city: { [CITY]: city.n }, open: open.open, withCard: open.carded, leadsTable: size };
}

/** Each inspector its own open leads (new, assigned, verifying) of its county, newest first. */
async function dealLeads(c: pg.Client, inspectors: LoadPlan['clients'], perInspector = 3000) {
  for (const county of INSPECTOR_COUNTIES) {
    const mine = inspectors.filter((i) => i.region === county);
    const { rows } = await c.query(`SELECT id::text, status FROM leads WHERE county_code = $1 AND status IN ('new', 'assigned', 'verifying') ORDER BY leads.id DESC LIMIT $2`, [county, perInspector * mine.length]);
    rows.forEach((r, i) => mine[i % mine.length].leads.push([r.id, r.status]));
  }
}

async function login(baseUrl: string, username: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

const pick = (s: Stats) => ({ p50: s.p50, p95: s.p95, p99: s.p99, count: s.count, errors: s.errors, perSecond: s.perSecond });
const ratio = (a: number, b: number) => Number((a / b).toFixed(2));

/** One load's figures: p95 per request, each to the baseline's p95 of the same load. */
function summariseRun(r: LoadReport) {
  const base = r.baseline['auth-me'];
  const county = Object.entries(r.queries.county);
  const city = Object.entries(r.queries.city);
  const all = [...county.map(([n, s]) => [`county:${n}`, s] as const), ...city.map(([n, s]) => [`city:${n}`, s] as const)];
  const slowest = all.reduce((a, b) => (b[1].p95 > a[1].p95 ? b : a));
  const errors = all.reduce((n, [, s]) => n + s.errors, 0) + r.actions.all.errors + Object.values(r.solo).reduce((n, s) => n + s.errors, 0);
  const perQuery = (entries: [string, Stats][]) => Object.fromEntries(entries.map(([name, s]) => [name, { p50: s.p50, p95: s.p95, p95ToBaseline: ratio(s.p95, base.p95), count: s.count, errors: s.errors }]));
  return {
    // One inspector of the largest county alone: what each request costs without queueing
    // (the ten queries, auth-me, and state changes as action:*).
    unloaded: Object.fromEntries(Object.entries(r.solo).map(([name, s]) => [name, { p50: s.p50, p95: s.p95, count: s.count, errors: s.errors }])),
    baseline: { health: pick(r.baseline.health), authMe: pick(base) },
    // County queues (19 inspectors) per query, and the city supervisor's view of the same ten.
    queueQueries: perQuery(county),
    queueQueriesAll: pick(r.queries.allCounty),
    cityQueries: perQuery(city),
    cityQueriesAll: pick(r.queries.allCity),
    stateChanges: Object.fromEntries(Object.entries(r.actions.byAction).map(([name, s]) => [name, { ...pick(s), p95ToBaseline: ratio(s.p95, base.p95) }])),
    stateChangesAll: pick(r.actions.all),
    leadsMoved: r.actions.leadsFinished,
    // % of one core per phase: where the time goes (api: the API's processes together).
    cpuPercent: r.cpu,
    clientsOutOfLeads: r.actions.clientsOutOfLeads,
    ratios: {
      // To the cheapest authenticated route under the same concurrency, in the same load.
      queueP50ToAuthMe: ratio(r.queries.allCounty.p50, base.p50),
      queueP95ToAuthMe: ratio(r.queries.allCounty.p95, base.p95),
      cityP95ToAuthMe: ratio(r.queries.allCity.p95, base.p95),
      slowestQueueP95ToAuthMe: ratio(slowest[1].p95, base.p95),
      stateChangeP50ToAuthMe: ratio(r.actions.all.p50, base.p50),
      stateChangeP95ToAuthMe: ratio(r.actions.all.p95, base.p95),
    },
    slowestQueueQuery: { name: slowest[0], p95: slowest[1].p95 },
    met: {
      everyQueryP95Within2xBaseline: all.every(([, s]) => s.p95 <= RATIO_TARGET * base.p95),
      stateChangesP95Within2xBaseline: r.actions.all.p95 <= RATIO_TARGET * base.p95,
      queueQueriesP95Under50Ms: county.every(([, s]) => s.p95 < TARGETS.queueP95Ms),
      stateChangesP95Under30Ms: r.actions.all.p95 < TARGETS.stateChangeP95Ms,
    },
    errors,
    errorSamples: r.errorSamples,
  };
}

function summarise(leads: number, seeding: { phasesMs: Record<string, number>; reused?: boolean }, data: unknown, runs: Record<string, LoadReport>, redisUrl: string | undefined) {
  const byProcesses = Object.fromEntries(Object.entries(runs).map(([n, r]) => [n, summariseRun(r)]));
  // p95 and its ratio to the baseline per request, side by side for each process count.
  const names = [...new Set(Object.values(byProcesses).flatMap((s) => [...Object.keys(s.queueQueries).map((n) => `county:${n}`), ...Object.keys(s.cityQueries).map((n) => `city:${n}`)]))];
  const comparison: Record<string, Record<string, string>> = {};
  for (const [n, s] of Object.entries(byProcesses)) {
    const row = (p95: number) => `${p95} ms (${ratio(p95, s.baseline.authMe.p95)}×)`;
    comparison[`baseline auth-me`] = { ...comparison['baseline auth-me'], [`${n} process(es)`]: `${s.baseline.authMe.p95} ms` };
    for (const name of names) {
      const [scope, q] = name.split(':');
      const stats = (scope === 'county' ? s.queueQueries : s.cityQueries)[q];
      if (stats) comparison[name] = { ...comparison[name], [`${n} process(es)`]: row(stats.p95) };
    }
    comparison['state changes'] = { ...comparison['state changes'], [`${n} process(es)`]: row(s.stateChangesAll.p95) };
  }
  return {
    leads,
    machine: { cpus: os.availableParallelism(), queue: redisUrl ? 'Redis' : 'PostgreSQL' },
    seedMs: seeding.phasesMs,
    reusedDatabase: seeding.reused ?? false,
    data,
    concurrency: Object.values(runs)[0]?.concurrency,
    targets: { ...TARGETS, p95ToBaseline: RATIO_TARGET },
    comparison,
    byProcesses,
  };
}
