import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { QueueName } from '@sunlight/queue';
import { ROOT, SAMPLES, backends, cli, freshEnv, jsonLines, primaryBackend, type TestEnv } from './support/harness.js';
import { installationWorker } from './support/queues.js';

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

// CONTRACT §5: `checks run --batch ID` checks one stored batch's payments and the groups they
// join, as the check after its import does, and prints what `checks run` prints.
// And a command that finds the checks queue consumed elsewhere waits for that worker; when the
// worker goes without taking the job (another command's, ending), the command takes it itself.
describe(`checks run --batch, and checks run waiting on a worker elsewhere (${primaryBackend().name})`, () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await freshEnv(primaryBackend().name);
  });
  afterEach(async () => env?.cleanup());

  it("checks one batch's payments and the groups they join, and refuses a batch it cannot check", async () => {
    // The sample alone would raise R06, R07, R08 and R10 (the thin path above); none of it is the
    // second batch's, and no worker has checked it yet (nothing consumes the queue between commands).
    expect((await cli(env, 'batch', 'import', path.join(SAMPLES, 'batch-421087-2024Q2.csv'))).code).toBe(0);
    // The second batch: 吴德明 paid twice for May (a duplicate of its own), and 李秀英 paid a third
    // time for April, joining the sample's duplicate of her April.
    const second = path.join(env.dataDir, 'batch-2024-05.csv');
    await writeFile(
      second,
      [
        'region_code,program_code,period,id_number,name,household_id,amount,bank_account,account_holder,paid_on,payer',
        '421087101,DIBAO,2024-05,421087196103030193,吴德明,H0009,500.00,6222020100099999999,吴德明,2024-05-15,南海镇财政所',
        '421087101,DIBAO,2024-05,421087196103030193,吴德明,H0009,500.00,6222020100099999999,吴德明,2024-05-20,南海镇财政所',
        '421087101,DIBAO,2024-04,421087196804120116,李秀英,H0001,100.00,6222020100011111111,李秀英,2024-04-30,南海镇财政所',
      ].join('\n') + '\n',
    );
    const imported = await cli(env, 'batch', 'import', second);
    expect(imported.json).toMatchObject({ status: 'stored', accepted: 3 });

    const run = await cli(env, 'checks', 'run', '--batch', String(imported.json.batchId));
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ leadsRaised: 2, leadsUpdated: 0, byRule: { R06: 2 }, failedRules: {} });
    const all = jsonLines((await cli(env, 'leads', 'export', '--format', 'jsonl')).stdout);
    // Only this batch's check ran: the imports' own checks stay queued for a worker (a server, or
    // the next `checks run`), so the sample's R07, R08 and R10 are not raised by this command.
    expect(all.map((l) => l.rule)).toEqual(['R06', 'R06']);
    expect((await cli(env, 'checks', 'run')).json).toMatchObject({ leadsRaised: 3, byRule: { R07: 1, R08: 1, R10: 1 } });
    const leads = all.filter((l) => l.rule === 'R06');
    const april = leads.find((l) => l.period === '2024-04');
    // The group it joins, whole: the sample's 650 and 1,350 and the new 100, less the largest.
    expect(april).toMatchObject({ id_number: '421087196804120116', evidence_count: 3, amount_at_risk: '750.00' });
    expect(leads.find((l) => l.period === '2024-05')).toMatchObject({ id_number: '421087196103030193', evidence_count: 2, amount_at_risk: '500.00' });

    // A batch that does not exist, one that stored nothing, and an id that is not one.
    const unknown = await cli(env, 'checks', 'run', '--batch', '999');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('批次 999 不存在');
    const rejected = await cli(env, 'batch', 'import', path.join(SAMPLES, '..', '..', 'test', 'fixtures', 'batch-with-errors.csv'));
    expect(rejected.json).toMatchObject({ status: 'rejected' });
    const refused = await cli(env, 'checks', 'run', '--batch', String(rejected.json.batchId));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`批次 ${rejected.json.batchId} 已拒收`);
    const malformed = await cli(env, 'checks', 'run', '--batch', 'B7');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--batch B7: 应为批次号');
    // And an export to a directory that is not there names the file instead of crashing.
    const unwritable = await cli(env, 'leads', 'export', '--format', 'jsonl', '--out', path.join(env.dataDir, 'no-such-dir', 'leads.jsonl'));
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/--out .*no-such-dir.*leads\.jsonl: 无法写入/);
  });

  it('runs the check itself when the worker it counted on goes, instead of waiting for ever', async () => {
    expect((await cli(env, 'batch', 'import', path.join(SAMPLES, 'batch-421087-2024Q2.csv'))).code).toBe(0);
    // Another process's worker on the checks queue, connected but taking nothing (paused).
    const worker = await installationWorker(env, QueueName.Checks, async () => Promise.reject(new Error('the paused worker took a job')));
    await worker.waitUntilReady();
    await worker.pause();
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/cli/src/main.js'), 'checks', 'run'], { env: env.env, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    const waiting = new Promise<void>((resolve) => child.stderr.on('data', (d) => (stderr += d).includes('由运行中的服务执行') && resolve()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await Promise.race([waiting, exited]);
      expect(stderr).toContain('由运行中的服务执行'); // it counted on the worker elsewhere
      await worker.close();
      const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 60 s'), 60_000).unref());
      expect(await Promise.race([exited, timeout])).toBe(0);
      expect(JSON.parse(stdout.trim().split('\n').pop()!)).toMatchObject({ leadsRaised: 4, byRule: { R06: 1, R07: 1, R08: 1, R10: 1 } });
    } finally {
      child.kill('SIGKILL');
      await worker.close();
    }
  });
});
