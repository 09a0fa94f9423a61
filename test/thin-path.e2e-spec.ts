import path from 'node:path';
import { SAMPLES, backends, cli, freshEnv, jsonLines, type TestEnv } from './support/harness.js';

// The thin path of the foundation: a CSV batch in, a duplicate-payment lead out, through the
// command line, on every database/queue combination this machine has.
describe.each(backends())('thin path on $name', ({ name, skip }) => {
  const maybe = skip ? it.skip : it;
  let env: TestEnv;

  beforeAll(async () => {
    if (!skip) env = await freshEnv(name);
  });
  afterAll(async () => env?.cleanup());

  if (skip) it.skip(`skipped: ${skip}`, () => undefined);

  maybe('imports a batch, runs R06 through the queue and exports the lead', async () => {
    const first = await cli(env, 'batch', 'import', path.join(SAMPLES, 'batch-421087-2024Q2.csv'));
    expect(first.code).toBe(0);
    expect(first.json).toEqual({ batchId: expect.any(Number), status: 'stored', accepted: 15, rejected: 0, duplicateOf: null });

    const again = await cli(env, 'batch', 'import', path.join(SAMPLES, 'batch-421087-2024Q2.csv'));
    expect(again.code).toBe(0);
    expect(again.json).toMatchObject({ batchId: first.json.batchId, duplicateOf: first.json.batchId, accepted: 15 });

    const checks = await cli(env, 'checks', 'run');
    expect(checks.code).toBe(0);
    // Without registries loaded: the duplicate (R06), the amount over the cap (R07), the child paid
    // into an account in another name (R08: no household record says it is her mother's) and the
    // wrong check digit (R10).
    expect(checks.json).toMatchObject({ leadsRaised: 4, leadsUpdated: 0, byRule: { R06: 1, R07: 1, R08: 1, R10: 1 }, failedRules: {} });

    const exported = await cli(env, 'leads', 'export', '--format', 'jsonl');
    expect(exported.code).toBe(0);
    const leads = jsonLines(exported.stdout).filter((l) => l.rule === 'R06');
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({
      rule: 'R06',
      id_number: '421087196804120116',
      program_code: 'DIBAO',
      period: '2024-04',
      region_code: '421087101',
      amount_at_risk: '650.00', // 650 + 1350 less the largest payment
      evidence_count: 2,
      repeat_of: null,
    });
    expect(leads[0].evidence.payments.map((p: { amount: string }) => p.amount).sort()).toEqual(['1350.00', '650.00']);

    // A second run over the same data raises nothing and changes no amount.
    const rerun = await cli(env, 'checks', 'run');
    expect(rerun.json).toMatchObject({ leadsRaised: 0, leadsUpdated: 0 });
    const after = jsonLines((await cli(env, 'leads', 'export', '--format', 'jsonl')).stdout);
    expect(after.find((l) => l.rule === 'R06').amount_at_risk).toBe('650.00');
  });

  maybe('rejects a broken batch whole, naming row, column and reason', async () => {
    const result = await cli(env, 'batch', 'import', path.join(SAMPLES, '..', '..', 'test', 'fixtures', 'batch-with-errors.csv'));
    expect(result.code).toBe(2);
    expect(result.json).toMatchObject({ status: 'rejected', accepted: 0, rejected: 2 });
    expect(result.stderr).toContain('第 2 行 period "2024-13"');
    expect(result.stderr).toContain('第 3 行 program_code "NOPE"');
  });
});
