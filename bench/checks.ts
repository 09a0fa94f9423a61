import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { OUT, child, dropDatabase, freshDatabase, nativePostgres, say, templateDatabase } from './support.js';
import { POPULATION_MANIFEST } from './population-files.js';

/**
 * The population of the checks benchmark, written once into bench/out (the registries of the
 * issue, a batch a month, and one more batch of 10,000 rows for the incremental run) by
 * generate-worker.ts, in a process of its own. The scale benchmark grows the registries with the
 * population (`registryScale`), as a province's do. A directory without its manifest (written
 * last, and since issue 15) is written again.
 */
export async function checksPopulation(recipients: number, registryScale = 1): Promise<string> {
  const dir = path.join(OUT, registryScale === 1 ? `population-${recipients}` : `population-${recipients}-r${registryScale}`);
  if (!existsSync(path.join(dir, POPULATION_MANIFEST))) {
    say(`generating a population of ${recipients} recipients → ${dir}`);
    rmSync(dir, { recursive: true, force: true });
    const r = await child<{ payments: number; generatedS: number; writtenS: number; maxRssMB: number }>('generate-worker.js', [dir, String(recipients), String(registryScale)], {});
    say(`  ${r.payments} payments: generated in ${r.generatedS} s, written in ${r.writtenS} s, peak RSS ${r.maxRssMB} MB`);
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
