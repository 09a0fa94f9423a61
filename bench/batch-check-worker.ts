// Checks one stored batch again, as `checks run --batch ID` does (or, given `all`, every payment,
// as `checks run` does), and prints how long it took and when each rule finished:
//   node dist/bench/batch-check-worker.js BATCH_ID|all   (DATABASE_URL names a loaded database)
import 'reflect-metadata';
import { RequestChecks, RequestChecksCommand, RunChecks } from '@sunlight/rules';
import { workerApp } from './worker-app.js';

const [batchId] = process.argv.slice(2);
const { app, close } = await workerApp();
const perRule: Record<string, number> = {};
const start = process.hrtime.bigint();
const elapsed = () => Math.round(Number(process.hrtime.bigint() - start) / 1e6);
const command = batchId === 'all' ? new RequestChecksCommand('all', 'manual', 'bench') : new RequestChecksCommand('batches', 'manual', 'bench', [batchId]);
const runId = await app.get(RequestChecks).execute(command);
await app.get(RunChecks).execute(runId, (p) => {
  if (p.rule) perRule[p.rule] = elapsed();
});
const ms = elapsed();
await close();
process.stdout.write(JSON.stringify({ ms, finishedAtMs: perRule }) + '\n');
