import { readFile, rm } from 'node:fs/promises';
import pg from 'pg';
import { Redis } from 'ioredis';

/** Drops every database and queue key this run created. */
export default async function globalTeardown() {
  const file = process.env.SUNLIGHT_TEST_SETUP;
  if (!file) return;
  const info = JSON.parse(await readFile(file, 'utf8'));
  if (info.postgres) {
    const admin = new pg.Client({ connectionString: info.postgres });
    await admin.connect();
    const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${info.runId}%`]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
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
}
