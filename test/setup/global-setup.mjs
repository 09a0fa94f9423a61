// Prepares what the end-to-end tests start from, once per run:
//  - an embedded data directory with migrations and catalogues applied (copied per test);
//  - on native PostgreSQL, a template database (each test file gets CREATE DATABASE … TEMPLATE).
// Every run uses databases and queue prefixes of its own, dropped in global-teardown.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { findServices } from './services.mjs';

const run = promisify(execFile);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export default async function globalSetup() {
  const services = await findServices();
  if (process.env.SUNLIGHT_REQUIRE_SERVICES === '1' && (!services.postgres || !services.redis)) {
    throw new Error(`SUNLIGHT_REQUIRE_SERVICES: ${services.postgresReason ?? ''} ${services.redisReason ?? ''}`.trim());
  }
  const runId = `sltest_${Date.now().toString(36)}_${process.pid}`;
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'sunlight-test-'));
  const cli = path.join(root, 'dist/apps/cli/src/main.js');
  const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' };

  // The two templates are independent: migrated side by side (the embedded one is the slower).
  const embeddedTemplate = path.join(workDir, 'embedded-template');
  const embedded = run(process.execPath, [cli, 'db', 'migrate'], { env: { ...baseEnv, SUNLIGHT_DATA_DIR: embeddedTemplate } });

  let postgresTemplate = null;
  let native = Promise.resolve();
  if (services.postgres) {
    postgresTemplate = `${runId}_tpl`;
    const admin = new pg.Client({ connectionString: services.postgres });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${postgresTemplate}`);
    await admin.end();
    native = run(process.execPath, [cli, 'db', 'migrate'], { env: { ...baseEnv, DATABASE_URL: withDatabase(services.postgres, postgresTemplate) } });
  }
  // Both settle before either failure is reported: no migration is left running behind jest.
  const [embeddedDone, nativeDone] = await Promise.allSettled([embedded, native]);
  for (const done of [embeddedDone, nativeDone]) if (done.status === 'rejected') throw done.reason;

  const info = { runId, workDir, embeddedTemplate, postgresTemplate, ...services };
  const file = path.join(workDir, 'setup.json');
  await writeFile(file, JSON.stringify(info, null, 2));
  process.env.SUNLIGHT_TEST_SETUP = file;
  const lines = [
    `e2e: PostgreSQL ${services.postgres ? 'yes' : `no (${services.postgresReason})`}`,
    `Redis ${services.redis ? 'yes' : `no (${services.redisReason})`}`,
    `embedded PGlite yes`,
  ];
  process.stderr.write(`\n${lines.join('; ')}\n`);
}

export function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
