import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@sunlight/config';
import type { Infrastructure } from '@sunlight/runtime';
import { ApiModule } from '../api.module.js';
import { apiDocument } from './document.js';

/**
 * `node dist/apps/api/src/openapi/main.js FILE`: writes the OpenAPI document without a database.
 * Nest's preview mode builds the module graph but instantiates no provider, so nothing connects.
 */
async function main() {
  const out = process.argv[2];
  if (!out) throw new Error('usage: openapi OUTPUT.json');
  const config = loadConfig({}, { logLevel: 'warn' });
  const infra = { config, database: { kind: 'embedded', connection: {} }, queue: { kind: 'redis', url: 'redis://unused', prefix: 'sunlight' }, role: 'server' } as unknown as Infrastructure;
  const app = await NestFactory.create(ApiModule.register(infra), { preview: true, logger: false, abortOnError: false });
  const document = apiDocument(app);
  await writeFile(out, JSON.stringify(document, null, 2) + '\n');
  await app.close();
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`openapi: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
