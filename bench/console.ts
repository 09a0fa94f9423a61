import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';
import type pg from 'pg';
import { OUT, ROOT, admin, dropDatabase, freePort, freshDatabase, median, nativePostgres, say, startApi, stopApi, templateDatabase, waitForHealth } from './support.js';

const run = promisify(execFile);

/** 松滋市: the county whose inspector opens the queue; every lead of the run is in its townships. */
const COUNTY = '421087';
const INSPECTOR = 'bench-console';
const PASSWORD = 'Bench-console-2024';
const CHROMIUM = process.env.SUNLIGHT_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * The console's first load (issue 13): a county holding 1,000,000 leads, its inspector opening
 * 线索队列 in Chromium with an empty cache, signed in (the refresh token in the browser, as after
 * a reload). Measured from navigation to the queue's first 50 rows on screen, with every byte the
 * browser received; then the same with a warm cache; against, in the same run, the API call the
 * page makes for those rows (GET /api/leads?limit=50) alone. The API serves the built console
 * (dist/web), on native PostgreSQL.
 */
export async function consoleBenchmark(leads = 1_000_000, rounds = 5) {
  const url = await nativePostgres();
  if (!url) return { skipped: 'no native PostgreSQL (DATABASE_URL or 127.0.0.1:5432)' };
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM} (apt-get install chromium)` };
  if (!existsSync(path.join(ROOT, 'dist/web/index.html'))) return { skipped: 'the console is not built (npm run build)' };
  const template = 'sunlight_bench_console_tpl';
  const db = 'sunlight_bench_console';
  await templateDatabase(url, template);
  const target = await freshDatabase(url, template, db);
  let api: ChildProcess | undefined;
  try {
    await run(process.execPath, [path.join(ROOT, 'dist/apps/cli/src/main.js'), 'users', 'create', INSPECTOR, '--role', 'inspector', '--region', COUNTY, '--name', '基准核查员'], {
      env: { ...process.env, DATABASE_URL: target, SUNLIGHT_NEW_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' },
    });
    let t = Date.now();
    await admin(target, (c) => seedCounty(c, leads));
    say(`${leads} leads seeded in ${COUNTY} in ${Date.now() - t} ms`);

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    api = startApi({ databaseUrl: target, port, logFile: path.join(OUT, 'console-api.log'), queuePrefix: 'sunlight-bench-console' });
    await waitForHealth(baseUrl, api);

    // The page's own request for its first rows, captured from a first (discarded) load.
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const first = await browser.newContext();
      const { queueUrl } = await firstLoad(() => Promise.resolve(first), baseUrl);
      await first.close();
      say(`the page asks ${queueUrl.replace(baseUrl, '')}`);

      const apiAlone: { ms: number; bytes: number }[] = [];
      const cold: Load[] = [];
      const warm: Load[] = [];
      for (let i = 0; i < rounds; i++) {
        // Interleaved, so that the machine's drift touches both sides alike.
        apiAlone.push(await callAlone(baseUrl, queueUrl));
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
        try {
          cold.push(await firstLoad(() => Promise.resolve(context), baseUrl));
          warm.push(await firstLoad(() => Promise.resolve(context), baseUrl, true));
        } finally {
          await context.close();
        }
        say(`round ${i + 1}: API ${apiAlone[i].ms} ms ${apiAlone[i].bytes} B · cold ${cold[i].ms} ms ${cold[i].bytes} B · warm ${warm[i].ms} ms ${warm[i].bytes} B`);
      }
      const m = (xs: number[]) => Math.round(median(xs));
      const result = {
        leads,
        county: COUNTY,
        rounds,
        apiAlone: { medianMs: m(apiAlone.map((a) => a.ms)), bytes: m(apiAlone.map((a) => a.bytes)) },
        coldLoad: { medianMs: m(cold.map((l) => l.ms)), bytes: m(cold.map((l) => l.bytes)), requests: m(cold.map((l) => l.requests)) },
        warmLoad: { medianMs: m(warm.map((l) => l.ms)), bytes: m(warm.map((l) => l.bytes)), requests: m(warm.map((l) => l.requests)) },
        ratios: {} as Record<string, number>,
        // The last cold load's requests, in order: what the page waits on before its rows.
        coldTimeline: cold[cold.length - 1].timeline,
      };
      const ratio = (a: number, b: number) => Number((a / b).toFixed(1));
      result.ratios = {
        coldTimeToApi: ratio(result.coldLoad.medianMs, result.apiAlone.medianMs),
        warmTimeToApi: ratio(result.warmLoad.medianMs, result.apiAlone.medianMs),
        coldBytesToApi: ratio(result.coldLoad.bytes, result.apiAlone.bytes),
        warmBytesToApi: ratio(result.warmLoad.bytes, result.apiAlone.bytes),
      };
      return result;
    } finally {
      await browser.close();
    }
  } finally {
    if (api) await stopApi(api);
    await dropDatabase(url, db);
    await dropDatabase(url, template);
  }
}

interface Load {
  ms: number;
  /** Bytes on the wire (compressed bodies and headers), as Chromium counts them. */
  bytes: number;
  requests: number;
  queueUrl: string;
  /** Each request from navigation: when it started and ended (ms), for where the time goes. */
  timeline: { path: string; startMs: number; endMs: number }[];
}

/**
 * One visit to /leads, signed in as after a reload (a fresh refresh token in localStorage): from
 * navigation until 50 rows of the queue are on screen. `again`: the same context, cache warm.
 */
async function firstLoad(newContext: () => Promise<BrowserContext>, baseUrl: string, again = false): Promise<Load> {
  const session = await login(baseUrl);
  const context = await newContext();
  // (Strings: this runs in the page, and the benchmarks' TypeScript has no DOM types.)
  await context.addInitScript(`localStorage.setItem('sunlight.refresh', ${JSON.stringify(session.refreshToken)}); localStorage.setItem('sunlight.user', ${JSON.stringify(JSON.stringify(session.user))});`);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  let bytes = 0;
  let requests = 0;
  cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
    bytes += e.encodedDataLength;
    requests++;
  });
  let queueUrl = '';
  const started = performance.now();
  const timeline: { path: string; startMs: number; endMs: number }[] = [];
  page.on('request', (r) => {
    if (!queueUrl && /\/api\/leads\?/.test(r.url())) queueUrl = r.url();
  });
  page.on('requestfinished', (r) => {
    const t = r.timing();
    const path = r.url().replace(baseUrl, '');
    // (timing() is relative to the request's own start, an epoch in ms.)
    timeline.push({ path, startMs: Math.round(t.startTime - performance.timeOrigin - started), endMs: Math.round(t.startTime + t.responseEnd - performance.timeOrigin - started) });
  });
  if (!again) await cdp.send('Network.clearBrowserCache');
  const navigated = performance.now();
  await page.goto(`${baseUrl}/leads`);
  // (A locator, not a function: the console's CSP forbids evaluating strings.)
  await page.locator('.el-table__body-wrapper tbody tr.el-table__row').nth(49).waitFor({ state: 'visible', timeout: 60_000 });
  const ms = Math.round(performance.now() - navigated);
  await page.close();
  if (!queueUrl) throw new Error('the page did not ask GET /api/leads');
  // From the document's request (the browser's clock and ours differ by an offset).
  timeline.sort((a, b) => a.startMs - b.startMs);
  const origin = timeline[0]?.startMs ?? 0;
  return { ms, bytes, requests, queueUrl, timeline: timeline.map((t) => ({ ...t, startMs: t.startMs - origin, endMs: t.endMs - origin })) };
}

/**
 * The queue's request alone, as the page sends it (its own access token, the browser's
 * Accept-Encoding), timed to the last byte; bytes as they came over the wire (compressed).
 */
async function callAlone(baseUrl: string, queueUrl: string): Promise<{ ms: number; bytes: number }> {
  const { accessToken } = await login(baseUrl);
  const started = performance.now();
  const { status, bytes } = await new Promise<{ status: number; bytes: number }>((resolve, reject) => {
    const req = http.get(queueUrl, { headers: { authorization: `Bearer ${accessToken}`, 'accept-encoding': 'gzip, deflate, br' } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  const ms = Math.round(performance.now() - started);
  if (status !== 200) throw new Error(`GET ${queueUrl}: ${status}`);
  return { ms, bytes };
}

/**
 * 1,000,000 leads in the county's townships, set-based: rules, severities and statuses spread
 * along the lifecycle, deadlines and cards on the open ones, created over two years.
 */
async function seedCounty(c: pg.Client, leads: number): Promise<void> {
  const townships: string[] = (await c.query(`SELECT code FROM regions WHERE level = 4 AND left(code, 6) = $1 ORDER BY code`, [COUNTY])).rows.map((r) => r.code);
  if (!townships.length) throw new Error(`no townships of ${COUNTY} in regions`);
  await c.query(`SET maintenance_work_mem = '512MB'`);
  await c.query(`SELECT setseed(0.13)`);
  await c.query(
    `INSERT INTO leads (rule_code, rule_version, severity, status, outcome, verdict, lead_key, id_number, name, program_code, period, region_code,
                        amount_at_risk_fen, evidence_count, due_on, card, deadline_step, explanation, created_at, updated_at, closed_at)
     SELECT rule, 1, (ARRAY['high','medium','low'])[1 + i % 3], status,
            CASE status WHEN 'dismissed' THEN 'dismissed' WHEN 'closed' THEN 'rectified' END,
            CASE WHEN status IN ('dismissed') THEN 'dismissed' WHEN status IN ('confirmed','disposed','rectifying','rectified','closed') THEN 'confirmed' END,
            'C|' || i, id_number, '基准' || (i % 9973), 'DIBAO', to_char(created_at, 'YYYY-MM'), ($2::text[])[1 + i % cardinality($2::text[])],
            amount, 1 + i % 4, due_on,
            CASE WHEN due_on IS NULL THEN NULL WHEN due_on < current_date - 14 THEN 'red' WHEN due_on < current_date THEN 'yellow' WHEN due_on <= current_date + 3 THEN 'blue' END,
            'verify', format('%s 于 %s 领取 %s 元', '基准' || (i % 9973), to_char(created_at, 'YYYY-MM'), (amount / 100.0)::numeric(14, 2)),
            created_at, created_at, CASE WHEN status IN ('dismissed','closed') THEN created_at + interval '20 days' END
     FROM (
       SELECT i, 'R' || lpad((1 + (i * 7) % 12)::text, 2, '0') AS rule,
              (ARRAY['new','new','assigned','verifying','confirmed','rectifying','dismissed','closed','closed','closed'])[1 + i % 10] AS status,
              '421087' || to_char(19400101 + (i % 600000), 'FM00000000') || lpad((i % 1000)::text, 3, '0') || 'X' AS id_number,
              (10000 + floor(random() * 500000))::bigint AS amount,
              now() - make_interval(days => floor(random() * 730)::int) AS created_at,
              CASE WHEN i % 10 < 6 THEN current_date + (floor(random() * 60)::int - 30) END AS due_on
       FROM generate_series(1, $1::int) AS i
     ) x`,
    [leads, townships],
  );
  await c.query('VACUUM ANALYZE leads');
}

async function login(baseUrl: string): Promise<{ accessToken: string; refreshToken: string; user: unknown }> {
  const res = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: INSPECTOR, password: PASSWORD }) });
  if (!res.ok) throw new Error(`login: ${res.status} ${await res.text()}`);
  return (await res.json()) as { accessToken: string; refreshToken: string; user: unknown };
}
