import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checksPopulation } from './checks.js';
import { populationFiles } from './population-files.js';
import { OUT, child, dropDatabase, freshDatabase, median, nativePostgres, say, templateDatabase, withDatabase } from './support.js';

/** Recipients for about a million payments a year (the checks benchmark's 91,000 → 1,011,848). */
const RECIPIENTS_PER_MILLION = 91_000;

interface WorkerReport {
  payments: number;
  loadMs: { registries: number; batches: number; fold: number; vacuum: number };
  full: { ms: number; leadsRaised: number; finishedAtMs: Record<string, number> };
  incremental: { rows: number; importMs: number; ms: number; finishedAtMs: Record<string, number> };
}

/** Each rule's own time, from the times the rules finished one after another (concurrency 1). */
function durations(finishedAt: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  let previous = 0;
  for (const [rule, at] of Object.entries(finishedAt).sort((a, b) => a[1] - b[1])) {
    out[rule] = at - previous;
    previous = at;
  }
  return out;
}

/**
 * The growth curve (issue 15): for each size (millions of payments a year; `BENCH_SCALE`, default
 * `1,5`; 20 and 60 on request, since they take long), a population whose registries grow with it,
 * loaded batch by batch and folded into the shared partition (as the worker does after each
 * batch's check), then a full check and the check of one more 10,000-row batch, the rules
 * one at a time so that each rule's share is its own time; then, size after size, `BENCH_ROUNDS`
 * (5) rounds of the next month's batch: its import and check as the worker runs it (the
 * configured concurrency), the same check again one rule at a time, and again as configured
 * (as `checks run --batch ID` runs it); medians. Then the full check again (its leads present,
 * `BENCH_FULL_ROUNDS`, 1). Ratios are against the first size.
 * BENCH_FOLD=0 leaves the large batches unfolded (at 60 M the fold takes some ten minutes; the
 * full check reads every partition alike, the batch's check probes each one's indexes).
 * BENCH_KEEP=1 keeps each size's database (sunlight_bench_scale_N) for EXPLAIN.
 * BENCH_DROP_POPULATION=1 deletes each size's CSV files (bench/out/population-N-rM) once they are
 * loaded, which the later rounds do not read: at 60 M they are some 11 GB, beside the database's
 * 25–30 GB; the next run then generates them again (about 10 minutes at 60 M).
 */
