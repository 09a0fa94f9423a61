import http from 'node:http';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { SAMPLES, backends, cli, createUser, freshEnv, jsonLines, login, primaryBackend, runToExit, startServer, until, type RunningServer, type TestEnv } from './support/harness.js';

async function get(url: string, token?: string) {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : undefined);
  return { status: res.status, body: (res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text()) as any };
}


describe('npm start on the embedded default', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await freshEnv('embedded', { SUNLIGHT_DEMO: 'true' });
  });
  afterAll(async () => env.cleanup());

  it('serves health, API docs and the console, loads the demo, shares its database with the CLI and keeps it across a restart', async () => {
    const server = await startServer(env);
    try {
      const health = await get(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, queue: { status: 'up' } } });
      expect((await get(`${server.url}/api/docs`)).status).toBe(200);
      expect((await get(server.url)).body).toContain('阳光监管');

      // Demo data and demo accounts: imported and checked on the first start, so a lead shows at once.
      expect(server.output()).toContain('songzi.jiwei');
      const token = await login(server.url, 'admin', 'Sunlight-admin-2024');
      const leads = await until(async () => {
        const page = (await get(`${server.url}/api/leads?rule=R06`, token)).body;
        return page.items.length ? page.items : undefined;
      });
      expect(leads.every((l: { rule: string }) => l.rule === 'R06')).toBe(true);
      expect(leads[0].id_number).toMatch(/^\d{4}\*+\d{3}[\dX]$/); // masked in the API
      // The demo uploader's county file is its own: the leads raised from it are its "my leads".
      const uploader = await login(server.url, 'songzi.caizheng', 'Sunlight-demo-2024');
      const mine = await until(async () => ((await get(`${server.url}/api/my-leads`, uploader)).body.items.length ? true : undefined));
      expect(mine).toBe(true);

      // The CLI reaches the running server's database through its socket.
      const imported = await cli(env, 'batch', 'import', path.join(SAMPLES, '..', '..', 'test', 'fixtures', 'batch-extra-2024-05.csv'));
      expect(imported.code).toBe(0);
      expect(imported.json).toMatchObject({ status: 'stored', accepted: 2 });
      const run = await cli(env, 'checks', 'run');
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('由运行中的服务执行'); // processed by the server's worker
    } finally {
      expect(await server.stop()).toBe(0);
    }

    const again = await startServer(env);
    try {
      const batches = (await get(`${again.url}/api/batches`, await login(again.url, 'admin', 'Sunlight-admin-2024'))).body.items;
      expect(batches.map((b: { file_name: string }) => b.file_name)).toEqual(
        expect.arrayContaining(['batch-extra-2024-05.csv', 'batch-421087-2024Q2.csv']),
      );
      // The demo loads only once.
      expect(batches.filter((b: { file_name: string }) => b.file_name === 'batch-421087-2024Q2.csv')).toHaveLength(1);
    } finally {
      await again.stop();
    }
  });

  it('refuses a second server on the same data directory in one line', async () => {
    const server = await startServer(env);
    try {
      const second = await runToExit('api', { ...env.env, PORT: '0' });
      expect(second.code).toBe(1);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);
      expect(second.stderr).toContain('already running');
    } finally {
      await server.stop();
    }
  });
});

describe.each(backends().filter((b) => b.name !== 'embedded'))('npm start on $name', ({ name, skip }) => {
  if (skip) {
    it.skip(`skipped: ${skip}`, () => undefined);
    return;
  }
  it('serves health green and stops cleanly on SIGTERM', async () => {
    const env = await freshEnv(name);
    try {
      const server = await startServer(env);
      const health = await get(`${server.url}/health`);
      expect(health.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, queue: { status: 'up', backend: expect.stringContaining(name === 'postgres' ? 'PostgreSQL' : 'Redis') } } });
      expect(await server.stop()).toBe(0);
    } finally {
      await env.cleanup();
    }
  });
});

