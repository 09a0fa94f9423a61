import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BATCH_HEADER, batchRows, writeCsv } from '@sunlight/generator';
import { processMark } from '@sunlight/common';
import { ROOT, apiClient, bootApp, cli, createUser, freshEnv, login, startServer, until, type RunningServer, type TestEnv } from './support/harness.js';

/**
 * Issue 12, part 5: odd numbers answer 400, rejected ID numbers written with separators come out
 * masked, a killed or failed import leaves no file and no table behind, and the janitor does not
 * fail an import whose process is still running. On the embedded default: the temporary files
 * of bulk loads live in its data directory.
 */
const HEADER = BATCH_HEADER.join(',');
const VALID = '421087101,DIBAO,2024-03,421087196804120116,李秀英,H0001,650.00,6222020100011111111,李秀英,2024-03-15,南海镇财政所';
const withId = (id: string) => {
  const cells = VALID.split(',');
  cells[BATCH_HEADER.indexOf('id_number')] = id;
  return cells.join(',');
};
/** Rejected as malformed, and unmasked by a mask that only knows 18 digits in a row. */
const SPACED_ID = '4210 8719 6804 1201 16';
const HYPHENED_ID = '421087-19680412-0116';
const importDir = (env: TestEnv) => path.join(env.dataDir, 'pgdata', 'import');
const bulkFiles = async (env: TestEnv) => (existsSync(importDir(env)) ? (await readdir(importDir(env))).filter((f) => f.endsWith('.csv')) : []);

describe('the rejections routes and masking (embedded)', () => {
  let env: TestEnv;
  let server: RunningServer;
  let token: string;
  let batchId: string;
  let registryId: string;
  const call = apiClient(() => server.url);

  beforeAll(async () => {
    env = await freshEnv('embedded');
    const f = path.join(env.dataDir, 'spaced.csv');
    await writeFile(f, [HEADER, withId(SPACED_ID), withId(HYPHENED_ID)].join('\n') + '\n');
    const batch = await cli(env, 'batch', 'import', f);
    expect(batch.json).toMatchObject({ status: 'rejected' });
    batchId = batch.json.batchId;
    const r = path.join(env.dataDir, 'deceased.csv');
    await writeFile(r, `id_number,name,death_date\n${SPACED_ID},王建国,2024-02-10\n`);
    const registry = await cli(env, 'registry', 'import', 'deceased', r);
    registryId = String(registry.json.importId);
    expect(registryId).toMatch(/^\d+$/);
    await createUser(env, 'admin1', 'admin');
    server = await startServer(env);
    token = await login(server.url, 'admin1');
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await env?.cleanup();
  });

  it.each(['1e999', '-1', 'abc', '1.5', '99999999999999999999999'])('answers after=%s on both rejections routes with 400 in Chinese', async (after) => {
    for (const route of [`/api/batches/${batchId}/rejections`, `/api/registries/imports/${registryId}/rejections`]) {
      const res = await call('GET', `${route}?after=${encodeURIComponent(after)}`, token);
      expect({ route, status: res.status }).toEqual({ route, status: 400 });
      expect(res.json.message).toMatch(/参数 after 应为非负整数/);
    }
  });

  it('answers odd limits and ids with 400 naming the parameter, and well-formed ones as before', async () => {
    for (const url of ['/api/batches?limit=1e999', '/api/batches?limit=0', '/api/batches?limit=201', '/api/registries/imports?limit=-1', '/api/batches?before=abc', '/api/leads?limit=1e999']) {
      const res = await call('GET', url, token);
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(String(res.json.message)).toMatch(/参数 (limit|before) 应为正整数/);
    }
    for (const url of ['/api/leads/1e999', '/api/leads/-1', '/api/leads/9999999999999999999999', `/api/batches/0`, '/api/registries/imports/abc', '/api/notices/1e3', '/api/digests/x']) {
      const res = await call('GET', url, token);
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(res.json.message).toMatch(/参数 id 应为正整数/);
    }
    expect((await call('GET', `/api/batches/${batchId}/rejections?after=0`, token)).status).toBe(200);
    expect((await call('GET', '/api/batches?limit=200', token)).status).toBe(200);
    expect((await call('GET', '/api/leads/999999', token)).status).toBe(404);
  });

  it('masks a rejected ID number written with spaces or hyphens in JSON, CSV and the CLI', async () => {
    const json = await call('GET', `/api/batches/${batchId}/rejections`, token);
    expect(json.status).toBe(200);
    const csv = await call('GET', `/api/batches/${batchId}/rejections.csv`, token);
    const registryJson = await call('GET', `/api/registries/imports/${registryId}/rejections`, token);
    const registryCsv = await call('GET', `/api/registries/imports/${registryId}/rejections.csv`, token);
    const listed = await cli(env, 'batch', 'rejections', batchId);
    for (const text of [json.text, csv.text, registryJson.text, registryCsv.text, listed.stderr + listed.stdout]) {
      expect(text).toContain('4210**********0116');
      expect(text).not.toContain(SPACED_ID);
      expect(text).not.toContain(HYPHENED_ID);
      expect(text).not.toMatch(/1968\D?0412/); // no birth date left over
    }
  });
});

