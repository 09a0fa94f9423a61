import { checksPopulation } from './checks.js';
import { child, dropDatabase, freshDatabase, nativePostgres, templateDatabase } from './support.js';

/**
 * The partition simulation of the scale-out plan (issue 15), timed: on the checks benchmark's
 * population (about 1,000,000 payments), each rule's statement over all payments on today's
 * layout and on the simulated one (payments and person registries hash-partitioned by id_number,
 * partitionwise join and aggregate on), alternating, in one process; and, for the rules that are
 * co-located, the same statement run on each shard alone (what Citus would send each worker).
 */
export async function partitionsBenchmark(recipients = 91_000, partitions = 4, rounds = 3) {
  const url = await nativePostgres();
  if (!url) return { skipped: 'no native PostgreSQL (DATABASE_URL or 127.0.0.1:5432)' };
  const dir = await checksPopulation(recipients);
  const template = 'sunlight_bench_partitions_tpl';
  await templateDatabase(url, template);
  const db = 'sunlight_bench_partitions';
  try {
    return await child('partitions-worker.js', [dir, String(partitions), String(rounds)], { DATABASE_URL: await freshDatabase(url, template, db) });
  } finally {
    await dropDatabase(url, db);
    await dropDatabase(url, template);
  }
}