describe('npm start as several processes (SUNLIGHT_API_PROCESSES)', () => {
  const backend = backends().find((b) => b.name === 'postgres+redis')!;
  if (backend.skip) {
    it.skip(`skipped: ${backend.skip}`, () => undefined);
    return;
  }
  /** A GET on a connection of its own: the cluster hands each new connection to the next process. */
  const fresh = (url: string) =>
    new Promise<number>((resolve, reject) => {
      http.get(url, { agent: false }, (res) => (res.resume(), res.on('end', () => resolve(res.statusCode!)))).on('error', reject);
    });
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const readyPids = (output: string) => [...output.matchAll(/ready: 2 API processes .* pids (\d+), (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);

  it('serves from every process, runs the worker in the first alone, replaces a process that dies and stops them all on SIGTERM', async () => {
    const env = await freshEnv('postgres+redis');
    try {
      const server = await startServer(env, { SUNLIGHT_API_PROCESSES: '2' });
      const [pids] = await until(async () => (readyPids(server.output()).length ? readyPids(server.output()) : undefined), 60_000, 'both API processes');
      expect(pids).not.toContain(server.process.pid);
      for (let i = 0; i < 6; i++) expect(await fresh(`${server.url}/api/auth/me`)).toBe(401);
      const served = await until(async () => {
        const lines = jsonLines(await readFile(env.env.SUNLIGHT_LOG_FILE, 'utf8')).filter((l) => l.req?.url === '/api/auth/me');
        return lines.length >= 6 ? new Set(lines.map((l) => l.pid)) : undefined;
      }, 10_000, 'the request log');
      expect([...served].sort()).toEqual([...pids].sort());
      // One set of job processors and schedules, as with one process.
      expect(server.output().match(/worker: in this process/g)).toHaveLength(1);

      process.kill(pids[1], 'SIGKILL');
      const [, replaced] = await until(async () => (readyPids(server.output()).length > 1 ? readyPids(server.output()) : undefined), 30_000, 'a process in place of the one killed');
      expect(replaced[0]).toBe(pids[0]);
      expect(replaced[1]).not.toBe(pids[1]);
      expect(server.output()).toMatch(/API process 2 \(pid \d+\) ended \(SIGKILL\); starting another in its place/);
      expect(await fresh(`${server.url}/health`)).toBe(200);

      expect(await server.stop()).toBe(0);
      expect(alive(replaced[0]) || alive(replaced[1])).toBe(false);
    } finally {
      await env.cleanup();
    }
  });

  it('refuses more than one on the embedded database, in one line', async () => {
    const env = await freshEnv('embedded');
    try {
      const result = await runToExit('api', { ...env.env, SUNLIGHT_API_PROCESSES: '2' });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining('SUNLIGHT_API_PROCESSES above 1 needs DATABASE_URL and REDIS_URL')]);
    } finally {
      await env.cleanup();
    }
  });
});

describe('bad configuration ends with one clear line', () => {
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SUNLIGHT_DEMO: 'false' };
  const oneLine = (stderr: string) => {
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    return lines[0];
  };

  it('names a malformed DATABASE_URL', async () => {
    const result = await runToExit('api', { ...base, DATABASE_URL: 'mysql://db/x' });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toContain('DATABASE_URL is not a postgres URL');
  });

  it('names every bad variable at once', async () => {
    const result = await runToExit('api', { ...base, PORT: 'eighty', REDIS_URL: 'http://x' });
    expect(result.code).toBe(1);
    const line = oneLine(result.stderr);
    expect(line).toContain('PORT must be a whole number');
    expect(line).toContain('REDIS_URL is not a redis URL');
  });

  it('names an unreachable database', async () => {
    const result = await runToExit('api', { ...base, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/sunlight' });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(/cannot reach PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/sunlight \(DATABASE_URL\): connection refused/);
  });

  it('names an unreachable Redis', async () => {
    const env = await freshEnv('embedded');
    try {
      const result = await runToExit('api', { ...env.env, REDIS_URL: 'redis://127.0.0.1:1' });
      expect(result.code).toBe(1);
      expect(oneLine(result.stderr)).toContain('cannot reach Redis at redis://127.0.0.1:1');
    } finally {
      await env.cleanup();
    }
  });

  it('names a port in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    const env = await freshEnv('embedded');
    try {
      const result = await runToExit('api', { ...env.env, PORT: String(port) });
      expect(result.code).toBe(1);
      expect(oneLine(result.stderr)).toContain(`port ${port} is in use`);
    } finally {
      blocker.close();
      await env.cleanup();
    }
  });
});