describe('leftovers of killed and failed imports, and the liveness of imports (embedded)', () => {
  // Each test has an installation of its own: none depends on what another left.
  let env: TestEnv;
  beforeEach(async () => {
    env = await freshEnv('embedded');
  });
  afterEach(async () => {
    await env?.cleanup();
  });

  it('leaves no file in pgdata/import and no staging or landing table after a killed import', async () => {
    const big = path.join(env.dataDir, 'big.csv');
    await writeCsv(big, BATCH_HEADER, batchRows({ seed: 21, rows: 150_000, townships: ['421087101', '421087102'], months: ['2024-01', '2024-02', '2024-03'] }));
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/cli/src/main.js'), 'batch', 'import', big], { env: env.env });
    let output = '';
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Killed while its copy of the file is in the database's directory: a leftover for certain.
    await until(async () => ((await bulkFiles(env)).length ? true : child.exitCode !== null ? (() => { throw new Error(`finished first:\n${output}`); })() : undefined), 120_000, 'the bulk copy');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect((await bulkFiles(env)).length).toBe(1);

    const small = path.join(env.dataDir, 'small.csv');
    await writeFile(small, `${HEADER}\n${VALID}\n`);
    const next = await cli(env, 'batch', 'import', small);
    expect(next.json).toMatchObject({ status: 'stored' });
    expect(await bulkFiles(env)).toEqual([]);
    const app = await bootApp(env);
    try {
      const tables = await app.query(`SELECT tablename FROM pg_tables WHERE tablename ~ '^(stg|land)_batch_'`);
      expect(tables).toEqual([]);
      const batches = await app.query(`SELECT status FROM disbursement_batches ORDER BY id`);
      expect(batches.map((b) => b.status)).toEqual(['failed', 'stored']); // the killed one, failed at once: its process is gone
    } finally {
      await app.close();
    }
  }, 300_000);

  it('leaves no file after a failed (rejected) bulk import', async () => {
    const messy = path.join(env.dataDir, 'messy.csv');
    const rows = [...batchRows({ seed: 5, rows: 3000, townships: ['421087101'], months: ['2024-04'] })];
    rows[1500][BATCH_HEADER.indexOf('amount')] = 'abc';
    await writeCsv(messy, BATCH_HEADER, rows);
    const result = await cli(env, 'batch', 'import', messy);
    expect(result.json).toMatchObject({ status: 'rejected' });
    expect(await bulkFiles(env)).toEqual([]);
  }, 120_000);

  it('does not fail an import whose process still runs, however old its heartbeat; fails one whose process died here', async () => {
    // A process that has ended: its pid names nobody now (or someone else, started later).
    const ended = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => ended.on('exit', r));
    const deadMark = processMark().split('/').slice(0, 2).concat(String(ended.pid), '1').join('/');
    let app = await bootApp(env);
    let live: string;
    let dead: string;
    try {
      const insert = (importer: string) =>
        app.query<{ id: string }>(
          `INSERT INTO disbursement_batches (file_sha256, file_name, format, region_code, uploader_region, uploaded_by, status, heartbeat_at, importer)
           VALUES ('', 'x.csv', 'csv', '421087', '421087', 'test', 'importing', now() - interval '1 hour', $1) RETURNING id::text`,
          [importer],
        );
      // This test's own process stands for an importer busy in one long statement.
      [{ id: live }] = await insert(processMark());
      [{ id: dead }] = await insert(deadMark);
    } finally {
      await app.close();
    }
    const small = path.join(env.dataDir, 'another.csv');
    await writeFile(small, `${HEADER}\n${withId('421087196804120124')}\n`);
    const next = await cli(env, 'batch', 'import', small); // its janitor runs first
    expect(next.code).toBe(0);
    app = await bootApp(env);
    try {
      const status = async (id: string) => (await app.query(`SELECT status FROM disbursement_batches WHERE id = $1`, [id]))[0].status;
      expect(await status(live)).toBe('importing');
      expect(await status(dead)).toBe('failed');
    } finally {
      await app.close();
    }
  }, 120_000);
});
