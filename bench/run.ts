// `npm run bench [-- ingest|checks|backtest|scale|partitions|triage|socket|console ...]`: speed and memory targets, measured against a
// baseline in the same run (absolute times on a shared machine are noise; ratios are not).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { backtestBenchmark } from './backtest.js';
import { checksBenchmark } from './checks.js';
import { consoleBenchmark } from './console.js';
import { ingestBenchmark } from './ingest.js';
import { partitionsBenchmark } from './partitions.js';
import { socketBenchmark } from './socket.js';
import { scaleBenchmark } from './scale.js';
import { OUT, say } from './support.js';
import { triageBenchmark } from './triage.js';

const BENCHMARKS: Record<string, () => Promise<unknown>> = {
  ingest: () => ingestBenchmark(Number(process.env.BENCH_ROWS) || undefined, Number(process.env.BENCH_XLSX_ROWS) || undefined, Number(process.env.BENCH_ROUNDS) || undefined),
  checks: () => checksBenchmark(Number(process.env.BENCH_RECIPIENTS) || undefined),
  backtest: () => backtestBenchmark(Number(process.env.BENCH_RECIPIENTS) || undefined),
  partitions: () => partitionsBenchmark(Number(process.env.BENCH_RECIPIENTS) || undefined, Number(process.env.BENCH_PARTITIONS) || undefined, Number(process.env.BENCH_ROUNDS) || undefined),
  socket: () => socketBenchmark(Number(process.env.BENCH_SELECTS) || undefined, undefined, Number(process.env.BENCH_ROUNDS) || undefined),
  console: () => consoleBenchmark(Number(process.env.BENCH_LEADS) || undefined, Number(process.env.BENCH_ROUNDS) || undefined),
  scale: () => scaleBenchmark(),
  triage: () => triageBenchmark(Number(process.env.BENCH_LEADS) || undefined, Number(process.env.BENCH_PHASE_SECONDS) * 1000 || undefined),
};

const chosen = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(BENCHMARKS);
const results: Record<string, unknown> = {};
for (const name of chosen) {
  const bench = BENCHMARKS[name];
  if (!bench) {
    say(`unknown benchmark ${name} (known: ${Object.keys(BENCHMARKS).join(', ')})`);
    process.exit(1);
  }
  say(`== ${name}`);
  results[name] = await bench();
  say(JSON.stringify(results[name], null, 2));
}
const file = path.join(OUT, `results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2));
say(`results written to ${path.relative(process.cwd(), file)}`);
process.stdout.write(JSON.stringify(results) + '\n');
