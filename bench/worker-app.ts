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

/** What loadPopulation loaded, and how long each part took. */
export interface LoadedPopulation {
  payments: number;
  /** The stored batches, in the order loaded. */
  batchIds: string[];
  registriesMs: number;
  batchesMs: number;
}

/**
 * Loads the population in `dir` (bench/checks.ts writes it) through the import use cases: the
 * registries, then the batches (each must be stored), then ANALYZE. Progress goes to stderr.
 */
export async function loadPopulation(app: INestApplicationContext, dir: string): Promise<LoadedPopulation> {
  const files = populationFiles(dir);
  const say = (line: string) => process.stderr.write(`  ${line}\n`);
  let t = process.hrtime.bigint();
  const since = (start: bigint) => Math.round(Number(process.hrtime.bigint() - start) / 1e6);
  for (const kind of REGISTRY_KINDS) {
    let accepted = 0;
    for (const file of files.registries[kind]) accepted += (await app.get(ImportRegistry).execute(new ImportRegistryCommand(kind, file, path.basename(file), 'bench', false, false))).accepted;
    say(`registry ${kind}: ${accepted} rows`);
  }
  const registriesMs = since(t);
  t = process.hrtime.bigint();
  let payments = 0;
  const batchIds: string[] = [];
  for (const file of files.batches) {
    const r = await storeBatch(app, file);
    payments += r.accepted;
    batchIds.push(r.batchId);
  }
  const batchesMs = since(t);
  say(`${payments} payments in ${files.batches.length} batches`);
  await app.get(DataSource).query('ANALYZE');
  return { payments, batchIds, registriesMs, batchesMs };
}

/** Imports a batch file, which must be stored whole. */
async function storeBatch(app: INestApplicationContext, file: string) {
  const stored = await app.get(ImportBatch).execute(new ImportBatchCommand(file, path.basename(file), 'bench', '', false));
  if (stored.status !== 'stored') throw new Error(`${file}: ${JSON.stringify(stored)}`);
  return stored;
}

/** Imports a batch file as a county's upload; answers the stored batch and the check run its import queued. */
export async function importBatchForCheck(app: INestApplicationContext, file: string): Promise<{ batchId: string; accepted: number; runId: string }> {
  const stored = await storeBatch(app, file);
  const [run] = await app.get(DataSource).query(`SELECT id::text FROM check_runs WHERE $1 = ANY(batch_ids) ORDER BY id DESC LIMIT 1`, [stored.batchId]);
  return { batchId: stored.batchId, accepted: stored.accepted, runId: run.id };
}
