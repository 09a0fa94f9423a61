import { JobName, QueueName } from '@sunlight/queue';
import { TEST_PASSWORD, apiClient, backends, createUser as createAccount, freshEnv, login, startServer, until, type RunningServer, type TestEnv } from './support/harness.js';
import { installationQueue, ownerSql as sql } from './support/queues.js';

/**
 * The admin's API (issue 13): accounts (list, create, edit, unlock, reset password, end
 * sessions), the sign-in and validation errors the console shows beside a field, queue health
 * with retries on both queue backends, and the read-only rules and programs.
 */

const SHANGHAI_HHMM = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });

describe.each(backends().filter((b) => b.name !== 'postgres'))('admin API on $name', ({ name, skip }) => {
  if (skip) {
    it.skip(`skipped: ${skip}`, () => undefined);
    return;
  }
  let env: TestEnv;
  let server: RunningServer;
  let admin: string;
  const call = apiClient(() => server.url);
  const users = async () => (await call('GET', '/api/users', admin)).json as any[];
  const userNamed = async (username: string) => (await users()).find((u) => u.username === username);
  /** An account made by the admin through the API (faster than the CLI); its password is TEST_PASSWORD. */
  const createUser = async (username: string, role: string, regionCode = '') => {
    const res = await call('POST', '/api/users', admin, { username, displayName: username, role, regionCode, password: TEST_PASSWORD });
    if (res.status !== 201) throw new Error(`create ${username}: ${res.text}`);
  };
  const actions = async (subjectId: string) => (await sql(env, `SELECT action, data FROM audit_events WHERE subject_id = $1 ORDER BY id`, [subjectId])).map((e) => e.action);

  beforeAll(async () => {
    env = await freshEnv(name, { SUNLIGHT_LOGIN_RATE: '1000' });
    await createAccount(env, 'admin', 'admin');
    server = await startServer(env);
    admin = await login(server.url, 'admin');
    await createUser('in.songzi', 'inspector', '421087');
  });
  afterAll(async () => {
    await server?.stop();
    await env?.cleanup();
  });

  it('lists accounts with role, region, lock, last sign-in and sessions, filtered by name, role and region', async () => {
    await login(server.url, 'in.songzi');
    const inspector = await userNamed('in.songzi');
    expect(inspector).toMatchObject({ role: 'inspector', regionCode: '421087', lockedUntil: null, mustChangePassword: false, active: true });
    expect(Date.now() - Date.parse(inspector.lastLoginAt)).toBeLessThan(60_000);
    expect(inspector.activeSessions).toBeGreaterThanOrEqual(1);
    expect((await call('GET', '/api/users?q=SONGZI', admin)).json.map((u: any) => u.username)).toEqual(['in.songzi']);
    expect((await call('GET', '/api/users?role=admin', admin)).json.map((u: any) => u.username)).toEqual(['admin']);
    expect((await call('GET', '/api/users?region=4210', admin)).json.map((u: any) => u.username)).toEqual(['in.songzi']);
    expect((await call('GET', '/api/users?q=%25', admin)).json).toEqual([]); // a wildcard is a character
    const bad = await call('GET', '/api/users?role=boss', admin);
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([{ field: 'role', message: '应为 uploader、inspector、supervisor、admin 之一' }]);
  });

  it('creates an account, naming the field of each mistake in Chinese', async () => {
    const missing = await call('POST', '/api/users', admin, { username: 'ab', role: 'inspector', regionCode: '4210', password: 'short', extra: 1 });
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual(
      expect.arrayContaining([
        { field: 'extra', message: '不接受此字段' },
        { field: 'displayName', message: '必填' },
        { field: 'username', message: expect.stringMatching(/3–64 位/) },
      ]),
    );
    expect(missing.json.message).toMatch(/姓名：必填/);
    const weak = await call('POST', '/api/users', admin, { username: 'up.new', displayName: '新上传员', role: 'uploader', regionCode: '421087', password: 'onlyletters' });
    expect(weak.status).toBe(422);
    expect(weak.json.errors).toEqual([{ field: 'password', message: '密码至少 10 位，且须同时含字母和数字' }]);
    const region = await call('POST', '/api/users', admin, { username: 'up.new', displayName: '新上传员', role: 'uploader', regionCode: '999999', password: 'Good-password-1' });
    expect(region.status).toBe(422);
    expect(region.json.errors).toEqual([{ field: 'regionCode', message: '行政区划代码 999999 不存在' }]);
    const created = await call('POST', '/api/users', admin, { username: 'up.new', displayName: '新上传员', role: 'uploader', regionCode: '421087', password: 'Good-password-1', email: 'up@example.com' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ username: 'up.new', displayName: '新上传员', role: 'uploader', regionCode: '421087', email: 'up@example.com', lastLoginAt: null, activeSessions: 0 });
    const taken = await call('POST', '/api/users', admin, { username: 'UP.NEW', displayName: 'x', role: 'uploader', regionCode: '421087', password: 'Good-password-1' });
    expect(taken.status).toBe(422);
    expect(taken.json.errors).toEqual([{ field: 'username', message: '用户名 UP.NEW 已存在' }]);
    expect(await actions(created.json.id)).toEqual(['user.create']);
  });

  it('edits role and region, which ends the sessions of the account', async () => {
    await createUser('su.move', 'supervisor', '421087');
    const token = await login(server.url, 'su.move');
    const user = await userNamed('su.move');
    const edited = await call('PATCH', `/api/users/${user.id}`, admin, { role: 'inspector', regionCode: '131121' });
    expect(edited.status).toBe(200);
    expect(edited.json).toMatchObject({ role: 'inspector', regionCode: '131121', activeSessions: 0 });
    expect((await call('GET', '/api/auth/me', token)).status).toBe(401);
    expect((await call('PATCH', `/api/users/999999`, admin, { displayName: 'x' })).status).toBe(404);
    const badId = await call('PATCH', `/api/users/abc`, admin, { displayName: 'x' });
    expect(badId.status).toBe(400);
    expect(badId.json.errors).toEqual([{ field: 'id', message: expect.stringMatching(/^参数 id 应为正整数/) }]);
    expect(await actions(user.id)).toEqual(['user.create', 'user.update']);
  });

  it('says when a locked account unlocks, in Asia/Shanghai time and as an instant, until the admin unlocks it', async () => {
    await createUser('in.locked', 'inspector', '421087');
    const wrong = () => call('POST', '/api/auth/login', undefined, { username: 'in.locked', password: 'wrong-guess-1' });
    for (let i = 0; i < 4; i++) expect((await wrong()).json.code).toBe('unauthenticated');
    const fifth = await wrong();
    expect(fifth.status).toBe(401);
    expect(fifth.json.code).toBe('locked');
    const until15 = Date.parse(fifth.json.lockedUntil);
    expect(Math.abs(until15 - Date.now() - 15 * 60_000)).toBeLessThan(60_000);
    const locked = await call('POST', '/api/auth/login', undefined, { username: 'in.locked', password: TEST_PASSWORD });
    expect(locked.status).toBe(401);
    expect(locked.json).toMatchObject({ code: 'locked', lockedUntil: fifth.json.lockedUntil });
    expect(locked.json.message).toContain(`将于 ${SHANGHAI_HHMM.format(new Date(until15))} 自动解锁`);
    const user = await userNamed('in.locked');
    expect(user.lockedUntil).toBe(fifth.json.lockedUntil);
    const unlocked = await call('POST', `/api/users/${user.id}/unlock`, admin);
    expect(unlocked.status).toBe(200);
    expect(unlocked.json.lockedUntil).toBeNull();
    expect((await call('POST', '/api/auth/login', undefined, { username: 'in.locked', password: TEST_PASSWORD })).status).toBe(200);
    expect(await actions(user.id)).toEqual(['user.create', 'user.locked', 'user.unlock']);
  });

  it('does not call a wrong password after a lock that ran out a lock', async () => {
    await createUser('in.expired', 'inspector', '421087');
    for (let i = 0; i < 5; i++) await call('POST', '/api/auth/login', undefined, { username: 'in.expired', password: 'wrong-guess-1' });
    await sql(env, `UPDATE users SET locked_until = now() - interval '1 minute' WHERE username = 'in.expired'`);
    const after = await call('POST', '/api/auth/login', undefined, { username: 'in.expired', password: 'wrong-guess-1' });
    expect(after.status).toBe(401);
    expect(after.json.code).toBe('unauthenticated');
    expect(after.json.lockedUntil).toBeUndefined();
    expect((await userNamed('in.expired')).lockedUntil).toBeNull();
  });

  it('resets a password: the account unlocks, its sessions end, and the user must choose a new one', async () => {
    await createUser('in.forgot', 'inspector', '421087');
    const old = await login(server.url, 'in.forgot');
    for (let i = 0; i < 5; i++) await call('POST', '/api/auth/login', undefined, { username: 'in.forgot', password: 'wrong-guess-1' });
    const user = await userNamed('in.forgot');
    expect(user.lockedUntil).not.toBeNull();
    const weak = await call('POST', `/api/users/${user.id}/reset-password`, admin, { password: '1234567890' });
    expect(weak.status).toBe(422);
    expect(weak.json.errors).toEqual([{ field: 'password', message: '密码至少 10 位，且须同时含字母和数字' }]);
    const reset = await call('POST', `/api/users/${user.id}/reset-password`, admin, { password: 'Temporary-pass-1' });
    expect(reset.status).toBe(200);
    expect(reset.json).toMatchObject({ lockedUntil: null, mustChangePassword: true, activeSessions: 0 });
    expect((await call('GET', '/api/auth/me', old)).status).toBe(401);
    const signedIn = await call('POST', '/api/auth/login', undefined, { username: 'in.forgot', password: 'Temporary-pass-1' });
    expect(signedIn.json.user).toMatchObject({ username: 'in.forgot', mustChangePassword: true });
    const token = signedIn.json.accessToken;
    expect((await call('GET', '/api/auth/me', token)).json).toMatchObject({ username: 'in.forgot', displayName: 'in.forgot', role: 'inspector', regionCode: '421087', mustChangePassword: true });
    expect((await call('POST', '/api/auth/password', token, { oldPassword: 'Temporary-pass-1', newPassword: 'Temporary-pass-1' })).json.errors).toEqual([{ field: 'newPassword', message: '新密码不能与原密码相同' }]);
    expect((await call('POST', '/api/auth/password', token, { oldPassword: 'Temporary-pass-1', newPassword: 'My-own-password-2' })).status).toBe(204);
    expect((await call('GET', '/api/auth/me', token)).json.mustChangePassword).toBe(false);
    expect(await actions(user.id)).toEqual(['user.create', 'user.locked', 'user.reset-password', 'user.password']);
  });

  it('ends every session of an account', async () => {
    await createUser('up.laptop', 'uploader', '421087');
    const a = await login(server.url, 'up.laptop');
    const b = await login(server.url, 'up.laptop');
    const user = await userNamed('up.laptop');
    expect(user.activeSessions).toBe(2);
    const revoked = await call('POST', `/api/users/${user.id}/revoke-sessions`, admin);
    expect(revoked.json).toEqual({ revoked: 2 });
    for (const token of [a, b]) expect((await call('GET', '/api/auth/me', token)).status).toBe(401);
    expect((await userNamed('up.laptop')).activeSessions).toBe(0);
    expect((await call('POST', `/api/users/999999/revoke-sessions`, admin)).status).toBe(404);
    expect(await actions(user.id)).toEqual(['user.create', 'user.revoke-sessions']);
  });

  it('answers request validation in Chinese, one entry per field, for bodies, queries and paths', async () => {
    const token = await login(server.url, 'in.songzi');
    const short = await call('POST', '/api/auth/password', token, { oldPassword: 'x', newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(short.json).toMatchObject({ statusCode: 400, message: '新密码：至少 10 个字符', errors: [{ field: 'newPassword', message: '至少 10 个字符' }] });
    const missing = await call('POST', '/api/auth/password', token, {});
    expect(missing.json.errors).toEqual([
      { field: 'oldPassword', message: '必填' },
      { field: 'newPassword', message: '必填' },
    ]);
    const wrongType = await call('POST', '/api/auth/login', undefined, { username: 7, password: 'x' });
    expect(wrongType.json.errors).toEqual([{ field: 'username', message: '应为文本' }]);
    const oldWrong = await call('POST', '/api/auth/password', token, { oldPassword: 'not-my-password-1', newPassword: 'Another-password-2' });
    expect(oldWrong.status).toBe(422);
    expect(oldWrong.json.errors).toEqual([{ field: 'oldPassword', message: '原密码不正确' }]);
    const limit = await call('GET', '/api/batches?limit=abc', admin);
    expect(limit.status).toBe(400);
    expect(limit.json.errors).toEqual([{ field: 'limit', message: expect.stringMatching(/^参数 limit 应为正整数/) }]);
    const checkpoint = await call('GET', '/api/admin/audit/verify?checkpoint=nonsense', admin);
    expect(checkpoint.status).toBe(422);
    expect(checkpoint.json.errors).toEqual([{ field: 'checkpoint', message: expect.stringMatching(/^检查点应为 事件编号:摘要/) }]);
  });

  it('shows the queues, a failed job, and retries it once its cause is fixed (audited)', async () => {
    await createUser('su.digest', 'inspector', '421087');
    const user = await userNamed('su.digest');
    const queue = await installationQueue(env, QueueName.Digests);
    let jobId: string;
    try {
      // A digest for someone who is no supervisor fails: the job names why.
      jobId = String((await queue.add(JobName.PrepareDigest, { userId: user.id }, { attempts: 1 })).id);
    } finally {
      await queue.close();
    }
    const failed = await until(async () => {
      const page = (await call('GET', '/api/admin/queues/digests/failed', admin)).json;
      return page.items?.find((j: any) => j.id === jobId);
    }, 30_000, 'the digest job to fail');
    expect(failed).toMatchObject({ name: 'prepare-digest', label: '生成定期摘要', data: { userId: user.id }, attemptsMade: 1, attempts: 1 });
    expect(failed.failedReason).toContain('不是分管领导');
    expect(Date.parse(failed.failedAt)).toBeGreaterThanOrEqual(Date.parse(failed.timestamp));
    const counts = (await call('GET', '/api/admin/queues', admin)).json;
    expect(counts.map((q: any) => q.name).sort()).toEqual(['checks', 'digests', 'ingestion', 'triage']);
    expect(counts.find((q: any) => q.name === 'digests')).toMatchObject({ label: '预警摘要', failed: 1 });
    for (const q of counts) for (const k of ['waiting', 'active', 'failed', 'delayed', 'completed']) expect(Number.isInteger(q[k])).toBe(true);

    // Fixed: the account is a supervisor now. Retried, the job succeeds and the digest exists.
    expect((await call('PATCH', `/api/users/${user.id}`, admin, { role: 'supervisor' })).status).toBe(200);
    const retried = await call('POST', `/api/admin/queues/digests/jobs/${jobId!}/retry`, admin);
    expect(retried.json).toEqual({ queue: 'digests', retried: 1 });
    await until(async () => ((await sql(env, `SELECT 1 FROM digests WHERE user_id = $1`, [user.id])).length ? true : undefined), 30_000, 'the retried job to prepare the digest');
    await until(async () => ((await call('GET', '/api/admin/queues', admin)).json.find((q: any) => q.name === 'digests').failed === 0 ? true : undefined), 30_000, 'no failed job');
    const again = await call('POST', `/api/admin/queues/digests/jobs/${jobId!}/retry`, admin);
    expect(again.status).toBe(409);
    expect(again.json.message).toMatch(/只有失败的任务可以重试/);
    expect(await actions(`digests:${jobId!}`)).toEqual(['queue.retry']);
    expect((await call('GET', '/api/admin/queues/nothing/failed', admin)).status).toBe(404);
    expect((await call('POST', '/api/admin/queues/digests/jobs/no%20such/retry', admin)).status).toBe(400);
    expect((await call('POST', '/api/admin/queues/digests/jobs/424242/retry', admin)).status).toBe(404);
  });

  it('retries every failed job of a queue at once', async () => {
    await createUser('in.twice', 'inspector', '421087');
    const user = await userNamed('in.twice');
    const queue = await installationQueue(env, QueueName.Digests);
    try {
      for (let i = 0; i < 2; i++) await queue.add(JobName.PrepareDigest, { userId: user.id }, { attempts: 1 });
    } finally {
      await queue.close();
    }
    await until(async () => ((await call('GET', '/api/admin/queues/digests/failed?limit=1', admin)).json.total === 2 ? true : undefined), 30_000, 'two failed jobs');
    expect((await call('GET', '/api/admin/queues/digests/failed?limit=1', admin)).json.items).toHaveLength(1);
    const all = await call('POST', '/api/admin/queues/digests/retry', admin);
    expect(all.json).toEqual({ queue: 'digests', retried: 2 });
    // Still not a supervisor: both fail again, each a second attempt (on either backend).
    const page = await until(async () => {
      const p = (await call('GET', '/api/admin/queues/digests/failed', admin)).json;
      return p.total === 2 && p.items.every((j: any) => j.attemptsMade === 2) ? p : undefined;
    }, 30_000, 'the retried jobs to fail again');
    expect(page.items).toHaveLength(2);
    expect((await sql(env, `SELECT data FROM audit_events WHERE action = 'queue.retry-all'`)).map((e) => e.data)).toEqual([{ retried: 2 }]);
  });

  it('shows the rules and programs as configured, read-only', async () => {
    const token = await login(server.url, 'in.songzi');
    const rules = (await call('GET', '/api/rules', token)).json;
    expect(rules.map((r: any) => r.code)).toEqual(expect.arrayContaining(['R01', 'R09', 'R12']));
    expect(rules.find((r: any) => r.code === 'R01')).toMatchObject({ name: '已故人员领取', version: 1, enabled: true, derived: false });
    expect(rules.find((r: any) => r.code === 'R01').parameters).toEqual([expect.objectContaining({ name: 'graceMonths', value: 0, defaultValue: 0, type: 'integer', min: 0, max: 12 })]);
    expect(rules.find((r: any) => r.code === 'R09').parameters).toEqual([
      expect.objectContaining({ name: 'minIds', value: 3, defaultValue: 3, type: 'integer', min: 2, max: 100 }),
      expect.objectContaining({ name: 'minHouseholds', value: 2, defaultValue: 2, type: 'integer', min: 1, max: 100 }),
    ]);
    expect(rules.find((r: any) => r.code === 'R12').derived).toBe(true);
    const programs = (await call('GET', '/api/programs', token)).json;
    expect(programs.find((p: any) => p.code === 'DIBAO')).toEqual({ code: 'DIBAO', name: '城乡最低生活保障金', frequency: 'monthly', frequencyLabel: '按月', capFen: '120000', meansTested: true, minAge: null, maxAge: null, universal: false, version: 1 });
    expect(programs.find((p: any) => p.code === 'JIAOYU')).toMatchObject({ minAge: 6, maxAge: 30 });
    expect((await call('POST', '/api/rules', admin, {})).status).toBe(404);
  });
});
