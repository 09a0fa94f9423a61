import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { CARD_LABELS, SEVERITY_LABELS, STATUS_LABELS, ACTION_LABELS } from '@sunlight/leads';
import { RULE_CATALOGUE } from '@sunlight/rules';
import { ROOT, apiClient, bootApp, createUser, freshEnv, login, primaryBackend, startServer, type RunningServer, type TestEnv } from './support/harness.js';

// Issue 11: one place for each name. The API serves every label from the library that owns the
// code, and the console and the CSV export use those; nobody keeps a copy.

describe('labels come from their owners, once', () => {
  let env: TestEnv;
  let server: RunningServer;
  let token: string;
  const api = apiClient(() => server.url);
  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name);
    await createUser(env, 'labels.admin', 'admin');
    const app = await bootApp(env);
    // One lead with a card, to read back in the CSV.
    await app.query(
      `INSERT INTO leads (rule_code, rule_version, severity, lead_key, id_number, region_code, amount_at_risk_fen, explanation, card, card_since)
       VALUES ('R10', 1, 'high', 'L|1', '421087199001010012', '421087101', 12345, '测试', 'yellow', now())`,
    );
    await app.close();
    server = await startServer(env);
    token = await login(server.url, 'labels.admin');
  });
  afterAll(async () => {
    await server?.stop();
    await env?.cleanup();
  });

  it('GET /api/labels names every rule as the catalogue does, and statuses, steps, cards and programs as their owners do', async () => {
    const answer = await api('GET', '/api/labels', token);
    expect(answer.status).toBe(200);
    expect(answer.json.rule).toEqual(Object.fromEntries(RULE_CATALOGUE.map((r) => [r.code, r.name.zh])));
    expect(answer.json.rule.R10).toBe('身份证号无效');
    expect(answer.json.status).toEqual(STATUS_LABELS);
    expect(answer.json.action).toEqual(ACTION_LABELS);
    expect(answer.json.card).toEqual(CARD_LABELS);
    const programs = JSON.parse(await readFile(path.join(ROOT, 'config/programs.json'), 'utf8')).programs as { code: string; name: string }[];
    expect(answer.json.program).toEqual(Object.fromEntries(programs.map((p) => [p.code, p.name])));
    expect(answer.json.registry).toMatchObject({ deceased: '死亡人员', 'public-employees': '财政供养人员' });
    expect(Object.keys(answer.json)).toEqual(expect.arrayContaining(['disposal', 'severity', 'batchStatus', 'role', 'verdict', 'outcome']));
  });

  it('the CSV export writes the rule, severity, status and card as people say them', async () => {
    const answer = await api('GET', '/api/leads/export.csv', token);
    const [header, row] = parse(answer.text, { bom: true }) as string[][];
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('规则')).toBe('R10 身份证号无效');
    expect(cell('严重程度')).toBe(SEVERITY_LABELS.high);
    expect(cell('状态')).toBe(STATUS_LABELS.new);
    expect(cell('预警牌')).toBe(CARD_LABELS.yellow);
  });

  it('the console keeps no copy of the labels and asks the API for them', async () => {
    const sources = await consoleSources();
    expect(sources.some((s) => s.text.includes("'/api/labels'"))).toBe(true);
    for (const { file, text } of sources) {
      for (const name of [...Object.values(STATUS_LABELS), ...Object.values(ACTION_LABELS), ...RULE_CATALOGUE.map((r) => r.name.zh)]) {
        expect({ file, name, copied: text.includes(`'${name}'`) || text.includes(`"${name}"`) || text.includes(`>${name}<`) }).toEqual({ file, name, copied: false });
      }
    }
  });
});

/** Every source file of the web console (apps/web/src), for what must never be copied into it. */
async function consoleSources(): Promise<{ file: string; text: string }[]> {
  const dir = path.join(ROOT, 'apps/web/src');
  const files = (await readdir(dir, { recursive: true })).filter((f) => /\.(ts|vue)$/.test(f) && !f.endsWith('schema.d.ts'));
  return Promise.all(files.map(async (f) => ({ file: f, text: await readFile(path.join(dir, f), 'utf8') })));
}
