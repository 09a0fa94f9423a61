// Loads a population, runs a full check and an incremental one, in a process of its own:
//   node dist/bench/checks-worker.js DIR   (DATABASE_URL names a migrated database)
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { precisionRecall, type ExpectedLead } from '@sunlight/generator';
import { FoldBatchPartition, FoldBatchPartitionCommand } from '@sunlight/ingestion';
import { RequestChecks, RequestChecksCommand, RunChecks } from '@sunlight/rules';
import { populationFiles } from './population-files.js';
import { importBatchForCheck, loadPopulation, workerApp } from './worker-app.js';

const [dir] = process.argv.slice(2);
const files = populationFiles(dir);
const { app, close } = await workerApp();
const db = app.get(DataSource);
const ms = (start: bigint) => Math.round(Number(process.hrtime.bigint() - start) / 1e6);
const say = (line: string) => process.stderr.write(`  ${line}\n`);

const { payments, batchIds: stored, registriesMs, batchesMs } = await loadPopulation(app, dir);
let t: bigint;
// BENCH_FOLD=1: each large batch folded into the shared partition, as the worker does after its check.
let foldMs = 0;
if (process.env.BENCH_FOLD) {
  t = process.hrtime.bigint();
  for (const id of stored) await app.get(FoldBatchPartition).execute(new FoldBatchPartitionCommand(id));
  foldMs = ms(t);
  say(`folded into the shared partition in ${foldMs} ms`);
}
// As autovacuum would have by the time a history is checked (this server runs without it): the
// statistics, and the visibility map that lets a full check read the person index alone.
t = process.hrtime.bigint();
await db.query('VACUUM (ANALYZE)');
const vacuumMs = ms(t);
say(`vacuumed and analyzed in ${vacuumMs} ms`);

// The full run, as `checks run` does it (processed here, not through a worker, to time it alone).
/** When each rule finished, from the start of the run (rules run a few at a time). */
function ruleTimer() {
  const perRule: Record<string, number> = {};
  const start = process.hrtime.bigint();
  const progress = (p: { rule?: string }) => {
    if (p.rule) perRule[p.rule] = Math.round(Number(process.hrtime.bigint() - start) / 1e6);
  };
  return { perRule, progress };
}
const fullTimer = ruleTimer();
t = process.hrtime.bigint();
const fullRun = await app.get(RequestChecks).execute(new RequestChecksCommand('all', 'manual', 'bench'));
const full = await app.get(RunChecks).execute(fullRun, fullTimer.progress);
const perRule = fullTimer.perRule;
const fullMs = ms(t);
say(`full run: ${fullMs} ms, ${full.leadsRaised} leads`);

const expected = JSON.parse(readFileSync(path.join(dir, 'expected-leads.json'), 'utf8')) as ExpectedLead[];
const found = await db.query(`SELECT rule_code AS rule, id_number, program_code, period, bank_account FROM leads`);
const scores = precisionRecall(expected, found);

// The incremental run of one more batch: the job a stored batch queues for itself.
t = process.hrtime.bigint();
const extra = await importBatchForCheck(app, files.incremental);
const incrementalImportMs = ms(t);
const incrementalTimer = ruleTimer();
t = process.hrtime.bigint();
const incremental = await app.get(RunChecks).execute(extra.runId, incrementalTimer.progress);
const incrementalMs = ms(t);
say(`incremental run of ${extra.accepted} rows: ${incrementalMs} ms`);

await close();
process.stdout.write(
  JSON.stringify({
    payments,
    loadMs: { registries: registriesMs, batches: batchesMs, fold: foldMs, vacuum: vacuumMs },
    full: { ms: fullMs, leadsRaised: full.leadsRaised, failedRules: full.failedRules, finishedAtMs: perRule },
    incremental: { rows: extra.accepted, importMs: incrementalImportMs, ms: incrementalMs, leadsRaised: incremental.leadsRaised, leadsUpdated: incremental.leadsUpdated, finishedAtMs: incrementalTimer.perRule },
    scores: Object.fromEntries(Object.entries(scores).map(([rule, s]) => [rule, { expected: s.expected, raised: s.raised, precision: s.precision, recall: s.recall }])),
  }) + '\n',
);