export async function scaleBenchmark(sizes = (process.env.BENCH_SCALE ?? '1,5').split(',').map(Number)) {
  const url = await nativePostgres();
  if (!url) return { skipped: 'no native PostgreSQL (DATABASE_URL or 127.0.0.1:5432)' };
  const template = 'sunlight_bench_scale_tpl';
  await templateDatabase(url, template);
  const curve: Record<string, unknown>[] = [];
  const databases: string[] = [];
  const nextMonths: string[] = []; // each size's incremental batch (January), to send again as later months
  try {
    for (const millions of sizes) {
      const dir = await checksPopulation(Math.round(RECIPIENTS_PER_MILLION * millions), millions);
      const db = `sunlight_bench_scale_${millions}`;
      say(`scale ${millions} M: loading ${dir}`);
      databases.push(db);
      try {
        const r = await child<WorkerReport>('checks-worker.js', [dir], { DATABASE_URL: await freshDatabase(url, template, db), SUNLIGHT_CHECK_CONCURRENCY: '1', BENCH_FOLD: process.env.BENCH_FOLD === '0' ? '' : '1' });
        curve.push({
          millions,
          payments: r.payments,
          importMsPerMillion: Math.round((r.loadMs.batches / r.payments) * 1e6),
          foldMsPerMillion: Math.round((r.loadMs.fold / r.payments) * 1e6),
          vacuumMs: r.loadMs.vacuum,
          fullMs: r.full.ms,
          fullByRuleMs: durations(r.full.finishedAtMs),
          batchRows: r.incremental.rows,
          batchImportMs: r.incremental.importMs,
          batchCheckMs: r.incremental.ms,
          batchCheckByRuleMs: durations(r.incremental.finishedAtMs),
        });
        say(JSON.stringify(curve.at(-1)));
        nextMonths.push(readFileSync(populationFiles(dir).incremental, 'utf8'));
        if (process.env.BENCH_DROP_POPULATION) rmSync(dir, { recursive: true, force: true });
      } catch (err) {
        await dropDatabase(url, db);
        throw err;
      }
    }
    // The batch checks, size after size, in rounds: on a shared machine, sizes measured one after
    // the other minutes apart see different loads; alternating, they see the same. Each round
    // sends every size the next month's batch (the incremental one's recipients, February on)
    // and times its check, the one a county's upload waits for; then checks that batch again, one
    // rule at a time (each rule's share comparable with the full check's) and as configured.
    const rounds = Math.min(Number(process.env.BENCH_ROUNDS) || 5, 11);
    const times: number[][] = curve.map(() => []);
    const firstTimes: number[][] = curve.map(() => []);
    const configuredTimes: number[][] = curve.map(() => []);
    for (let round = 0; round < rounds; round++) {
      const month = `2025-${String(round + 2).padStart(2, '0')}`;
      for (const [i, db] of databases.entries()) {
        const file = path.join(OUT, `next-month-${db}-${month}.csv`);
        writeFileSync(file, nextMonths[i].replaceAll(',2025-01,', `,${month},`).replaceAll(',2025-01-15,', `,${month}-15,`));
        // The upload's check as the worker runs it: at the configured concurrency (two rules at a time on PostgreSQL).
        const first = await child<{ ms: number; batchId: string }>('batch-check-worker.js', ['--import', file], { DATABASE_URL: withDatabase(url, db) });
        rmSync(file);
        firstTimes[i].push(first.ms);
        const again = await child<{ ms: number }>('batch-check-worker.js', [first.batchId], { DATABASE_URL: withDatabase(url, db), SUNLIGHT_CHECK_CONCURRENCY: '1' });
        times[i].push(again.ms);
        // And again as `checks run --batch ID` runs it, at the configured concurrency.
        const asConfigured = await child<{ ms: number }>('batch-check-worker.js', [first.batchId], { DATABASE_URL: withDatabase(url, db) });
        configuredTimes[i].push(asConfigured.ms);
      }
    }
    curve.forEach((c, i) =>
      Object.assign(c, {
        nextBatchCheckMs: median(firstTimes[i]),
        nextBatchCheckRoundsMs: firstTimes[i],
        batchCheckAlternatingMs: median(times[i]),
        batchCheckRoundsMs: times[i],
        batchCheckConfiguredMs: median(configuredTimes[i]),
        batchCheckConfiguredRoundsMs: configuredTimes[i],
      }),
    );
    // The full check again (leads present, as in a working system), size after size. The rounds'
    // months are partial (one 10,000-row batch each), so R13 (应享未享) now finds every resident
    // they left unpaid: some 89,000 missed months per round's month at 5 M. Its share here weighs
    // the ledger on those, not the work of the first check.
    const fullRounds = Number(process.env.BENCH_FULL_ROUNDS ?? 1);
    const full: { ms: number; finishedAtMs: Record<string, number> }[][] = curve.map(() => []);
    for (let round = 0; round < fullRounds; round++) {
      for (const [i, db] of databases.entries()) {
        full[i].push(await child('batch-check-worker.js', ['all'], { DATABASE_URL: withDatabase(url, db), SUNLIGHT_CHECK_CONCURRENCY: '1' }));
      }
    }
    if (fullRounds > 0) {
      curve.forEach((c, i) => {
        const middle = [...full[i]].sort((a, b) => a.ms - b.ms)[Math.floor(full[i].length / 2)];
        Object.assign(c, { fullAgainMs: middle.ms, fullAgainByRuleMs: durations(middle.finishedAtMs) });
      });
    }
  } finally {
    if (!process.env.BENCH_KEEP) for (const db of databases) await dropDatabase(url, db); // BENCH_KEEP=1 keeps them, to look at plans
    await dropDatabase(url, template);
  }
  const base = curve[0] as { payments: number; fullMs: number; batchCheckMs: number; batchImportMs: number; batchCheckAlternatingMs: number; batchCheckConfiguredMs: number; nextBatchCheckMs: number; fullAgainMs?: number };
  const ratios = curve.map((c) => {
    const p = c as typeof base & { millions: number };
    return {
      millions: p.millions,
      data: Number((p.payments / base.payments).toFixed(2)),
      full: Number((p.fullMs / base.fullMs).toFixed(2)),
      batchCheck: Number((p.batchCheckMs / base.batchCheckMs).toFixed(2)),
      nextBatchCheck: Number((p.nextBatchCheckMs / base.nextBatchCheckMs).toFixed(2)),
      batchCheckAlternating: Number((p.batchCheckAlternatingMs / base.batchCheckAlternatingMs).toFixed(2)),
      batchCheckConfigured: Number((p.batchCheckConfiguredMs / base.batchCheckConfiguredMs).toFixed(2)),
      fullAgain: p.fullAgainMs && base.fullAgainMs ? Number((p.fullAgainMs / base.fullAgainMs).toFixed(2)) : null,
      batchImport: Number((p.batchImportMs / base.batchImportMs).toFixed(2)),
    };
  });
  return { out: OUT, curve, ratios, targets: { fullLinear: '≤ 5.5 × from 1 M to 5 M', batchCheck: '≤ 1.5 × from 1 M to 5 M, under 1,000 ms' } };
}
