// Writes the population of the checks and scale benchmarks, in a process of its own (the
// gigabytes a province's population takes while it is generated leave with it):
//   node dist/bench/generate-worker.js DIR RECIPIENTS REGISTRY_SCALE
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { BATCH_HEADER, Population, writeCsv } from '@sunlight/generator';
import { FILE_LIMITS } from '@sunlight/ingestion';
import { POPULATION_MANIFEST, type PopulationManifest } from './population-files.js';

const [dir, recipientsArg, scaleArg] = process.argv.slice(2);
const recipients = Number(recipientsArg);
const registryScale = Number(scaleArg);
const sized = (n: number) => Math.round(n * registryScale);
const start = process.hrtime.bigint();
const seconds = () => Number((Number(process.hrtime.bigint() - start) / 1e9).toFixed(1));

const population = new Population({
  seed: 2024,
  recipients,
  months: Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`),
  counties: 60,
  townshipsPerCounty: 12,
  plantedCopies: 40,
  registrySizes: { deceased: sized(100_000), 'public-employees': sized(200_000), 'village-officials': sized(50_000), 'household-members': sized(300_000), vehicles: sized(100_000), businesses: sized(100_000) },
});
const generatedS = seconds();
const memory = process.memoryUsage();
// Files over ingestion's row limit (from 55 M payments a year, and registries from 17 M) in parts;
// BENCH_ROWS_PER_FILE: smaller parts, to try the parts on a small population.
const files = await population.write(dir, { rowsPerFile: Number(process.env.BENCH_ROWS_PER_FILE) || FILE_LIMITS.rows });
// One more month for 10,000 of the recipients: the incremental batch.
const rows: (string | null)[][] = [];
for (const row of population.rows(new Set(['2024-12']))) {
  if (rows.length === 10_000) break;
  row[2] = '2025-01';
  row[9] = '2025-01-15';
  rows.push(row);
}
await writeCsv(path.join(dir, 'incremental.csv'), BATCH_HEADER, rows);
const name = (file: string) => path.basename(file);
const manifest: PopulationManifest = {
  recipients,
  registryScale,
  payments: population.paymentCount,
  registries: Object.fromEntries(Object.entries(files.registries).map(([kind, parts]) => [kind, parts.map(name)])) as PopulationManifest['registries'],
  batches: files.batches.map(name),
  incremental: 'incremental.csv',
};
writeFileSync(path.join(dir, POPULATION_MANIFEST), JSON.stringify(manifest, null, 1));
const mb = (n: number) => Math.round(n / 2 ** 20);
process.stdout.write(
  JSON.stringify({
    payments: population.paymentCount,
    generatedS,
    writtenS: Number((seconds() - generatedS).toFixed(1)),
    heapUsedMB: mb(memory.heapUsed),
    externalMB: mb(memory.external),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }) + '\n',
);