describe(`uploads through the API (${primaryBackend().name})`, () => {
  let env: TestEnv;
  let server: RunningServer;
  let token: string;
  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name, { SUNLIGHT_UPLOAD_LIMIT_MB: '1' });
    server = await startServer(env);
    await createUser(env, 'uploader.hubei', 'uploader', '42');
    token = await login(server.url, 'uploader.hubei');
  });
  afterAll(async () => {
    await server?.stop();
    await env?.cleanup();
  });

  const upload = async (url: string, content: string | Buffer, name: string, fields: Record<string, string> = {}) => {
    const form = new FormData();
    form.append('file', new Blob([content]), name);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    const res = await fetch(`${server.url}${url}`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as any };
  };
  const finished = (url: string) =>
    until(async () => {
      const row = (await get(`${server.url}${url}`, token)).body;
      return ['stored', 'rejected', 'failed'].includes(row.status) ? row : undefined;
    });

  it('answers an upload at once with a batch id, imports it in the background and reports progress to completion', async () => {
    const content = await readFile(path.join(SAMPLES, 'batch-421087-2024Q2.csv'));
    const accepted = await upload('/api/batches', content, '南海镇2024Q2.csv');
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ batchId: expect.any(String), status: 'pending', duplicateOf: null });
    const batch = await finished(`/api/batches/${accepted.body.batchId}`);
    expect(batch).toMatchObject({ status: 'stored', accepted_rows: 15, rejected_rows: 0, file_name: '南海镇2024Q2.csv' });

    const again = await upload('/api/batches', content, 'copy.csv');
    expect(again.body).toEqual({ batchId: accepted.body.batchId, status: 'stored', duplicateOf: accepted.body.batchId });
  });

  it('offers the rejected rows page by page and as CSV for Excel', async () => {
    const broken = 'region_code,program_code,period,id_number,name,amount,paid_on\n421087101,DIBAO,2024-13,421087196804120116,李秀英,650,2024-03-15\n';
    const accepted = await upload('/api/batches', broken, 'broken.csv');
    const batch = await finished(`/api/batches/${accepted.body.batchId}`);
    expect(batch).toMatchObject({ status: 'rejected', rejected_rows: 1 });
    const page = (await get(`${server.url}/api/batches/${accepted.body.batchId}/rejections`, token)).body;
    expect(page.items).toEqual([expect.objectContaining({ row: 2, column: 'period', value: '2024-13' })]);
    expect(JSON.stringify(page)).not.toContain('421087196804120116'); // masked on the way out
    const csv = await fetch(`${server.url}/api/batches/${accepted.body.batchId}/rejections.csv`, { headers: { authorization: `Bearer ${token}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM Excel needs to read UTF-8
    const text = bytes.toString('utf8');
    expect(text).toContain('"2","period","2024-13"');
  });

  it('neutralises formulas in exported cells', async () => {
    const broken = 'region_code,program_code,period,id_number,name,amount,paid_on\n421087101,DIBAO,2024-03,=1+2,张三,650,2024-03-15\n';
    const accepted = await upload('/api/batches', broken, 'formula.csv');
    await finished(`/api/batches/${accepted.body.batchId}`);
    const text = await (await fetch(`${server.url}/api/batches/${accepted.body.batchId}/rejections.csv`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(text).toContain(`"'=1+2"`);
  });

  it('refuses an oversized upload, a missing file and a bad field, and answers 404 for an unknown batch', async () => {
    const big = await upload('/api/batches', Buffer.alloc(1.5 * 1024 * 1024, 'a'), 'big.csv');
    expect(big.status).toBe(413);
    const missing = await fetch(`${server.url}/api/batches`, { method: 'POST', body: new FormData(), headers: { authorization: `Bearer ${token}` } });
    expect(missing.status).toBe(400);
    const badRegion = await upload('/api/batches', 'x', 'x.csv', { region: '42x' });
    expect(badRegion.status).toBe(400);
    expect((await get(`${server.url}/api/batches/999999`, token)).status).toBe(404);
  });

  it('imports a registry upload and records it', async () => {
    const accepted = await upload('/api/registries/deceased', await readFile(path.join(SAMPLES, 'deceased.csv')), 'deceased.csv');
    expect(accepted.status).toBe(202);
    const done = await finished(`/api/registries/imports/${accepted.body.importId}`);
    expect(done).toMatchObject({ kind: 'deceased', status: 'stored', accepted_rows: 2, imported_by: 'uploader.hubei' });
    const unknown = await upload('/api/registries/ghosts', 'id_number\n', 'g.csv');
    expect(unknown.status).toBe(422);
  });
});
