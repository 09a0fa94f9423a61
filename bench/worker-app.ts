// What the bench workers share: the application as the CLI boots it, and a population loaded
// through the import use cases (registries, then the monthly batches, then ANALYZE).
import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ImportBatch, ImportBatchCommand, ImportRegistry, ImportRegistryCommand, REGISTRY_KINDS } from '@sunlight/ingestion';
import { openInfrastructure } from '@sunlight/runtime';
import { CliModule } from '../apps/cli/src/cli.module.js';

/** The CLI's application on DATABASE_URL; `close()` closes it and its database. */
export async function workerApp(): Promise<{ app: INestApplicationContext; close: () => Promise<void> }> {
  const infra = await openInfrastructure('cli', undefined, { ...process.env, LOG_LEVEL: 'warn' });
  const app = await NestFactory.createApplicationContext(CliModule.register(infra), { logger: ['error'] });
  await app.init();
  return {
    app,
    close: async () => {
      await app.close();
      await infra.database.close();
    },
  };
}

/** Loads the population in `dir` (bench/checks.ts writes it); answers how many payments. */
export async function loadPopulation(app: INestApplicationContext, dir: string): Promise<number> {
  for (const kind of REGISTRY_KINDS) await app.get(ImportRegistry).execute(new ImportRegistryCommand(kind, path.join(dir, `${kind}.csv`), `${kind}.csv`, 'bench', false, false));
  let payments = 0;
  for (const file of readdirSync(dir).filter((f) => /^batch-\d{4}-\d{2}\.csv$/.test(f)).sort()) {
    payments += (await app.get(ImportBatch).execute(new ImportBatchCommand(path.join(dir, file), file, 'bench', '', false))).accepted;
  }
  await app.get(DataSource).query('ANALYZE');
  return payments;
}
