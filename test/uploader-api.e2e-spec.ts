import os from 'node:os';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { CHROMIUM, browserAvailable } from './support/browser.js';
import { ROOT, SAMPLES, apiClient, cli, createUser, embeddedDatabase, freshEnv, login, primaryBackend, startServer, until, type RunningServer, type TestEnv } from './support/harness.js';

/**
 * The 财政 uploader's side of the API (issue 13): what the console's upload, batch, registry and
 * "my leads" pages call, and the Swagger form an operator falls back on. One server for the file.
 */

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];


type Schema = Record<string, any>;

/**
 * What in `value` the OpenAPI `schema` does not describe: a missing required field, a field the
 * document does not name, a wrong type, a value outside its enum. (The console's client is
 * generated from the document: an answer that strays from it is a page that breaks.)
 */
function strays(doc: Schema, schema: Schema | undefined, value: unknown, at = '$'): string[] {
  if (!schema) return [`${at}: no schema documented`];
  if (schema.$ref) return strays(doc, doc.components.schemas[schema.$ref.split('/').pop()], value, at);
  if (value === null) return schema.nullable ? [] : [`${at}: null, not documented as nullable`];
  if (schema.allOf) return schema.allOf.flatMap((s: Schema) => strays(doc, s, value, at));
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} not in ${schema.enum.join('|')}`];
  switch (schema.type ?? (schema.properties ? 'object' : undefined)) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: not an object`];
      const props: Schema = schema.properties ?? {};
      const missing = (schema.required ?? []).filter((k: string) => !(k in (value as object))).map((k: string) => `${at}.${k}: missing`);
      const extra = schema.additionalProperties ? [] : Object.keys(value as object).filter((k) => !(k in props)).map((k) => `${at}.${k}: not documented`);
      const nested = Object.entries(value as object).flatMap(([k, v]) => (props[k] ? strays(doc, props[k], v, `${at}.${k}`) : []));
      return [...missing, ...extra, ...nested];
    }
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => strays(doc, schema.items, v, `${at}[${i}]`)) : [`${at}: not an array`];
    case 'string':
      if (typeof value !== 'string') return [`${at}: ${typeof value}, documented string`];
      return schema.format === 'date-time' && Number.isNaN(Date.parse(value)) ? [`${at}: not a date-time`] : [];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: ${JSON.stringify(value)}, documented integer`];
    case 'number':
      return typeof value === 'number' ? [] : [`${at}: ${typeof value}, documented number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: ${typeof value}, documented boolean`];
    default:
      return [`${at}: schema without a type`];
  }
}

/** The documented schema of an operation's answer. */
function answerSchema(doc: Schema, method: string, route: string, status: number): Schema | undefined {
  return doc.paths[route]?.[method]?.responses?.[status]?.content?.['application/json']?.schema;
}

const backend = primaryBackend();

/** SQL on the running installation's database (the checks' progress is not in the API). */
async function sql<T = any>(env: TestEnv, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client(env.databaseUrl ? { connectionString: env.databaseUrl } : await embeddedDatabase(env));
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The parts that drive Swagger UI or a page's XMLHttpRequest need Chromium; without it they say so and skip. */
const hasBrowser = browserAvailable();
const inBrowser = hasBrowser ? describe : describe.skip;

describe(`the uploader's API on ${backend.name}`, () => {
  let env: TestEnv;
  let server: RunningServer;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  const call = apiClient(() => server.url);

  beforeAll(async () => {
    env = await freshEnv(backend.name, { SUNLIGHT_LOGIN_RATE: '1000', SUNLIGHT_UPLOAD_RATE: '1000' });
    for (const kind of ['deceased', 'public-employees', 'village-officials', 'household-members']) {
      expect((await cli(env, 'registry', 'import', kind, path.join(SAMPLES, `${kind}.csv`))).code).toBe(0);
    }
    // 枣强 (131121): not the region of the demo data nor of any example in the docs. Two
    // uploaders of 松滋 (421087), colleagues at the same bureau, and an inspector there.
    await createUser(env, 'zaoqiang.cz', 'uploader', '131121');
    await createUser(env, 'songzi.cz', 'uploader', '421087');
    await createUser(env, 'songzi.cz2', 'uploader', '421087');
    await createUser(env, 'songzi.jw', 'inspector', '421087');
    server = await startServer(env);
    for (const username of ['zaoqiang.cz', 'songzi.cz', 'songzi.cz2', 'songzi.jw']) tokens[username] = await login(server.url, username);
    // (launch() gives every browser a fresh profile directory of its own.)
    if (hasBrowser) browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await env?.cleanup();
  });

  /**
   * Swagger UI as an operator uses it: Authorize with the token, open the operation, Try it out,
   * choose the file and Execute, every other field as the form fills it in. Answers the response.
   */
  async function trySwagger(operationId: string, file: string, token: string): Promise<{ status: number; body: any }> {
    const page: Page = await browser.newPage();
    try {
      await page.goto(`${server.url}/api/docs`);
      await page.getByRole('button', { name: /Authorize/ }).first().click();
      await page.locator('.modal-ux input[type=text]').fill(token);
      await page.locator('.modal-ux button.authorize').click();
      await page.locator('.modal-ux button.close-modal').click();
      const op = page.locator(`[id$="-${operationId}"]`);
      await op.locator('.opblock-summary').first().click();
      await op.getByRole('button', { name: 'Try it out' }).click();
      await op.locator('input[type=file]').setInputFiles(file);
      const answer = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().startsWith(`${server.url}/api/`));
      await op.getByRole('button', { name: 'Execute' }).click();
      const res = await answer;
      return { status: res.status(), body: await res.json() };
    } catch (err) {
      await page.screenshot({ path: path.join(os.tmpdir(), `sunlight-uploader-swagger-${operationId}.png`) }).catch(() => undefined);
      throw err;
    } finally {
      await page.close();
    }
  }

  inBrowser('the Swagger form (“fails on its own defaults”)', () => {
    it('uploads a batch with every field as the form fills it in, and the batch is stored in the uploader’s region', async () => {
      const { status, body } = await trySwagger('BatchesController_upload', path.join(SAMPLES, 'batch-131121-2024-04.csv'), tokens['zaoqiang.cz']);
      expect({ status, body }).toEqual({ status: 202, body: expect.objectContaining({ batchId: expect.any(String) }) });
      const batch = await until(async () => {
        const b = (await call('GET', `/api/batches/${body.batchId}`, tokens['zaoqiang.cz'])).json;
        return b.status === 'pending' || b.status === 'importing' ? undefined : b;
      }, 60_000, 'the batch to be imported');
      // Stored whole: the form does not default to storing only the valid rows.
      expect(batch).toMatchObject({ status: 'stored', uploader_region: '131121', allow_partial: false, uploaded_by: 'zaoqiang.cz' });
    });

    it('uploads a registry file with every field as the form fills it in', async () => {
      const { status, body } = await trySwagger('RegistriesController_upload', path.join(SAMPLES, 'deceased.csv'), tokens['zaoqiang.cz']);
      expect({ status, body }).toEqual({ status: 202, body: expect.objectContaining({ importId: expect.any(String), kind: 'deceased' }) });
      const done = await until(async () => {
        const r = (await call('GET', `/api/registries/imports/${body.importId}`, tokens['zaoqiang.cz'])).json;
        return r.status === 'pending' || r.status === 'importing' ? undefined : r;
      }, 60_000, 'the registry import');
      expect(done).toMatchObject({ status: 'stored', replace: false, imported_by: 'zaoqiang.cz' });
    });

    it('marks no parameter required that the server does without', async () => {
      const doc = (await call('GET', '/api/docs-json')).json;
      const required = Object.entries(doc.paths as Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean }[] }>>)
        .filter(([p]) => /^\/api\/(batches|registries|my-leads)/.test(p))
        .flatMap(([p, ops]) => Object.entries(ops).flatMap(([m, op]) => (op.parameters ?? []).filter((q) => q.in === 'query' && q.required).map((q) => `${m} ${p} ?${q.name}`)));
      expect(required).toEqual([]);
    });
  });
  describe('answers as the OpenAPI document declares them', () => {
    let doc: Schema;
    const checked: string[] = [];
    /** Calls a route and holds its answer against the documented schema. */
    async function conforming(method: string, route: string, url: string, token: string, body?: unknown) {
      const res = await call(method.toUpperCase(), url, token, body);
      expect({ url, status: res.status, strays: strays(doc, answerSchema(doc, method, route, res.status), res.json) }).toEqual({ url, status: res.status, strays: [] });
      checked.push(`${method} ${route}`);
      return res;
    }
    const uploadForm = (content: string, name: string, fields: Record<string, string> = {}) => {
      const form = new FormData();
      form.append('file', new Blob([content]), name);
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      return form;
    };
    const finished = (url: string) =>
      until(async () => {
        const r = (await call('GET', url, tokens['zaoqiang.cz'])).json;
        return r.status === 'pending' || r.status === 'importing' ? undefined : r;
      }, 60_000, url);

    beforeAll(async () => {
      doc = (await call('GET', '/api/docs-json')).json;
    });

    it('batches: the upload, the list, one batch and its rejected rows', async () => {
      const t = tokens['zaoqiang.cz'];
      const header = 'region_code,program_code,period,id_number,name,household_id,amount,bank_account,account_holder,paid_on,payer';
      // Rows 2 and 4 fine, 3 with two problems, 5 outside the uploader's region.
      const csv = `${header}\n131121100,DIBAO,2024-06,131121198006060148,陈俊杰,H1001,640.00,,,2024-06-16,\n131121100,DIBAO,2024-13,1311211980060601,陈俊杰,H1001,640.00,,,2024-06-16,\n131121100,DIBAO,2024-06,131121198006060148,陈国庆,H1001,10.00,,,2024-06-16,\n421087101,DIBAO,2024-06,421087196804120116,李秀英,H0001,650.00,,,2024-06-15,\n`;
      const accepted = await conforming('post', '/api/batches', '/api/batches', t, uploadForm(csv, '六月.csv'));
      expect(accepted.status).toBe(202);
      const batch = await finished(`/api/batches/${accepted.json.batchId}`);
      expect(batch).toMatchObject({ status: 'rejected', rejected_rows: 2, file_name: '六月.csv' });
      await conforming('get', '/api/batches', '/api/batches?limit=1', t);
      await conforming('get', '/api/batches/{id}', `/api/batches/${batch.id}`, t);
      const page = (await conforming('get', '/api/batches/{id}/rejections', `/api/batches/${batch.id}/rejections`, t)).json;
      expect(page.total).toBe(2);
      expect(page.next).toBeNull();
      expect(page.items.map((r: { row: number; column: string | null }) => r.row)).toEqual(expect.arrayContaining([3, 5]));
      // A value that is an ID number comes out masked.
      expect(JSON.stringify(page)).not.toContain('421087196804120116');
    });

    it('registries: the upload, the list, one import and its rejected rows', async () => {
      const t = tokens['zaoqiang.cz'];
      const accepted = await conforming('post', '/api/registries/{kind}', '/api/registries/deceased', t, uploadForm('id_number,name,death_date\n42108719520903012X,王建国,2024-02-10\n12345,某人,2024-02-30\n', '死亡名单.csv', { allowPartial: 'true' }));
      expect(accepted.status).toBe(202);
      const done = await finished(`/api/registries/imports/${accepted.json.importId}`);
      expect(done).toMatchObject({ status: 'stored', accepted_rows: 1, rejected_rows: 1, allow_partial: true });
      await conforming('get', '/api/registries/imports', '/api/registries/imports', t);
      await conforming('get', '/api/registries/imports/{id}', `/api/registries/imports/${done.id}`, t);
      const page = (await conforming('get', '/api/registries/imports/{id}/rejections', `/api/registries/imports/${done.id}/rejections`, t)).json;
      expect(page.items.map((r: { column: string }) => r.column)).toEqual(expect.arrayContaining(['id_number', 'death_date']));
    });

    it('pages the rejected rows to the end with next, each row once', async () => {
      const t = tokens['zaoqiang.cz'];
      const header = 'region_code,program_code,period,id_number,name,amount,paid_on';
      const rows = Array.from({ length: 450 }, (_, i) => `131121100,DIBAO,2024-07,131121198006060148,某${i},abc,2024-07-16`);
      const accepted = (await call('POST', '/api/batches', t, uploadForm(`${header}\n${rows.join('\n')}\n`, 'many.csv'))).json;
      const batch = await finished(`/api/batches/${accepted.batchId}`);
      const seen: number[] = [];
      let after: number | null = 0;
      while (after !== null) {
        const page: { items: { row: number }[]; next: number | null; total: number } = (await call('GET', `/api/batches/${batch.id}/rejections?after=${after}`, t)).json;
        expect(page.total).toBe(450);
        seen.push(...new Set(page.items.map((r) => r.row)));
        after = page.next;
      }
      expect(seen).toEqual(Array.from({ length: 450 }, (_, i) => i + 2));
    });

    it('filters both lists as the search form asks: status, file name, who, days; a bad value is a 422 naming it', async () => {
      const t = tokens['zaoqiang.cz'];
      const header = 'region_code,program_code,period,id_number,name,amount,paid_on';
      const good = (await call('POST', '/api/batches', t, uploadForm(`${header}\n131121100,DIBAO,2024-11,131121198006060148,陈俊杰,640.00,2024-11-16\n`, '筛选-十一月.csv'))).json;
      const bad = (await call('POST', '/api/batches', t, uploadForm(`${header}\n131121100,DIBAO,2024-13,131121198006060148,陈俊杰,640.00,2024-11-16\n`, '筛选-错误.CSV'))).json;
      await finished(`/api/batches/${good.batchId}`);
      await finished(`/api/batches/${bad.batchId}`);
      const ids = async (query: string) => (await conforming('get', '/api/batches', `/api/batches?${query}`, t)).json.items.map((b: { id: string }) => b.id);
      expect(await ids(`fileName=${encodeURIComponent('筛选-')}`)).toEqual([bad.batchId, good.batchId]);
      expect(await ids(`fileName=${encodeURIComponent('筛选-错误.csv')}&status=rejected`)).toEqual([bad.batchId]);
      expect(await ids(`fileName=${encodeURIComponent('筛选-')}&status=stored,failed`)).toEqual([good.batchId]);
      expect(await ids(`fileName=${encodeURIComponent('筛选-')}&by=me`)).toEqual([bad.batchId, good.batchId]);
      expect(await ids(`fileName=${encodeURIComponent('筛选-')}&by=someone.else`)).toEqual([]);
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
      expect(await ids(`fileName=${encodeURIComponent('筛选-')}&from=${today}&to=${today}`)).toEqual([bad.batchId, good.batchId]);
      expect(await ids(`fileName=${encodeURIComponent('筛选-')}&to=2000-01-01`)).toEqual([]);
      for (const [query, column] of [['status=done', 'status'], ['from=2024-13-01', 'from'], ['to=yesterday', 'to']]) {
        const res = await call('GET', `/api/batches?${query}`, t);
        expect({ query, status: res.status, column: res.json.details?.column }).toEqual({ query, status: 422, column });
      }
      const kinds = (await conforming('get', '/api/registries/imports', '/api/registries/imports?kind=deceased&status=stored', t)).json.items;
      expect(kinds.length).toBeGreaterThan(0);
      expect(kinds.every((r: { kind: string; status: string }) => r.kind === 'deceased' && r.status === 'stored')).toBe(true);
      expect((await call('GET', '/api/registries/imports?kind=people', t)).json.details).toMatchObject({ column: 'kind' });
    });

    it('declares an answer for every batch and registry route, CSV downloads as text/csv', () => {
      const undeclared = Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>)
        .filter(([p]) => /^\/api\/(batches|registries|my-leads)/.test(p))
        .flatMap(([p, ops]) =>
          Object.entries(ops)
            .filter(([, op]) => !Object.entries(op.responses).some(([code, r]) => /^2/.test(code) && r.content && Object.keys(r.content).some((type) => type === (p.endsWith('.csv') ? 'text/csv' : 'application/json'))))
            .map(([m]) => `${m} ${p}`),
        );
      expect(undeclared).toEqual([]);
    });
  });
  describe('the uploader’s own leads (我的线索)', () => {
    let own: string;
    let colleagues: string;
    const uploadAs = async (username: string, file: string) => {
      const form = new FormData();
      form.append('file', new Blob([await readFile(file)]), path.basename(file));
      const accepted = (await call('POST', '/api/batches', tokens[username], form)).json;
      // Stored, and the check it calls for has run.
      await until(async () => ((await call('GET', `/api/batches/${accepted.batchId}`, tokens[username])).json.status === 'stored' ? true : undefined), 60_000, 'the batch');
      await until(async () => {
        const runs = await sql(env, `SELECT status FROM check_runs WHERE $1::bigint = ANY(batch_ids)`, [accepted.batchId]);
        return runs.length && runs.every((r) => r.status === 'completed') ? true : undefined;
      }, 120_000, `the checks of batch ${accepted.batchId}`);
      return accepted.batchId as string;
    };

    beforeAll(async () => {
      own = await uploadAs('songzi.cz', path.join(SAMPLES, 'batch-421087-2024Q2.csv'));
      colleagues = await uploadAs('songzi.cz2', path.join(ROOT, 'test/fixtures/batch-extra-2024-05.csv'));
    });

    it('reaches every page of the uploader’s console: none answers 无权执行此操作', async () => {
      for (const url of ['/api/auth/me', '/api/labels', '/api/batches', `/api/batches/${own}`, `/api/batches/${own}/rejections`, '/api/registries/imports', '/api/my-leads', `/api/batches/${own}/leads`]) {
        const res = await call('GET', url, tokens['songzi.cz']);
        expect({ url, status: res.status }).toEqual({ url, status: 200 });
      }
    });

    it('lists the leads raised from the uploader’s own batches, newest first, masked, read-only', async () => {
      const page = (await call('GET', '/api/my-leads', tokens['songzi.cz'])).json;
      const doc = (await call('GET', '/api/docs-json')).json;
      expect(strays(doc, answerSchema(doc, 'get', '/api/my-leads', 200), page)).toEqual([]);
      expect(page.total).toBeGreaterThan(0);
      expect(page.items).toHaveLength(page.total);
      expect(page.items.map((l: { id: string }) => BigInt(l.id))).toEqual([...page.items.map((l: { id: string }) => BigInt(l.id))].sort((a, b) => (a > b ? -1 : 1)));
      expect(page.items.every((l: { batch_ids: string[] }) => l.batch_ids.length === 1 && l.batch_ids[0] === own)).toBe(true);
      // 王建国 died in February and was paid in March (R01).
      const deceased = page.items.find((l: { rule: string }) => l.rule === 'R01');
      expect(deceased).toMatchObject({ name: '王建国', status: 'new', amount_at_risk_fen: expect.stringMatching(/^[1-9]\d*$/) });
      expect(deceased.id_number).not.toBe('42108719520903012X');
      expect(deceased.id_number).toBe('4210**********012X');
      const text = JSON.stringify(page);
      for (const full of ['42108719520903012X', '421087196804120116', '6222020100022222222']) expect(text).not.toContain(full);
      // Nothing of the triage: who handles it, the steps it allows.
      expect(Object.keys(deceased)).not.toEqual(expect.arrayContaining(['assignee_name']));
      expect(deceased.allowed_actions).toBeUndefined();
      // The same leads through the batch, and through the pages of one.
      expect((await call('GET', `/api/batches/${own}/leads`, tokens['songzi.cz'])).json.items).toEqual(page.items);
      const paged: string[] = [];
      let before: string | null = null;
      do {
        const p: { items: { id: string }[]; next: string | null } = (await call('GET', `/api/my-leads?limit=2${before ? `&before=${before}` : ''}`, tokens['songzi.cz'])).json;
        paged.push(...p.items.map((l) => l.id));
        before = p.next;
      } while (before);
      expect(paged).toEqual(page.items.map((l: { id: string }) => l.id));
      // Filters: one rule, one status.
      expect((await call('GET', '/api/my-leads?rule=R01', tokens['songzi.cz'])).json.items.map((l: { id: string }) => l.id)).toEqual([deceased.id]);
      expect((await call('GET', '/api/my-leads?status=closed', tokens['songzi.cz'])).json).toEqual({ items: [], total: 0, next: null });
      expect((await call('GET', '/api/my-leads?status=nope', tokens['songzi.cz'])).status).toBe(422);
    });

    it('shows a colleague only the leads its own batch has a part in, nor the other batch through it', async () => {
      const mine = (await call('GET', '/api/my-leads', tokens['songzi.cz'])).json.items;
      const theirs = (await call('GET', '/api/my-leads', tokens['songzi.cz2'])).json;
      // 赵志强 (on the public payroll, R02) and 周晓东 are paid in both batches: those leads are
      // both uploaders'; each sees its own batch as the source. 王建国 (R01) is in one batch only.
      expect(theirs.total).toBeGreaterThan(0);
      expect(theirs.items.every((l: { batch_ids: string[] }) => l.batch_ids.length === 1 && l.batch_ids[0] === colleagues)).toBe(true);
      const only = mine.filter((l: { rule: string }) => l.rule === 'R01').map((l: { id: string }) => l.id);
      expect(only).toHaveLength(1);
      expect(theirs.items.map((l: { id: string }) => l.id)).not.toContain(only[0]);
      const shared = await sql(env, `SELECT DISTINCT e.lead_id::text AS id FROM lead_evidence e JOIN disbursements d ON d.id = e.disbursement_id WHERE d.batch_id = $1`, [colleagues]);
      expect(theirs.items.map((l: { id: string }) => l.id).sort()).toEqual(shared.map((r) => r.id).sort());
      expect((await call('GET', `/api/batches/${own}/leads`, tokens['songzi.cz2'])).status).toBe(404);
      expect((await call('GET', `/api/batches/${colleagues}/leads`, tokens['songzi.cz'])).status).toBe(404);
      // Another county's uploader: nothing of 松滋.
      expect((await call('GET', `/api/batches/${own}/leads`, tokens['zaoqiang.cz'])).status).toBe(404);
      expect((await call('GET', '/api/my-leads', tokens['songzi.jw'])).status).toBe(403);
      expect((await call('GET', `/api/batches/${own}/leads`, tokens['songzi.jw'])).status).toBe(403);
    });
  });

  inBrowser('uploads from a browser (XMLHttpRequest multipart with progress, as the console sends them)', () => {
    let page: Page;
    interface XhrAnswer {
      status: number;
      body: any;
      progress: { loaded: number; total: number }[];
    }
    /** POSTs a file from the page with XMLHttpRequest, as the console's upload does, recording upload progress. */
    const xhrUpload = (url: string, name: string, content: Buffer, fields: Record<string, string> = {}, field = 'file'): Promise<XhrAnswer> =>
      page.evaluate(
        ({ url, name, base64, fields, field, token }) =>
          new Promise<XhrAnswer>((resolve, reject) => {
            const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
            const form = new FormData();
            form.append(field, new File([bytes], name));
            for (const [k, v] of Object.entries(fields)) form.append(k, v);
            // (In the page: the browser's XMLHttpRequest; the tests' TypeScript has no DOM types.)
            const xhr = new (globalThis as unknown as { XMLHttpRequest: new () => any }).XMLHttpRequest();
            const progress: { loaded: number; total: number }[] = [];
            xhr.open('POST', url);
            xhr.setRequestHeader('Authorization', `Bearer ${token}`);
            xhr.upload.onprogress = (e: { loaded: number; total: number }) => progress.push({ loaded: e.loaded, total: e.total });
            xhr.onload = () => resolve({ status: xhr.status, body: JSON.parse(xhr.responseText || 'null'), progress });
            xhr.onerror = () => reject(new Error('network error'));
            xhr.send(form);
          }),
        { url, name, base64: content.toString('base64'), fields, field, token: tokens['zaoqiang.cz'] },
      );
    const settled = (url: string) =>
      until(async () => {
        const r = (await call('GET', url, tokens['zaoqiang.cz'])).json;
        return r.status === 'pending' || r.status === 'importing' ? undefined : r;
      }, 120_000, url);
    const uploads = async () => (await readdir(path.join(env.dataDir, 'uploads'))).length;

    beforeAll(async () => {
      page = await browser.newPage();
      await page.goto(`${server.url}/api/docs`); // any page of the server: the console's origin
    });
    afterAll(async () => page?.close());

    it('a CSV of megabytes: progress up to the whole body, answered at once, imported', async () => {
      const header = '行政区划代码,项目代码,发放期间,身份证号,姓名,户编号,发放金额,银行账号,账户名,发放日期,发放单位';
      const row = (i: number) => `131121100,DIBAO,2024-08,131121198006060148,陈俊杰,H${i},640.00,,,2024-08-16,枣强镇财政所第${i}组`;
      const csv = Buffer.from(`\uFEFF${header}\n${Array.from({ length: 20_000 }, (_, i) => row(i)).join('\n')}\n`);
      expect(csv.length).toBeGreaterThan(1_500_000);
      const answer = await xhrUpload('/api/batches', '2024年8月 低保发放.csv', csv, { allowPartial: 'true' });
      expect(answer.status).toBe(202);
      expect(answer.progress.length).toBeGreaterThan(0);
      const last = answer.progress[answer.progress.length - 1];
      expect(last.loaded).toBe(last.total);
      expect(last.total).toBeGreaterThan(csv.length);
      const batch = await settled(`/api/batches/${answer.body.batchId}`);
      // The name as the browser sent it (UTF-8), and every row read.
      expect(batch).toMatchObject({ file_name: '2024年8月 低保发放.csv', format: 'csv', total_rows: 20_000 });
      expect(['stored', 'rejected']).toContain(batch.status);
    });

    it('an XLSX workbook with a title row, stored', async () => {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('发放明细');
      sheet.addRow(['枣强县 2024 年 9 月低保发放明细']);
      sheet.addRow(['行政区划代码', '项目代码', '发放期间', '身份证号', '姓名', '发放金额', '发放日期']);
      sheet.addRow(['131121100', 'DIBAO', '2024-09', '131121198006060148', '陈俊杰', '640.00', '2024-09-16']);
      const xlsx = Buffer.from(await book.xlsx.writeBuffer());
      const answer = await xhrUpload('/api/batches', '九月.xlsx', xlsx);
      expect(answer.status).toBe(202);
      expect(await settled(`/api/batches/${answer.body.batchId}`)).toMatchObject({ status: 'stored', format: 'xlsx', accepted_rows: 1, file_name: '九月.xlsx' });
    });

    it('a registry file of every kind, stored', async () => {
      const files: Record<string, string> = {
        deceased: 'id_number,name,death_date\n131121195001010012,张三,2024-01-05\n',
        'public-employees': 'id_number,name,employer,from_date,to_date\n131121197501300139,李四,枣强县教育局,2019-09-01,\n',
        'village-officials': 'id_number,name,region_code,role,household_id\n131121196103030194,王五,131121100,村委会主任,H1009\n',
        'household-members': 'household_id,id_number,name,relation\nH1001,131121198006060148,陈俊杰,户主\n',
        vehicles: '身份证号,号牌号码,登记日期,注销日期\n131121198006060148,冀T12345,2021-06-01,\n',
        businesses: 'id_number,company,registered_on,deregistered_on\n131121198006060148,枣强县某某商贸有限公司,2020-01-01,\n',
      };
      for (const [kind, content] of Object.entries(files)) {
        const answer = await xhrUpload(`/api/registries/${kind}`, `${kind}.csv`, Buffer.from(content));
        expect({ kind, status: answer.status }).toEqual({ kind, status: 202 });
        const done = await settled(`/api/registries/imports/${answer.body.importId}`);
        expect({ kind, status: done.status, error: done.error, accepted: done.accepted_rows }).toEqual({ kind, status: 'stored', error: null, accepted: 1 });
      }
    });

    it('refuses in Chinese, naming the field or the file, and keeps no refused file', async () => {
      const before = await uploads();
      const wrongField = await xhrUpload('/api/batches', 'a.csv', Buffer.from('region_code\n'), {}, 'upload');
      expect(wrongField).toMatchObject({ status: 400, body: { errors: [{ field: 'file', message: expect.stringContaining('表单字段 file') }] } });
      const pdf = await xhrUpload('/api/batches', '发放表.pdf', Buffer.from('%PDF-1.7\n%…'));
      expect(pdf).toMatchObject({ status: 422, body: { message: expect.stringMatching(/^发放表\.pdf: 这是 PDF 文档，不是表格/) } });
      const xls = await xhrUpload('/api/registries/deceased', '死亡名单.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
      expect(xls).toMatchObject({ status: 422, body: { message: expect.stringContaining('死亡名单.xls: 这是旧版 Excel (.xls) 文件') } });
      const utf16 = await xhrUpload('/api/batches', 'unicode.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('region_code\tname\n', 'utf16le')]));
      expect(utf16).toMatchObject({ status: 422, body: { message: expect.stringContaining('UTF-16') } });
      const outside = await xhrUpload('/api/batches', 'b.csv', Buffer.from('region_code\n'), { region: '421087' });
      expect(outside).toMatchObject({ status: 422, body: { message: expect.stringContaining('不在本单位辖区 131121 内'), details: { column: 'region' } } });
      const badRegion = await xhrUpload('/api/batches', 'b.csv', Buffer.from('region_code\n'), { region: '13112' });
      expect(badRegion.status).toBe(400);
      expect(JSON.stringify(badRegion.body.message)).toContain('字段 region');
      const kind = await xhrUpload('/api/registries/people', 'c.csv', Buffer.from('id_number\n'));
      expect(kind).toMatchObject({ status: 422, body: { message: expect.stringContaining('未知的比对库 "people"') } });
      // A second upload of the stored bytes answers with the first batch, and keeps no copy either.
      const again = await xhrUpload('/api/batches', '重复.csv', await readFile(path.join(SAMPLES, 'batch-131121-2024-04.csv')));
      expect(again).toMatchObject({ status: 202, body: { status: 'stored', duplicateOf: expect.any(String) } });
      expect(await uploads()).toBe(before);
    });

    it('names the file, the header row and the missing column of a whole-file problem, in the rows and the CSV', async () => {
      const answer = await xhrUpload('/api/batches', '缺列.csv', Buffer.from('行政区划代码,项目代码,发放期间,姓名,发放金额,发放日期\n131121100,DIBAO,2024-10,陈俊杰,640.00,2024-10-16\n'));
      const batch = await settled(`/api/batches/${answer.body.batchId}`);
      expect(batch.status).toBe('rejected');
      expect(batch.error).toMatch(/^缺列\.csv 第 1 行 \(表头\): 缺少必需列 id_number \(身份证号\)/);
      const page = (await call('GET', `/api/batches/${batch.id}/rejections`, tokens['zaoqiang.cz'])).json;
      expect(page).toMatchObject({ total: 1, next: null, items: [{ row: 0, column: null, reason: batch.error }] });
      const csv = (await call('GET', `/api/batches/${batch.id}/rejections.csv`, tokens['zaoqiang.cz'])).text;
      expect(csv).toContain('缺少必需列 id_number (身份证号)');
    });
  });
});
