import { checksPopulation } from './checks.js';
import { child, dropDatabase, freshDatabase, nativePostgres, templateDatabase } from './support.js';

/**
 * The backtest benchmark (issue 14): on the checks benchmark's population (about 1,000,000
 * payments), each rule's backtest against that rule's part of a full check, both measured in
 * the same process, one after the other. The backtest runs twice: before the check (no leads to
 * compare with) and after it (every key compared with a present lead).
 */
export async function backtestBenchmark(recipients = 91_000) {
  const url = await nativePostgres();
  if (!url) return { skipped: 'no native PostgreSQL (DATABASE_URL or 127.0.0.1:5432)' };
  const dir = await checksPopulation(recipients);
  const template = 'sunlight_bench_backtest_tpl';
  await templateDatabase(url, template);
  const db = 'sunlight_bench_backtest';
  try {
    return await child('backtest-worker.js', [dir], { DATABASE_URL: await freshDatabase(url, template, db) });
  } finally {
    await dropDatabase(url, db);
    await dropDatabase(url, template);
  }
}
