// The files of a population that bench/generate-worker.ts wrote, as its manifest lists them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RegistryKind } from '@sunlight/ingestion';

/** Written last: a population directory without it is incomplete and is generated again. */
export const POPULATION_MANIFEST = 'population.json';

export interface PopulationManifest {
  recipients: number;
  registryScale: number;
  payments: number;
  /** File names in `dir`, in import order: a file of more than 5 million rows is written in parts. */
  registries: Record<RegistryKind, string[]>;
  batches: string[];
  /** One more batch of 10,000 rows, for the check of a single batch. */
  incremental: string;
}

/** The manifest with every file name made a path in `dir`. */
export function populationFiles(dir: string): PopulationManifest {
  const manifest = JSON.parse(readFileSync(path.join(dir, POPULATION_MANIFEST), 'utf8')) as PopulationManifest;
  const inDir = (file: string) => path.join(dir, file);
  return {
    ...manifest,
    registries: Object.fromEntries(Object.entries(manifest.registries).map(([kind, files]) => [kind, files.map(inDir)])) as PopulationManifest['registries'],
    batches: manifest.batches.map(inDir),
    incremental: inDir(manifest.incremental),
  };
}
