import { readFile, rm } from 'node:fs/promises';
import pg from 'pg';
import { Redis } from 'ioredis';

/** Drops every database, role and queue key this run created. */
export default async function globalTeardown() {
  const file = process.env.SUNLIGHT_TEST_SETUP;
  if (!file) return;
  const info = JSON.parse(await readFile(file, 'utf8'));
  const leaks = await personalDataInLogs(info.workDir);
  if (info.postgres) {
    const admin = new pg.Client({ connectionString: info.postgres });
    await admin.connect();
    const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${info.runId}%`]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    // The application roles of the PostgreSQL tests (harness.ts freshEnv), once their databases are gone.
    const roles = await admin.query(`SELECT rolname FROM pg_roles WHERE rolname LIKE $1`, [`${info.runId}%`]);
    for (const { rolname } of roles.rows) await admin.query(`DROP ROLE IF EXISTS "${rolname}"`).catch(() => undefined);
    await admin.end();
  }
  if (info.redis) {
    const redis = new Redis(info.redis, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect().catch(() => undefined);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${info.runId}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
  }
  await rm(info.workDir, { recursive: true, force: true });
  if (leaks.lines === 0) throw new Error('no log line was written by the test run: the personal-data check cannot work');
  if (leaks.found.length) {
    throw new Error(`personal data in ${leaks.found.length} log line(s) of ${leaks.lines}:\n${leaks.found.slice(0, 5).join('\n')}`);
  }
  process.stderr.write(`\nlogs: ${leaks.lines} lines from every test process, no full ID number or bank account\n`);
}

/**
 * Every log line of the run, from every process: none may hold a full ID number or bank account
 * (a long digit run in any field but the timestamp and pid).
 */
async function personalDataInLogs(workDir) {
  const { readdir } = await import('node:fs/promises');
  const dir = `${workDir}/logs`;
  const files = await readdir(dir).catch(() => []);
  const found = [];
  let lines = 0;
  for (const name of files) {
    for (const line of (await readFile(`${dir}/${name}`, 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      lines++;
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        entry = { text: line };
      }
      delete entry.time;
      delete entry.pid;
      const text = JSON.stringify(entry);
      if (/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])|(?<![\dA-Za-z])\d{12,30}(?![\dA-Za-z])/.test(text)) found.push(`${name}: ${line.slice(0, 300)}`);
    }
  }
  return { lines, found };
}
