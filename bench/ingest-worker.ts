// One import in a process of its own, so that its peak RSS is the import's:
//   node dist/bench/ingest-worker.js FILE   (DATABASE_URL names a migrated database)
import 'reflect-metadata';
import path from 'node:path';
import { ImportBatch, ImportBatchCommand } from '@sunlight/ingestion';
import { workerApp } from './worker-app.js';

const [file] = process.argv.slice(2);
const { app, close } = await workerApp();
const baselineRssMb = process.memoryUsage().rss / 1048576;
const started = process.hrtime.bigint();
const phases: Record<string, number> = {};
let last = { phase: 'start', at: started };
const result = await app.get(ImportBatch).execute(new ImportBatchCommand(path.resolve(file), path.basename(file), 'bench', '', false), (phase) => {
  if (phase === last.phase) return;
  const now = process.hrtime.bigint();
  phases[last.phase] = (phases[last.phase] ?? 0) + Math.round(Number(now - last.at) / 1e6);
  last = { phase, at: now };
});
phases[last.phase] = (phases[last.phase] ?? 0) + Math.round(Number(process.hrtime.bigint() - last.at) / 1e6);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
await close();
process.stdout.write(JSON.stringify({ ms, status: result.status, rows: result.accepted, rejected: result.rejected, peakRssMb: process.resourceUsage().maxRSS / 1024, baselineRssMb, phases }) + '\n');
