// What the bench workers share: the application as the CLI boots it, and a population loaded
// through the import use cases (registries, then the monthly batches, then ANALYZE).
import 'reflect-metadata';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ImportBatch, ImportBatchCommand, ImportRegistry, ImportRegistryCommand, REGISTRY_KINDS } from '@sunlight/ingestion';
import { openInfrastructure } from '@sunlight/runtime';
import { CliModule } from '../apps/cli/src/cli.module.js';
import { populationFiles } from './population-files.js';

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
  const files = populationFiles(dir);
  for (const kind of REGISTRY_KINDS) {
    for (const file of files.registries[kind]) await app.get(ImportRegistry).execute(new ImportRegistryCommand(kind, file, path.basename(file), 'bench', false, false));
  }
  let payments = 0;
  for (const file of files.batches) payments += (await app.get(ImportBatch).execute(new ImportBatchCommand(file, path.basename(file), 'bench', '', false))).accepted;
  await app.get(DataSource).query('ANALYZE');
  return payments;
}
