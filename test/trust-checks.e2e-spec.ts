import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { ImportBatch, ImportBatchCommand, ImportRegistry, ImportRegistryCommand, REGISTRY_KINDS } from '@sunlight/ingestion';
import { JobName, OutboxRelay, QueueName, QueueRegistry } from '@sunlight/queue';
import { RULE_CATALOGUE, RequestChecks, RequestChecksCommand, type CheckRunSummary } from '@sunlight/rules';
import {
  ROOT, SAMPLES, TEST_PASSWORD, backends, bootApp, cli, freshEnv, login, primaryBackend, startServer, until,
  type RunningServer, type TestApp, type TestEnv,
} from './support/harness.js';
import { Inbox } from './support/inbox.js';

/**
 * Issue 11: what the digest calls a rule, "send now" on the embedded default, a stored batch
 * whose check could not be queued, and the totals of a check run whose worker died.
 */

/** Polls fn until it answers a value, or fails after ms (a bound, not a pace). */


async function addSupervisor(env: TestEnv, username: string, region: string, email: string): Promise<void> {
  const r = await cli({ ...env, env: { ...env.env, SUNLIGHT_NEW_PASSWORD: TEST_PASSWORD } }, 'users', 'create', username, '--role', 'supervisor', '--region', region, '--email', email);
  if (r.code !== 0) throw new Error(`users create ${username}: ${r.stderr}`);
}

describe(`the digest names rules as the catalogue does (${primaryBackend().name})`, () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name);
  });
  afterAll(async () => env?.cleanup());

  it('previews R08–R11 leads under their catalogue names', async () => {
    await addSupervisor(env, 'su.names', '421087', 'names@jw.example.gov.cn');
    const app = await bootApp(env);
    try {
      for (const [i, rule] of ['R08', 'R09', 'R10', 'R11'].entries()) {
        await app.query(
          `INSERT INTO leads (rule_code, rule_version, severity, lead_key, region_code, amount_at_risk_fen, name, explanation, due_on)
           VALUES ($1, 1, 'low', $2, '421087101', 10000, '张三', '说明', current_date + 10)`,
          [rule, `${rule}|names|${i}`],
        );
      }
    } finally {
      await app.close();
    }
    const preview = await cli(env, 'digest', 'preview', '--user', 'su.names');
    expect(preview.code).toBe(0);
    for (const code of ['R08', 'R09', 'R10', 'R11']) {
      const name = RULE_CATALOGUE.find((r) => r.code === code)!.name.zh;
      expect(preview.stdout).toContain(`${code} ${name}：1 条`);
    }
    // CONTRACT §4, spelled out: the stale copy said 冒名领取 and 户籍已注销.
    expect(preview.stdout).toContain('R10 身份证号无效：1 条');
    expect(preview.stdout).toContain('R11 年龄不符：1 条');
  });
});

describe('"send now" on the embedded default delivers without waiting for shutdown', () => {
  const inbox = new Inbox();
  let env: TestEnv;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    await inbox.start();
    env = await freshEnv('embedded', { SUNLIGHT_SMTP_URL: `smtp://127.0.0.1:${inbox.port}`, SUNLIGHT_INLINE_WORKER: 'true' });
  });
  afterAll(async () => {
    await server?.stop();
    await env?.cleanup();
    await inbox.stop();
  });

  it('POST /api/digests/send reaches status sent while the server runs', async () => {
    await addSupervisor(env, 'su.now', '421087', 'now@jw.example.gov.cn');
    server = await startServer(env);
    const token = await login(server.url, 'su.now');
    const auth = { authorization: `Bearer ${token}` };
    const sent = await fetch(`${server.url}/api/digests/send`, { method: 'POST', headers: auth });
    expect(sent.status).toBe(202);
    const { digestId } = (await sent.json()) as { digestId: string };
    const digest = await until(
      async () => {
        const res = await fetch(`${server!.url}/api/digests/${digestId}`, { headers: auth });
        const body = (await res.json()) as { status: string };
        return ['sent', 'failed'].includes(body.status) ? body : undefined;
      },
      60_000,
      `digest ${digestId} to leave pending`,
    );
    expect(digest.status).toBe('sent');
    expect(inbox.messages.some((m) => JSON.stringify(m.to).includes('now@jw.example.gov.cn'))).toBe(true);
  });
});

const WORKER = path.join(ROOT, 'dist/apps/worker/src/main.js');

