import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SAMPLES, apiClient, createUser, freshEnv, login, primaryBackend, startServer, until, type RunningServer, type TestEnv } from './support/harness.js';

/**
 * The 财政 uploader's side of the API (issue 13): what the console's upload, batch, registry and
 * "my leads" pages call, and the Swagger form an operator falls back on. One server for the file.
 */

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const backend = primaryBackend();

describe(`the uploader's API on ${backend.name}`, () => {
  let env: TestEnv;
  let server: RunningServer;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  const call = apiClient(() => server.url);

  beforeAll(async () => {
    env = await freshEnv(backend.name, { SUNLIGHT_LOGIN_RATE: '1000', SUNLIGHT_UPLOAD_RATE: '1000' });
    // 枣强 (131121): not the region of the demo data nor of any example in the docs.
    await createUser(env, 'zaoqiang.cz', 'uploader', '131121');
    server = await startServer(env);
    tokens['zaoqiang.cz'] = await login(server.url, 'zaoqiang.cz');
    // (launch() gives every browser a fresh profile directory of its own.)
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
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

  describe('the Swagger form (“fails on its own defaults”)', () => {
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
});
