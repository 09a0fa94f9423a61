import pg from 'pg';
import { apiClient, backends, cli, createUser, freshEnv, login, startServer, withDatabase, withUser, type TestEnv } from './support/harness.js';

/**
 * Two roles on PostgreSQL (issue 12): the migrations run as the owner (DATABASE_OWNER_URL), the
 * application as its own role (DATABASE_URL), which may add audit events and read them but can
 * neither change nor remove them, nor move the chain's head, nor switch off what guards them.
 * (Every other PostgreSQL test runs with the two roles too: harness.ts freshEnv.)
 */

const postgres = backends().find((b) => b.name === 'postgres')!;

/** What PostgreSQL answers a statement of the given role: its SQLSTATE, or 'accepted'. Nothing stays. */
async function answer(db: pg.Client, sql: string): Promise<string> {
  await db.query('BEGIN');
  try {
    await db.query(sql);
    return 'accepted';
  } catch (err) {
    const e = err as { code?: string; message: string };
    // The append-only trigger answers 42501 too: only a refusal of the privilege system counts.
    return /append-only/.test(e.message) ? `trigger: ${e.message}` : (e.code ?? e.message);
  } finally {
    await db.query('ROLLBACK');
  }
}

async function connect(url: string): Promise<pg.Client> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  return db;
}

