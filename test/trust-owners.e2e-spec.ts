import { DataSource } from 'typeorm';
import { AuditLog } from '@sunlight/audit';
import { SYSTEM_ACTOR } from '@sunlight/common';
import pg from 'pg';
import { bootApp, cli, freshEnv, primaryBackend, type TestApp, type TestEnv } from './support/harness.js';

/** SQL as the database's owner: DATABASE_OWNER_URL on PostgreSQL, the one role of the embedded database. */
async function asOwner(env: TestEnv, app: TestApp, sql: string, params?: unknown[]): Promise<void> {
  if (!env.databaseUrl) {
    await app.query(sql, params);
    return;
  }
  const db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  try {
    await db.query(sql, params);
  } finally {
    await db.end();
  }
}

// Issue 11: libraries go through what a table's owner exports. These pin behaviour that moved
// behind an owner, so that the move cannot change it.

describe('accounts check regions through the regions library', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name);
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('an account in a known county is created; an unknown code is refused and named', async () => {
    const withPassword = { ...env, env: { ...env.env, SUNLIGHT_NEW_PASSWORD: 'Owners-test-2024' } };
    const known = await cli(withPassword, 'users', 'create', 'owners.songzi', '--role', 'inspector', '--region', '421087');
    expect(known.code).toBe(0);
    const unknown = await cli(withPassword, 'users', 'create', 'owners.nowhere', '--role', 'inspector', '--region', '429999');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('行政区划代码 429999 不存在');
    const listed = await cli(env, 'users', 'list');
    expect(listed.json).toEqual({ users: 1 });
    expect(listed.stderr).toContain('owners.songzi');
    expect(listed.stderr).not.toContain('owners.nowhere');
  });
});

describe('the audit trail keeps its head in a table of its own', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name);
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('moves the head with every append, and the verifier still finds a deleted tail', async () => {
    const app = await bootApp(env);
    try {
      const entries = ['a', 'b', 'c'].map((subjectId) => ({ action: 'test.owner', subjectType: 'test', subjectId }));
      const events = await app.get(DataSource).transaction((em) => app.get(AuditLog).appendMany(em, entries, SYSTEM_ACTOR));
      expect(await app.query(`SELECT event_id::text AS id, hash FROM audit_head`)).toEqual([{ id: events[2].id, hash: events[2].hash }]);
      expect(await app.query(`SELECT 1 FROM app_meta WHERE key = 'audit-head'`)).toEqual([]);
      expect((await app.get(AuditLog).verify()).ok).toBe(true);

      // Someone with the owner's rights (on PostgreSQL the application's role has none of these).
      await asOwner(env, app, `ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`);
      await asOwner(env, app, `DELETE FROM audit_events WHERE id = $1`, [events[2].id]);
      await asOwner(env, app, `ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
      const result = await app.get(AuditLog).verify();
      expect(result.ok).toBe(false);
      // The head in the database shows it, and so does the signed checkpoint written after the commit.
      expect(result.problems).toEqual([
        { id: events[2].id, problem: expect.stringContaining('链尾被截断') },
        { id: events[2].id, problem: expect.stringContaining('链尾事件缺失') },
      ]);
    } finally {
      await app.close();
    }
  });
});
