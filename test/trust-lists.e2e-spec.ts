import { parse } from 'csv-parse/sync';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { AuditLog } from '@sunlight/audit';
import { SYSTEM_ACTOR } from '@sunlight/common';
import { GetImport, ImportBatch, ImportBatchCommand, ImportRegistry, ImportRegistryCommand, ListBatches, ListBatchesCommand } from '@sunlight/ingestion';
import { ROOT, apiClient, bootApp, cli, createUser, freshEnv, login, primaryBackend, startServer, type RunningServer, type TestApp, type TestEnv } from './support/harness.js';

// Issue 11: ids are bigints, and every list and page must come back in their numeric order with
// each row exactly once. Selecting `id::text AS id` and ordering by `id` sorted by the text
// (1, 10, 11, …, 2, 20): the export repeated and dropped leads, and "newest first" showed 9 … 2, 16.

const LEADS = 2_345; // more than two export pages of 1,000, so ids cross 1,000 and 2,000
const IMPORTS = 12; // ids cross 10

/** Leads straight in SQL: the lists under test read the table, whoever wrote it. */
async function seedLeads(app: TestApp, n: number) {
  await app.query(
    `INSERT INTO leads (rule_code, rule_version, severity, lead_key, id_number, region_code, amount_at_risk_fen, explanation)
     SELECT 'R10', 1, 'high', 'T|' || i, '42108719900101' || lpad((i % 10000)::text, 4, '0'), '421087101', i * 100, '测试线索 ' || i
     FROM generate_series(1, $1::int) AS i`,
    [n],
  );
}

function expectEachOnceInOrder(ids: number[], expected: number[]) {
  expect(ids.length).toBe(expected.length);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toEqual(expected);
}

