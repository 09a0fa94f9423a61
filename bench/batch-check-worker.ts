// Checks one stored batch again, as `checks run --batch ID` does (or, given `all`, every payment,
// as `checks run` does; or, given `--import FILE`, a batch it imports first, with the run its
// import queued, as a county's upload is checked), and prints how long the check took (the run
// itself, as the worker's job does it: not asking for it, nor queueing it) and when each rule
// finished:
//   node dist/bench/batch-check-worker.js BATCH_ID|all|--import FILE   (DATABASE_URL names a loaded database)
import 'reflect-metadata';
import { RequestChecks, RequestChecksCommand, RunChecks } from '@sunlight/rules';
import { importBatchForCheck, workerApp } from './worker-app.js';

const args = process.argv.slice(2);
const { app, close } = await workerApp();
let batchId = args[0];
let runId: string;
if (args[0] === '--import') {
  ({ batchId, runId } = await importBatchForCheck(app, args[1]));
} else {
  const command = batchId === 'all' ? new RequestChecksCommand('all', 'manual', 'bench') : new RequestChecksCommand('batches', 'manual', 'bench', [batchId]);
  runId = await app.get(RequestChecks).execute(command);
}
const perRule: Record<string, number> = {};
const start = process.hrtime.bigint();
const elapsed = () => Math.round(Number(process.hrtime.bigint() - start) / 1e6);
await app.get(RunChecks).execute(runId, (p) => {
  if (p.rule) perRule[p.rule] = elapsed();
});
const ms = elapsed();
await close();
process.stdout.write(JSON.stringify({ ms, batchId, finishedAtMs: perRule }) + '\n');
