import { existsSync } from 'node:fs';
import path from 'node:path';
import { BATCH_HEADER, Population, writeCsv } from '@sunlight/generator';
import { OUT, child, dropDatabase, freshDatabase, nativePostgres, say, templateDatabase } from './support.js';

const MONTHS = Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);

/**
 * The population of the checks benchmark, written once into bench/out (the registries of the
 * issue, a batch a month, and one more batch of 10,000 rows for the incremental run). The scale
 * benchmark grows the registries with the population (`registryScale`), as a province's do.
 */
export async function checksPopulation(recipients: number, registryScale = 1): Promise<string> {
  const dir = path.join(OUT, registryScale === 1 ? `population-${recipients}` : `population-${recipients}-r${registryScale}`);
  const sized = (n: number) => Math.round(n * registryScale);
  // residents.csv came with R13: a population written before it is written again.
  if (!existsSync(path.join(dir, 'incremental.csv')) || !existsSync(path.join(dir, 'residents.csv'))) {
    say(`generating a population of ${recipients} recipients → ${dir}`);
    const population = new Population({
      seed: 2024,
      recipients,
      months: MONTHS,
      counties: 60,
      townshipsPerCounty: 12,
      plantedCopies: 40,
      registrySizes: { deceased: sized(100_000), 'public-employees': sized(200_000), 'village-officials': sized(50_000), 'household-members': sized(300_000), vehicles: sized(100_000), businesses: sized(100_000) },
    });
    await population.write(dir);
    // One more month for 10,000 of the recipients: the incremental batch.
    const rows = population.rows(new Set(['2024-12'])).slice(0, 10_000).map((r) => {
      const row = [...r];
      row[2] = '2025-01';
      row[9] = '2025-01-15';
      return row;
    });
    await writeCsv(path.join(dir, 'incremental.csv'), BATCH_HEADER, rows);
  }
  return dir;
}

/**
 * The checks benchmark (issue 4): about 1,000,000 payments and the registries of the issue
 * (100,000 deceased, 200,000 public employees, 50,000 officials, 300,000 household members,
 * 100,000 vehicles, 100,000 businesses), from the generator with planted anomalies; a full run,
 * then the incremental run of one 10,000-row batch; and precision/recall per rule.
 */
export async function checksBenchmark(recipients = 91_000) {
  const url = await nativePostgres();
  if (!url) return { skipped: 'no native PostgreSQL (DATABASE_URL or 127.0.0.1:5432)' };
  const dir = await checksPopulation(recipients);
  const template = 'sunlight_bench_checks_tpl';
  await templateDatabase(url, template);
  const db = 'sunlight_bench_checks';
  try {
    const report = await child<{ full: { ms: number }; incremental: { ms: number } }>('checks-worker.js', [dir], { DATABASE_URL: await freshDatabase(url, template, db) });
    return { ...report, incrementalToFull: Number((report.incremental.ms / report.full.ms).toFixed(4)), targets: { fullMs: 60_000, incrementalToFull: 0.02 } };
  } finally {
    await dropDatabase(url, db);
    await dropDatabase(url, template);
  }
}