describe('the application role on PostgreSQL', () => {
  if (postgres.skip) {
    it.skip(`skipped: ${postgres.skip}`, () => undefined);
    return;
  }
  let env: TestEnv;
  let owner: pg.Client;
  let app: pg.Client;
  let appRole: string;

  beforeAll(async () => {
    env = await freshEnv('postgres');
    // The first start migrates as the owner and grants the application role its part.
    await createUser(env, 'admin', 'admin');
    owner = await connect(env.databaseUrl!);
    app = await connect(env.env.DATABASE_URL); // the application's own role
    appRole = (await app.query('SELECT current_user AS role')).rows[0].role;
  }, 120_000);
  afterAll(async () => {
    await app?.end();
    await owner?.end();
    await env?.cleanup();
  });

  it('cannot alter, switch off the triggers of, update, delete, truncate or drop the audit trail or its head', async () => {
    const statements = [
      'ALTER TABLE audit_events DISABLE TRIGGER ALL',
      'ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only',
      'ALTER TABLE audit_events ADD COLUMN note text',
      'ALTER TABLE audit_events OWNER TO CURRENT_USER',
      "UPDATE audit_events SET reason = 'rewritten'",
      'DELETE FROM audit_events',
      'TRUNCATE audit_events',
      'DROP TABLE audit_events',
      'ALTER TABLE audit_head DISABLE TRIGGER ALL',
      'ALTER TABLE audit_head ADD COLUMN note text',
      "INSERT INTO audit_head (event_id, hash) VALUES (0, 'forged') ON CONFLICT (one) DO UPDATE SET hash = 'forged'",
      "UPDATE audit_head SET hash = 'forged'",
      'DELETE FROM audit_head',
      'TRUNCATE audit_head',
      'DROP TABLE audit_head',
      // Nor through what keeps the head, nor through the grant step.
      'CREATE OR REPLACE FUNCTION sl_audit_follow_head() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$',
      'DROP TRIGGER audit_events_head ON audit_events',
      `SELECT sunlight_grant_app('postgres')`,
    ];
    const answers: Record<string, string> = {};
    for (const sql of statements) answers[sql] = await answer(app, sql);
    expect(answers).toEqual(Object.fromEntries(statements.map((sql) => [sql, '42501']))); // insufficient_privilege
    // Its own part it still has.
    expect(await answer(app, 'SELECT count(*) FROM audit_events')).toBe('accepted');
    expect(await answer(app, 'SELECT * FROM audit_head')).toBe('accepted');
  });

  it('appends through the application, and the head follows every insert', async () => {
    const before = Number((await app.query(`SELECT count(*) FROM audit_events WHERE action = 'user.create'`)).rows[0].count);
    await createUser(env, 'in.songzi', 'inspector', '421087');
    const server = await startServer(env);
    try {
      const call = apiClient(() => server.url);
      const token = await login(server.url, 'admin');
      const created = await call('POST', '/api/users', token, { username: 'su.songzi', displayName: '监督员', role: 'supervisor', regionCode: '421087', password: 'Some-password-2024' });
      expect(created.status).toBe(201);
    } finally {
      await server.stop();
    }
    const events = (await app.query(`SELECT id::text, action, subject_id, hash FROM audit_events ORDER BY id`)).rows;
    expect(events.filter((e) => e.action === 'user.create')).toHaveLength(before + 2);
    const last = events[events.length - 1];
    const [head] = (await app.query(`SELECT event_id::text AS id, hash FROM audit_head`)).rows;
    expect(head).toEqual({ id: last.id, hash: last.hash });
    const verified = await cli(env, 'audit', 'verify');
    expect(verified.json).toMatchObject({ ok: true, events: events.length });
  }, 120_000);

  it('runs the migrations as the owner: the tables are the owner\'s, only the payments are the application\'s', async () => {
    // An empty database, migrated by a first start with the two roles.
    const database = `${new URL(env.databaseUrl!).pathname.slice(1)}_e`;
    const role = `${database}_app`;
    await owner.query(`CREATE DATABASE ${database}`);
    await owner.query(`CREATE ROLE ${role} LOGIN`);
    const ownerUrl = withDatabase(env.databaseUrl!, database);
    const fresh = await connect(ownerUrl);
    try {
      const migrated = await cli({ ...env, env: { ...env.env, DATABASE_URL: withUser(ownerUrl, role), DATABASE_OWNER_URL: ownerUrl } }, 'db', 'migrate');
      expect(migrated.code).toBe(0);
      expect(migrated.json).toEqual({ migrated: true });
      const owners = Object.fromEntries(
        (await fresh.query(`SELECT relname, pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p')`)).rows.map((r) => [r.relname, r.owner]),
      );
      expect(owners).toMatchObject({ audit_events: 'postgres', audit_head: 'postgres', migrations: 'postgres', users: 'postgres', leads: 'postgres', disbursements: role, disbursements_shared: role });
      expect(Object.entries(owners).filter(([, o]) => o === role).map(([t]) => t).sort()).toEqual(['disbursements', 'disbursements_shared']);
      const [fn] = (await fresh.query(`SELECT pg_get_userbyid(proowner) AS owner, prosecdef FROM pg_proc WHERE proname = 'sl_audit_follow_head'`)).rows;
      expect(fn).toEqual({ owner: 'postgres', prosecdef: true });
    } finally {
      await fresh.end();
      await owner.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await owner.query(`DROP ROLE IF EXISTS ${role}`);
    }
  }, 120_000);

  it('still boots with one role (DATABASE_OWNER_URL unset), which keeps the head by the same trigger', async () => {
    const { DATABASE_OWNER_URL: _, ...single } = env.env;
    const oneRole: TestEnv = { ...env, env: { ...single, DATABASE_URL: env.databaseUrl! } };
    const server = await startServer(oneRole);
    try {
      expect((await fetch(`${server.url}/health`)).ok).toBe(true);
    } finally {
      await server.stop();
    }
    await createUser(oneRole, 'in2.songzi', 'inspector', '421087');
    const [last] = (await owner.query(`SELECT id::text, hash FROM audit_events ORDER BY id DESC LIMIT 1`)).rows;
    const [head] = (await owner.query(`SELECT event_id::text AS id, hash FROM audit_head`)).rows;
    expect(head).toEqual(last);
    expect((await cli(oneRole, 'audit', 'verify')).json).toMatchObject({ ok: true });
    expect(appRole).not.toBe('postgres');
  }, 120_000);
});