/** `npm run start:worker`'s process; resolves once it processes jobs. */
function startWorker(env: TestEnv, extra: Record<string, string> = {}): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER], { env: { ...env.env, ...extra }, cwd: ROOT });
    let output = '';
    const onData = (d: Buffer) => {
      output += d;
      if (output.includes('processing jobs')) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** The sample registries and batches, loaded in this process (their automatic checks stay queued). */
async function loadSamples(app: TestApp): Promise<void> {
  for (const kind of REGISTRY_KINDS) {
    const r = await app.get(ImportRegistry).execute(new ImportRegistryCommand(kind, path.join(SAMPLES, `${kind}.csv`), `${kind}.csv`, 'test', false, false));
    expect(r.status).toBe('stored');
  }
  for (const file of ['batch-421087-2024Q2.csv', 'batch-131121-2024-04.csv']) {
    const r = await app.get(ImportBatch).execute(new ImportBatchCommand(path.join(SAMPLES, file), file, 'test', '', false));
    expect(r.status).toBe('stored');
  }
}

const totals = (s: CheckRunSummary) => ({ leadsRaised: s.leadsRaised, leadsUpdated: s.leadsUpdated, byRule: s.byRule, updatedByRule: s.updatedByRule, failedRules: s.failedRules });

describe('a check run whose worker died mid-run (postgres)', () => {
  const pgBackend = backends().find((b) => b.name === 'postgres')!;
  if (pgBackend.skip) {
    it.skip(`skipped: ${pgBackend.skip}`, () => undefined);
    return;
  }
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('reports the totals of an uninterrupted run on the same data', async () => {
    // The reference: a fresh installation, `checks run` uninterrupted.
    const reference = await freshEnv('postgres');
    cleanups.push(() => reference.cleanup());
    const refApp = await bootApp(reference);
    await loadSamples(refApp).finally(() => refApp.close());
    const uninterrupted = await cli(reference, 'checks', 'run');
    expect(uninterrupted.code).toBe(0);
    expect(uninterrupted.json.leadsRaised).toBeGreaterThan(0);

    // The same data; one rule at a time, so that the run stops at a known rule.
    const env = await freshEnv('postgres', { SUNLIGHT_CHECK_CONCURRENCY: '1' });
    cleanups.push(() => env.cleanup());
    const app = await bootApp(env);
    let runId: string;
    try {
      await loadSamples(app);
      // The imports' own checks are out of the way (a worker would run them first once the
      // killed worker's job waits for its lock to expire): this run alone raises the leads.
      await app.query(`UPDATE check_runs SET status = 'completed', summary = '{"leadsRaised":0,"leadsUpdated":0,"byRule":{},"updatedByRule":{},"failedRules":{}}'`);
      runId = await app.get(RequestChecks).execute(new RequestChecksCommand('all', 'manual', 'test'));
    } finally {
      await app.close();
    }
    const db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    cleanups.push(() => db.end());
    // R05 waits for this lock (every rule takes its own), so R01–R04 finish and the run halts.
    await db.query(`SELECT pg_advisory_lock(hashtext('sunlight:rule:R05'))`);
    const first = await startWorker(env);
    cleanups.push(() => stopProcess(first, 'SIGKILL'));
    await until(async () => {
      const [run] = (await db.query(`SELECT progress FROM check_runs WHERE id = $1`, [runId])).rows;
      return run.progress?.done >= 4 ? run : undefined;
    }, 60_000, 'four rules done');
    const [{ n: leadsBefore }] = (await db.query(`SELECT count(*)::int AS n FROM leads`)).rows;
    expect(leadsBefore).toBeGreaterThan(0); // rules that finished before the crash raised leads
    await stopProcess(first, 'SIGKILL');
    await db.query(`SELECT pg_advisory_unlock_all()`);
    // The dead worker's job lock would expire after its lockDuration (two minutes), and BullMQ's
    // stall check would mark the job on one pass and hand it back on the next (every 30 s): bring
    // all three about now, so that the second worker's first stall check (at its start) reclaims it.
    await db.query(`UPDATE bullmq.job SET locked_until_ms = 0, stalled_marked = true WHERE queue = 'checks' AND state = 'active'`);
    await db.query(`DELETE FROM bullmq.meta WHERE queue = 'checks' AND field = 'stalled-check'`);

    const second = await startWorker(env);
    cleanups.push(() => stopProcess(second));
    const run = await until(async () => {
      const [row] = (await db.query(`SELECT status, summary FROM check_runs WHERE id = $1`, [runId])).rows;
      return row.status === 'completed' ? row : undefined;
    }, 150_000, 'the run to complete on the second worker');
    expect(totals(run.summary)).toEqual(totals(uninterrupted.json));
    const [{ n: leadsAfter }] = (await db.query(`SELECT count(*)::int AS n FROM leads`)).rows;
    expect(leadsAfter).toBe(uninterrupted.json.leadsRaised);
  }, 300_000);
});

/** Runs `fn` with a connection of its own to the installation's PostgreSQL database. */
async function onDatabase(env: TestEnv, fn: (db: pg.Client) => Promise<void>): Promise<void> {
  const db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  try {
    await fn(db);
  } finally {
    await db.end();
  }
}

// Redis is gone for the importing process: the checks queue cannot take a job. What the import
// recorded with its data (the outbox) must reach the queue when a server starts later.
describe('a stored import whose check could not be queued (postgres+redis)', () => {
  const redisBackend = backends().find((b) => b.name === 'postgres+redis')!;
  if (redisBackend.skip) {
    it.skip(`skipped: ${redisBackend.skip}`, () => undefined);
    return;
  }
  let env: TestEnv;
  let server: RunningServer | undefined;
  beforeEach(async () => {
    env = await freshEnv('postgres+redis');
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await env?.cleanup();
  });

  it('keeps the check in the outbox with the batch, and runs it when a server starts later', async () => {
    const file = 'batch-421087-2024Q2.csv'; // over-cap payments and a wrong check digit: R07, R10 by itself
    const app = await bootApp(env);
    let batchId: string;
    try {
      // Redis is gone for this process: the checks queue cannot take a job.
      await app.get(QueueRegistry).get(QueueName.Checks).queue.close();
      const result = await app.get(ImportBatch).execute(new ImportBatchCommand(path.join(SAMPLES, file), file, 'test', '', false));
      expect(result.status).toBe('stored');
      batchId = result.batchId;
      const [run] = await app.query(`SELECT id::text, status FROM check_runs WHERE $1 = ANY(batch_ids)`, [batchId]);
      expect(run.status).toBe('queued');
      await app.get(OutboxRelay).flush(); // the relay after commit fails the same way; the row stays
      const outbox = await app.query(`SELECT job_name, job_id, payload FROM job_outbox`);
      expect(outbox).toEqual([{ job_name: JobName.RunChecks, job_id: `check-run-${run.id}`, payload: { runId: run.id } }]);
      expect(await app.query(`SELECT 1 FROM leads`)).toEqual([]);
    } finally {
      await app.close();
    }

    server = await startServer(env);
    await onDatabase(env, async (db) => {
      const run = await until(async () => {
        const [row] = (await db.query(`SELECT status, summary FROM check_runs WHERE $1 = ANY(batch_ids)`, [batchId])).rows;
        return row.status === 'completed' ? row : undefined;
      }, 90_000, "the batch's check to run");
      expect(run.summary.leadsRaised).toBeGreaterThan(0);
      const rules = (await db.query(`SELECT DISTINCT rule_code FROM leads ORDER BY 1`)).rows.map((r) => r.rule_code);
      expect(rules).toEqual(expect.arrayContaining(['R07', 'R10']));
      expect((await db.query(`SELECT 1 FROM job_outbox`)).rows).toEqual([]);
    });
  });

  it('keeps the run in the outbox with the import, and runs it when a server starts later', async () => {
    const app = await bootApp(env);
    let runId: string;
    try {
      await app.get(QueueRegistry).get(QueueName.Checks).queue.close();
      const file = path.join(SAMPLES, 'deceased.csv');
      const result = await app.get(ImportRegistry).execute(new ImportRegistryCommand('deceased', file, 'deceased.csv', 'test', false, false));
      expect(result.status).toBe('stored');
      const runs = await app.query(`SELECT id::text, scope, trigger, status FROM check_runs`);
      expect(runs).toEqual([{ id: expect.any(String), scope: 'all', trigger: 'registry', status: 'queued' }]);
      runId = runs[0].id;
      await app.get(OutboxRelay).flush();
      expect(await app.query(`SELECT job_id FROM job_outbox`)).toEqual([{ job_id: `check-run-${runId}` }]);
    } finally {
      await app.close();
    }

    server = await startServer(env);
    await onDatabase(env, async (db) => {
      await until(async () => {
        const [row] = (await db.query(`SELECT status FROM check_runs WHERE id = $1`, [runId])).rows;
        return row.status === 'completed' || undefined;
      }, 90_000, 'the registry import\'s run to complete');
      expect((await db.query(`SELECT 1 FROM job_outbox`)).rows).toEqual([]);
    });
  });
});
