import { createHmac } from 'node:crypto';
import { chmod, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { ActorContext, type Actor } from '@sunlight/common';
import { AuditLog, canonicalJson, eventHash, GENESIS_HASH } from '@sunlight/audit';
import { Digests } from '@sunlight/digest';
import { apiClient, backends, bootApp, primaryBackend, cli, cloneEnv, createUser, freshEnv, login, runToExit, startServer, TEST_PASSWORD, until, type TestEnv } from './support/harness.js';

/**
 * The audit trail proves its own completeness: an attacker with full database access (a
 * superuser: triggers off, rows deleted or rewritten, audit_head set to match) but without the
 * key cannot make `audit verify` pass. Every attack here leaves the database consistent with
 * itself, as the unkeyed chain of old would have accepted.
 */

/** SQL as the database's superuser: psql on PostgreSQL, the embedded database opened directly. */
async function asSuperuser<T>(env: TestEnv, work: (query: (sql: string, params?: unknown[]) => Promise<any[]>) => Promise<T>): Promise<T> {
  if (env.databaseUrl) {
    const client = new pg.Client({ connectionString: env.databaseUrl });
    await client.connect();
    try {
      return await work(async (sql, params) => (await client.query(sql, params)).rows);
    } finally {
      await client.end();
    }
  }
  const app = await bootApp(env);
  try {
    return await work((sql, params) => app.query(sql, params));
  } finally {
    await app.close();
  }
}

/** What the attacker runs around each change: the append-only triggers off, then on again. */
async function withTriggersOff(query: (sql: string, params?: unknown[]) => Promise<any[]>, change: () => Promise<void>): Promise<void> {
  await query(`ALTER TABLE audit_events DISABLE TRIGGER USER`);
  await query(`ALTER TABLE audit_head DISABLE TRIGGER USER`);
  await change();
  await query(`ALTER TABLE audit_events ENABLE TRIGGER USER`);
  await query(`ALTER TABLE audit_head ENABLE TRIGGER USER`);
}

/** The head as the database itself keeps it, rewritten to match what is left. */
const rewriteHead = (query: (sql: string, params?: unknown[]) => Promise<any[]>) =>
  query(`UPDATE audit_head SET event_id = e.id, hash = e.hash, updated_at = now() FROM (SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1) e`);

/** The fields the (documented) unkeyed chain covers, as an attacker would recompute them. */
const sealedOf = (r: Record<string, any>) => ({
  at: new Date(r.at).toISOString(),
  actorId: r.actor_id,
  actorName: r.actor_name,
  actorRole: r.actor_role,
  action: r.action,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  regionCode: r.region_code ?? null,
  reason: r.reason ?? null,
  data: r.data ?? {},
});

/** Re-chains every event from `fromId` on with SHA-256 (no key), after `edit` changed the rows. */
async function rechainUnkeyed(query: (sql: string, params?: unknown[]) => Promise<any[]>, fromId: string, setAlg?: 'sha256'): Promise<void> {
  const rows = await query(`SELECT * FROM audit_events ORDER BY id`);
  let previous = GENESIS_HASH;
  for (const row of rows) {
    if (BigInt(row.id) >= BigInt(fromId)) {
      const hash = eventHash(previous, sealedOf(row));
      await query(`UPDATE audit_events SET prev_hash = $2, hash = $3 WHERE id = $1`, [row.id, previous, hash]);
      if (setAlg) await query(`UPDATE audit_events SET alg = $2 WHERE id = $1`, [row.id, setAlg]);
      previous = hash;
    } else {
      previous = row.hash;
    }
  }
  await rewriteHead(query);
}

const keyOf = async (env: TestEnv) => Buffer.from((await readFile(path.join(env.dataDir, 'audit.key'), 'utf8')).trim(), 'hex');
const checkpointLines = async (env: TestEnv) =>
  (await readFile(path.join(env.dataDir, 'audit-checkpoints.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { eventId: string; hash: string; at: string; mac: string });
const problemsOf = (result: { json: any }) => (result.json?.problems ?? []).map((p: { problem: string }) => p.problem).join('\n');

for (const backend of backends().filter((b) => b.name !== 'postgres+redis')) {
  const maybe = backend.skip ? describe.skip : describe;
  maybe(`the keyed audit trail (${backend.name})`, () => {
    let prepared: TestEnv;
    let env: TestEnv;
    beforeAll(async () => {
      prepared = await freshEnv(backend.name);
      // Real flows append the events: an account made by the CLI is one audited step.
      for (const name of ['au.one', 'au.two', 'au.three']) await createUser(prepared, name, 'inspector', '421087');
    });
    afterAll(async () => prepared?.cleanup());
    // Each test attacks an installation of its own: a copy of the prepared one.
    beforeEach(async () => {
      env = await cloneEnv(prepared);
    });
    afterEach(() => env.cleanup());
    // What the trail's triggers do runs in each database engine; what verify and the start-up
    // make of it is the same code on every backend, so those tests run on one (the primary one).
    const onPrimary: jest.It = backend.name === primaryBackend().name ? it : (() => undefined) as unknown as jest.It;

    it('signs each event and a checkpoint after each commit, in files of mode 0600 whose lines verify with the key', async () => {
      expect((await stat(path.join(env.dataDir, 'audit.key'))).mode & 0o777).toBe(0o600);
      expect((await stat(path.join(env.dataDir, 'audit-checkpoints.jsonl'))).mode & 0o777).toBe(0o600);
      const key = await keyOf(env);
      expect(key.length).toBeGreaterThanOrEqual(32);
      const lines = await checkpointLines(env);
      expect(lines.length).toBeGreaterThanOrEqual(3); // one per `users create` at least
      for (const c of lines) {
        expect(c.mac).toBe(createHmac('sha256', key).update(`checkpoint|${canonicalJson({ eventId: c.eventId, hash: c.hash, at: c.at })}`).digest('hex'));
      }
      const events = await asSuperuser(env, (q) => q(`SELECT id::text, hash, alg, prev_hash FROM audit_events ORDER BY id`));
      expect(events).toHaveLength(3);
      expect(events.every((e) => e.alg === 'hmac-sha256')).toBe(true);
      expect(lines.at(-1)).toMatchObject({ eventId: events[2].id, hash: events[2].hash });
      const verified = await cli(env, 'audit', 'verify');
      expect(verified.code).toBe(0);
      expect(verified.json).toMatchObject({ ok: true, events: 3, headId: events[2].id, checkpoints: { latest: { eventId: events[2].id } } });
    });

    onPrimary('finds a deleted tail though the head was rewritten to match, and signs no checkpoint over it', async () => {
      await asSuperuser(env, (q) =>
        withTriggersOff(q, async () => {
          await q(`DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events ORDER BY id DESC LIMIT 2)`);
          await rewriteHead(q);
        }),
      );
      const result = await cli(env, 'audit', 'verify');
      expect(result.code).toBe(1);
      expect(result.json.ok).toBe(false);
      expect(problemsOf(result)).toContain('链尾被截断');
      expect(result.stderr).toContain('审计记录被改动');
      const before = await checkpointLines(env);

      // The next append (with the key) continues the shortened chain; the checkpointer sees that
      // the checkpoint's event is gone and refuses to bless the new tail.
      await createUser(env, 'au.five', 'inspector', '421087');
      expect(await checkpointLines(env)).toEqual(before);
      const again = await cli(env, 'audit', 'verify');
      expect(again.code).toBe(1);
      expect(problemsOf(again)).toMatch(/事件已被删除|链尾被截断/);
    });

    it('finds an event edited and the chain re-computed with unkeyed SHA-256 (an attacker without the key)', async () => {
      await asSuperuser(env, async (q) => {
        const [second] = await q(`SELECT id::text FROM audit_events ORDER BY id LIMIT 1 OFFSET 1`);
        await withTriggersOff(q, async () => {
          await q(`UPDATE audit_events SET data = jsonb_set(data, '{role}', '"admin"') WHERE id = $1`, [second.id]);
          await rechainUnkeyed(q, second.id);
        });
      });
      const result = await cli(env, 'audit', 'verify');
      expect(result.code).toBe(1);
      expect(problemsOf(result)).toContain('密钥签名不符');
    });

    onPrimary('finds the whole chain re-written as unkeyed sha256 events by its checkpoint, and a downgrade after keyed events', async () => {
      // Only the last event made 'sha256': a downgrade after keyed events.
      await asSuperuser(env, async (q) => {
        const [last] = await q(`SELECT id::text FROM audit_events ORDER BY id DESC LIMIT 1`);
        await withTriggersOff(q, () => rechainUnkeyed(q, last.id, 'sha256'));
      });
      const downgraded = await cli(env, 'audit', 'verify');
      expect(downgraded.code).toBe(1);
      expect(problemsOf(downgraded)).toContain('降级');

      // Every event made 'sha256': no keyed event is left to be downgraded from, but the
      // checkpoints outside the database no longer match.
      await asSuperuser(env, (q) => withTriggersOff(q, () => rechainUnkeyed(q, '0', 'sha256')));
      const rewritten = await cli(env, 'audit', 'verify');
      expect(rewritten.code).toBe(1);
      expect(problemsOf(rewritten)).toContain('检查点文件');
    });

    onPrimary("prints the latest checkpoint in a supervisor's digest, and verify holds the trail against one read off it", async () => {
      await createUser(env, 'su.audit', 'supervisor', '421087');
      const latest = (await checkpointLines(env)).at(-1)!;
      const app = await bootApp(env);
      let html: string;
      let text: string;
      try {
        ({ html, text } = await app.get(Digests).preview('su.audit'));
      } finally {
        await app.close();
      }
      expect(html).toContain(`审计锚点：${latest.eventId}:${latest.hash}`);
      expect(html).toContain(latest.mac.slice(0, 16));
      expect(text).toContain(`审计锚点：${latest.eventId}:${latest.hash}`);

      const right = await cli(env, 'audit', 'verify', '--checkpoint', `${latest.eventId}:${latest.hash}`);
      expect(right.code).toBe(0);
      expect(right.json.checkpoints.checked).toBeGreaterThan((await checkpointLines(env)).length - 1);
      const wrong = await cli(env, 'audit', 'verify', '--checkpoint', `${latest.eventId}:${'0'.repeat(64)}`);
      expect(wrong.code).toBe(1);
      expect(problemsOf(wrong)).toContain('给定的检查点');
      const beyond = await cli(env, 'audit', 'verify', '--checkpoint', `${BigInt(latest.eventId) + 5n}:${latest.hash}`);
      expect(beyond.code).toBe(1);
      expect(problemsOf(beyond)).toContain('链尾被截断');
      const garbled = await cli(env, 'audit', 'verify', '--checkpoint', 'abc');
      expect(garbled.code).toBe(2);
      expect(garbled.stderr).toContain('事件编号:摘要');
    });

    onPrimary('refuses to start with a key file others can read, or a bad key, saying what to do', async () => {
      const keyFile = path.join(env.dataDir, 'audit.key');
      await chmod(keyFile, 0o644);
      const open = await runToExit('cli', env.env, ['audit', 'verify']);
      expect(open.code).toBe(1);
      expect(open.stderr).toContain(`chmod 600 ${keyFile}`);
      await chmod(keyFile, 0o600);
      const short = await runToExit('cli', { ...env.env, SUNLIGHT_AUDIT_KEY: 'abcd' }, ['audit', 'verify']);
      expect(short.code).toBe(1);
      expect(short.stderr).toContain('SUNLIGHT_AUDIT_KEY must hold at least 32 bytes');
      expect(short.stderr).not.toContain('abcd');
      // Another key than the one the trail was signed with: every keyed event fails.
      const other = await cli({ ...env, env: { ...env.env, SUNLIGHT_AUDIT_KEY: 'cd'.repeat(32) } }, 'audit', 'verify');
      expect(other.code).toBe(1);
    });
  });
}

const pgBackend = backends().find((b) => b.name === 'postgres')!;
(pgBackend.skip ? describe.skip : describe)('the API process checkpoints its own appends (postgres)', () => {
  it('writes a checkpoint after an API action commits, and the verify route reports a tail deleted after it', async () => {
    const env = await freshEnv('postgres');
    try {
      await createUser(env, 'ad.audit', 'admin');
      // An hour between periodic checkpoints: only the one after the commit can show up here.
      const server = await startServer(env, { SUNLIGHT_AUDIT_CHECKPOINT_SECONDS: '3600' });
      try {
        const call = apiClient(() => server.url);
        const token = await login(server.url, 'ad.audit');
        const made = await call('POST', '/api/users', token, { username: 'in.api', displayName: '检查员', role: 'inspector', regionCode: '421087', password: TEST_PASSWORD });
        expect(made.status).toBe(201);
        const [head] = await asSuperuser(env, (q) => q(`SELECT id::text, hash FROM audit_events ORDER BY id DESC LIMIT 1`));
        await until(async () => ((await checkpointLines(env)).some((c) => c.eventId === head.id && c.hash === head.hash) ? true : undefined), 20_000, 'a checkpoint of the API’s event');
        expect((await call('GET', '/api/admin/audit/verify', token)).json).toMatchObject({ ok: true });

        await asSuperuser(env, (q) =>
          withTriggersOff(q, async () => {
            await q(`DELETE FROM audit_events WHERE id = $1`, [head.id]);
            await rewriteHead(q);
          }),
        );
        const verdict = await call('GET', '/api/admin/audit/verify', token);
        expect(verdict.json.ok).toBe(false);
        expect(verdict.json.problems.map((p: { problem: string }) => p.problem).join()).toContain('链尾被截断');
        const anchored = await call('GET', `/api/admin/audit/verify?checkpoint=${head.id}:${head.hash}`, token);
        expect(anchored.json.checkpoints.checked).toBeGreaterThan(1);
        expect((await call('GET', '/api/admin/audit/verify?checkpoint=nonsense', token)).status).toBe(422);
      } finally {
        await server.stop();
      }
    } finally {
      await env.cleanup();
    }
  });
});

(pgBackend.skip ? describe.skip : describe)('appends from many transactions at once (postgres)', () => {
  it('links each event to the one committed before it: one chain, never a fork', async () => {
    const env = await freshEnv('postgres');
    const app = await bootApp(env);
    try {
      // Ten connections appending at once: each waits for the append lock while another commits,
      // and must then read the head that commit made (a snapshot from before the wait would not).
      const audit = app.get(AuditLog);
      const actor: Actor = { userId: '1', username: 'au.load', role: 'admin', scope: '' };
      await Promise.all(Array.from({ length: 200 }, (_, i) => ActorContext.run({ ...actor }, () => audit.record({ action: 'test.append', subjectType: 'test', subjectId: String(i) }))));
      expect(await app.query(`SELECT prev_hash FROM audit_events GROUP BY prev_hash HAVING count(*) > 1`)).toEqual([]);
      const verified = await audit.verify();
      expect(verified.problems).toEqual([]);
      expect(verified.events).toBeGreaterThanOrEqual(200);
    } finally {
      await app.close();
      await env.cleanup();
    }
  });
});