describe('lists and pages in numeric id order, each row once', () => {
  const backend = primaryBackend();
  let env: TestEnv;
  let app: TestApp;
  let dir: string;
  let leadIds: number[];
  beforeAll(async () => {
    env = await freshEnv(backend.name);
    app = await bootApp(env);
    dir = await mkdtemp(path.join(os.tmpdir(), 'sunlight-lists-'));
    await seedLeads(app, LEADS);
    leadIds = (await app.query<{ id: string }>('SELECT id::text FROM leads ORDER BY leads.id')).map((r) => Number(r.id));
    const header = 'region_code,program_code,period,id_number,name,household_id,amount,bank_account,account_holder,paid_on,payer';
    for (let i = 1; i <= IMPORTS; i++) {
      const batch = path.join(dir, `batch-${i}.csv`);
      // A month each, under the cap: the checks these batches queue find nothing to add.
      const month = `2024-${String(i).padStart(2, '0')}`;
      await writeFile(batch, `${header}\n421087101,DIBAO,${month},421087196804120116,李秀英,H0001,${100 + i}.00,,,${month}-15,\n`);
      const stored = await app.get(ImportBatch).execute(new ImportBatchCommand(batch, path.basename(batch), 'test', '', false));
      expect(stored.status).toBe('stored');
      const registry = path.join(dir, `deceased-${i}.csv`);
      await writeFile(registry, `id_number,name,death_date\n42108719520903012X,王建国,2024-02-${String(i).padStart(2, '0')}\n`);
      await app.get(ImportRegistry).execute(new ImportRegistryCommand('deceased', registry, path.basename(registry), 'test', false, false));
    }
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('leads export (CLI, jsonl) writes every lead exactly once, in id order', async () => {
    const out = path.join(dir, 'leads.jsonl');
    const result = await cli(env, 'leads', 'export', '--format', 'jsonl', '--out', out);
    expect(result.code).toBe(0);
    const ids = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l).id as number);
    expectEachOnceInOrder(ids, leadIds);
  });

  it('batches list newest first, and its pages reach the oldest with each batch once', async () => {
    const all = await app.query<{ id: string }>('SELECT id::text FROM disbursement_batches ORDER BY disbursement_batches.id DESC');
    const seen: number[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await app.get(ListBatches).execute(new ListBatchesCommand(5, before));
      seen.push(...page.items.map((b: { id: string }) => Number(b.id)));
      if (page.items.length < 5) break;
      before = page.next ?? undefined;
    }
    expectEachOnceInOrder(seen, all.map((b) => Number(b.id)));
  });

  it('registry imports list newest first, and its pages reach the oldest with each import once', async () => {
    const all = await app.query<{ id: string }>('SELECT id::text FROM registry_imports ORDER BY registry_imports.id DESC');
    expect(all.length).toBe(IMPORTS);
    const seen: number[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await app.get(GetImport).registries(5, before);
      seen.push(...page.items.map((r: { id: string }) => Number(r.id)));
      if (!page.next) break;
      before = page.next;
    }
    expectEachOnceInOrder(seen, all.map((r) => Number(r.id)));
  });

  it('a bulk audit append gives each event its own id when the ids gain a digit', async () => {
    const [{ last }] = await app.query<{ last: string }>('SELECT coalesce(max(id), 0)::text AS last FROM audit_events');
    const nextPower = 10 ** String(Number(last) + 1).length; // 9 → 10, 99 → 100, …
    const entries = Array.from({ length: nextPower - Number(last) + 3 }, (_, i) => ({ action: 'test.bulk', subjectType: 'test', subjectId: `s${i}` }));
    const events = await app.get(DataSource).transaction((em) => app.get(AuditLog).appendMany(em, entries, SYSTEM_ACTOR));
    const stored = await app.query<{ id: string; subject_id: string }>(`SELECT id::text, subject_id FROM audit_events WHERE action = 'test.bulk'`);
    expect(Math.max(...stored.map((r) => Number(r.id)))).toBeGreaterThan(nextPower);
    const stored_ = new Map(stored.map((r) => [r.subject_id, r.id]));
    expect(events.map((e) => [e.subjectId, e.id])).toEqual(entries.map((e) => [e.subjectId, stored_.get(e.subjectId)]));
  });

  describe('over HTTP', () => {
    let server: RunningServer;
    let token: string;
    const api = apiClient(() => server.url);
    beforeAll(async () => {
      await createUser(env, 'lists.admin', 'admin');
      server = await startServer(env);
      token = await login(server.url, 'lists.admin');
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('GET /api/leads/export.csv has every lead exactly once, in id order', async () => {
      const answer = await api('GET', '/api/leads/export.csv', token);
      expect(answer.status).toBe(200);
      const rows: string[][] = parse(answer.text, { bom: true });
      const ids = rows.slice(1).map((row) => Number(row[0]));
      expectEachOnceInOrder(ids, leadIds);
    });

    it('GET /api/batches pages newest first to the oldest, and /api/registries/imports likewise', async () => {
      const batches: number[] = [];
      let next: string | null = null;
      do {
        const answer = await api('GET', `/api/batches?limit=5${next ? `&before=${next}` : ''}`, token);
        expect(answer.status).toBe(200);
        batches.push(...answer.json.items.map((b: { id: string }) => Number(b.id)));
        next = answer.json.items.length === 5 ? answer.json.next : null;
      } while (next);
      const storedBatches = await app.query<{ id: string }>('SELECT id::text FROM disbursement_batches ORDER BY disbursement_batches.id DESC');
      expectEachOnceInOrder(batches, storedBatches.map((b) => Number(b.id)));

      const imports: number[] = [];
      next = null;
      do {
        const answer = await api('GET', `/api/registries/imports?limit=5${next ? `&before=${next}` : ''}`, token);
        expect(answer.status).toBe(200);
        imports.push(...answer.json.items.map((r: { id: string }) => Number(r.id)));
        next = answer.json.next;
      } while (next);
      const storedImports = await app.query<{ id: string }>('SELECT id::text FROM registry_imports ORDER BY registry_imports.id DESC');
      expectEachOnceInOrder(imports, storedImports.map((r) => Number(r.id)));
    });
  });
});

describe('batch rejections (CLI)', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name);
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('batch rejections (CLI) lists every rejected row through ingestion and counts them', async () => {
    const imported = await cli(env, 'batch', 'import', path.join(ROOT, 'test/fixtures/batch-with-errors.csv'), '--allow-partial');
    expect(imported.json.rejected).toBeGreaterThan(1);
    const listed = await cli(env, 'batch', 'rejections', String(imported.json.batchId));
    expect(listed.code).toBe(0);
    expect(listed.json).toEqual({ batchId: imported.json.batchId, rejected: imported.json.rejected });
    const rows = new Set([...listed.stderr.matchAll(/第 (\d+) 行/g)].map((m) => m[1]));
    expect(rows.size).toBe(imported.json.rejected);
  });
});
