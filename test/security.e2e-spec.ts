import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SAMPLES, TEST_PASSWORD, apiClient, cli, createUser, createUsers, freshEnv, jsonLines, login, primaryBackend, startServer, until, type RunningServer, type TestEnv } from './support/harness.js';

/**
 * Two counties (松滋市 421087 and 枣强县 131121), a user of each role in each, and an admin.
 * Every route is tried by every role and across the county boundary; tokens are expired, forged
 * and revoked; filters get SQL injection strings; uploads are too large; names are formulas.
 */

type Role = 'uploader' | 'inspector' | 'supervisor' | 'admin';
const ROLES: Role[] = ['uploader', 'inspector', 'supervisor', 'admin'];
const USERS: Record<string, { role: Role; region: string }> = {
  admin: { role: 'admin', region: '' },
  'up.songzi': { role: 'uploader', region: '421087' },
  'in.songzi': { role: 'inspector', region: '421087' },
  'su.songzi': { role: 'supervisor', region: '421087' },
  'up.zaoqiang': { role: 'uploader', region: '131121' },
  'in.zaoqiang': { role: 'inspector', region: '131121' },
  'su.zaoqiang': { role: 'supervisor', region: '131121' },
};
const SECRET = 'test-secret-for-forging-tokens-in-the-security-suite';

describe(`security (${primaryBackend().name})`, () => {
  let env: TestEnv;
  let server: RunningServer;
  const tokens: Record<string, string> = {};
  let songziLead: string;
  let zaoqiangLead: string;
  let songziBatch: string;
  let zaoqiangBatch: string;
  let registryImport: string;

  const call = apiClient(() => server.url);
  const csvForm = (content: string, name = 'batch.csv', fields: Record<string, string> = {}) => {
    const form = new FormData();
    form.append('file', new Blob([content]), name);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    return form;
  };

  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name, { SUNLIGHT_UPLOAD_LIMIT_MB: '1', SUNLIGHT_LOGIN_RATE: '1000' });
    for (const kind of ['deceased', 'public-employees', 'village-officials', 'household-members', 'vehicles']) {
      expect((await cli(env, 'registry', 'import', kind, path.join(SAMPLES, `${kind}.csv`))).code).toBe(0);
    }
    const formula = path.join(env.dataDir, 'formula.csv');
    await writeFile(formula, 'region_code,program_code,period,id_number,name,amount,paid_on\n131121100,DIBAO,2024-05,131121198006060148,"=HYPERLINK(""http://evil"",""x"")",1500.00,2024-05-16\n');
    for (const file of [path.join(SAMPLES, 'batch-421087-2024Q2.csv'), path.join(SAMPLES, 'batch-131121-2024-04.csv'), formula]) {
      expect((await cli(env, 'batch', 'import', file)).code).toBe(0);
    }
    expect((await cli(env, 'checks', 'run')).code).toBe(0);
    const leads = jsonLines((await cli(env, 'leads', 'export', '--format', 'jsonl')).stdout);
    songziLead = String(leads.find((l) => l.region_code.startsWith('421087'))!.id);
    zaoqiangLead = String(leads.find((l) => l.region_code.startsWith('131121'))!.id);
    await createUsers(env, Object.entries(USERS).map(([username, { role, region }]) => [username, role, region]));
    server = await startServer(env);
    for (const username of Object.keys(USERS)) tokens[username] = await login(server.url, username);
    const batches = (await call('GET', '/api/batches', tokens.admin)).json.items;
    songziBatch = batches.find((b: { region_code: string }) => b.region_code.startsWith('421087')).id;
    zaoqiangBatch = batches.find((b: { region_code: string }) => b.region_code.startsWith('131121')).id;
    registryImport = (await call('GET', '/api/registries/imports', tokens.admin)).json.items[0].id;
  });
  afterAll(async () => {
    await server?.stop();
    await env?.cleanup();
  });

  /** Every route the API exposes, and who may call it. A route missing here fails the suite. */
  const ROUTES: { method: string; path: string; allowed: Role[] | 'public'; body?: () => unknown }[] = [
    { method: 'GET', path: '/health', allowed: 'public' },
    { method: 'GET', path: '/', allowed: 'public' },
    { method: 'POST', path: '/api/auth/login', allowed: 'public', body: () => ({ username: 'nobody', password: 'x' }) },
    { method: 'POST', path: '/api/auth/refresh', allowed: 'public', body: () => ({ refreshToken: 'x.y' }) },
    { method: 'POST', path: '/api/auth/logout', allowed: ROLES },
    { method: 'GET', path: '/api/auth/me', allowed: ROLES },
    { method: 'GET', path: '/api/labels', allowed: ROLES },
    { method: 'POST', path: '/api/links', allowed: ROLES, body: () => ({ path: '/api/leads/export.csv' }) },
    { method: 'POST', path: '/api/auth/password', allowed: ROLES, body: () => ({ oldPassword: 'wrong-password-1', newPassword: 'Another-password-2024' }) },
    { method: 'GET', path: '/api/users', allowed: ['admin'] },
    { method: 'POST', path: '/api/users', allowed: ['admin'], body: () => ({ username: `u${Date.now()}${Math.random().toString(36).slice(2, 6)}`, displayName: 'x', role: 'inspector', regionCode: '421087', password: 'Some-password-2024' }) },
    { method: 'PATCH', path: '/api/users/{user}', allowed: ['admin'], body: () => ({ displayName: '改名' }) },
    { method: 'POST', path: '/api/users/{user}/revoke-sessions', allowed: ['admin'] },
    { method: 'POST', path: '/api/users/{user}/unlock', allowed: ['admin'] },
    // (A password the policy refuses: nothing changes.)
    { method: 'POST', path: '/api/users/{user}/reset-password', allowed: ['admin'], body: () => ({ password: 'short' }) },
    { method: 'GET', path: '/api/rules', allowed: ROLES },
    { method: 'GET', path: '/api/programs', allowed: ROLES },
    { method: 'GET', path: '/api/rules/{rule}/versions', allowed: ['admin'] },
    { method: 'GET', path: '/api/rule-changes', allowed: ['admin'] },
    // (A draft the rules refuse, a change that does not exist: nothing changes.)
    { method: 'POST', path: '/api/rule-changes', allowed: ['admin'], body: () => ({ rule: 'R09', params: { minIds: 1 }, reason: '越界' }) },
    { method: 'POST', path: '/api/rule-changes/{change}/approve', allowed: ['admin'], body: () => ({}) },
    { method: 'POST', path: '/api/rule-changes/{change}/reject', allowed: ['admin'], body: () => ({ reason: '不同意' }) },
    { method: 'GET', path: '/api/rule-changes/{change}/diff', allowed: ['admin'] },
    { method: 'GET', path: '/api/rule-changes/{change}/shadow', allowed: ['admin'] },
    { method: 'POST', path: '/api/rule-changes/{change}/go-live', allowed: ['admin'] },
    // (A backtest of a change that does not exist: nothing is queued.)
    { method: 'POST', path: '/api/rules/{rule}/backtests', allowed: ['admin'], body: () => ({ changeId: '999999' }) },
    { method: 'GET', path: '/api/rules/{rule}/backtests', allowed: ['admin'] },
    { method: 'GET', path: '/api/rule-backtests/{backtest}', allowed: ['admin'] },
    { method: 'GET', path: '/api/program-changes', allowed: ['admin'] },
    { method: 'POST', path: '/api/program-changes', allowed: ['admin'], body: () => ({ program: 'DIBAO', cap: '-1', reason: '越界' }) },
    { method: 'POST', path: '/api/program-changes/{change}/approve', allowed: ['admin'], body: () => ({}) },
    { method: 'POST', path: '/api/program-changes/{change}/reject', allowed: ['admin'], body: () => ({ reason: '不同意' }) },
    { method: 'GET', path: '/api/admin/queues', allowed: ['admin'] },
    { method: 'GET', path: '/api/admin/queues/{queue}/failed', allowed: ['admin'] },
    { method: 'POST', path: '/api/admin/queues/{queue}/retry', allowed: ['admin'] },
    { method: 'POST', path: '/api/admin/queues/{queue}/jobs/{job}/retry', allowed: ['admin'] },
    { method: 'GET', path: '/api/leads', allowed: ['inspector', 'supervisor', 'admin'] },
    { method: 'GET', path: '/api/leads/export.csv', allowed: ['inspector', 'supervisor', 'admin'] },
    { method: 'GET', path: '/api/leads/{lead}', allowed: ['inspector', 'supervisor', 'admin'] },
    { method: 'POST', path: '/api/leads/{lead}/reveal', allowed: ['inspector', 'supervisor', 'admin'], body: () => ({ reason: '核查需要' }) },
    { method: 'GET', path: '/api/leads/facets', allowed: ['inspector', 'supervisor', 'admin'] },
    { method: 'GET', path: '/api/leads/assignees', allowed: ['inspector'] },
    { method: 'GET', path: '/api/leads/inspectors', allowed: ['inspector', 'supervisor', 'admin'] },
    { method: 'GET', path: '/api/leads/{lead}/assignees', allowed: ['inspector'] },
    { method: 'POST', path: '/api/leads/{lead}/attachments', allowed: ['inspector'], body: () => csvForm('not a pdf', 'a.pdf', { kind: 'other' }) },
    { method: 'GET', path: '/api/leads/{lead}/attachments', allowed: ['inspector', 'supervisor', 'admin'] },
    { method: 'GET', path: '/api/leads/{lead}/attachments/{attachment}', allowed: ['inspector', 'supervisor', 'admin'] },
    // (Bodies that fail validation: a role that may act gets 400/422, one that may not, 403; nothing changes.)
    { method: 'POST', path: '/api/leads/bulk', allowed: ['inspector'], body: () => ({ action: 'dismiss', leadIds: ['999999999'] }) },
    { method: 'POST', path: '/api/leads/{lead}/actions', allowed: ['inspector'], body: () => ({ action: 'assign' }) },
    { method: 'GET', path: '/api/notices', allowed: ['inspector', 'supervisor', 'admin'] },
    { method: 'POST', path: '/api/notices', allowed: ['inspector'], body: () => ({}) },
    { method: 'GET', path: '/api/notices/{notice}', allowed: ['inspector', 'supervisor', 'admin'] },
    { method: 'GET', path: '/api/notices/{notice}/print', allowed: ['inspector', 'supervisor', 'admin'] },
    { method: 'POST', path: '/api/notices/{notice}/answer', allowed: ['inspector'], body: () => ({}) },
    { method: 'GET', path: '/api/statistics', allowed: ['inspector', 'supervisor', 'admin'] },
    { method: 'GET', path: '/api/statistics/regions', allowed: ['inspector', 'supervisor', 'admin'] },
    { method: 'GET', path: '/api/statistics/export.xlsx', allowed: ['inspector', 'supervisor', 'admin'] },
    { method: 'GET', path: '/api/dashboard', allowed: ['inspector', 'supervisor', 'admin'] },
    { method: 'GET', path: '/api/regions', allowed: ROLES },
    { method: 'POST', path: '/api/admin/cards/sweep', allowed: ['admin'], body: () => ({ today: '2020-01-01' }) },
    { method: 'GET', path: '/api/admin/audit/verify', allowed: ['admin'] },
    { method: 'GET', path: '/api/digests', allowed: ['supervisor', 'admin'] },
    { method: 'GET', path: '/api/digests/settings', allowed: ['supervisor'] },
    { method: 'PUT', path: '/api/digests/settings', allowed: ['supervisor'], body: () => ({ hour: 99 }) },
    { method: 'GET', path: '/api/digests/preview', allowed: ['supervisor'] },
    { method: 'POST', path: '/api/digests/send', allowed: ['supervisor'] },
    { method: 'GET', path: '/api/digests/{digest}', allowed: ['supervisor', 'admin'] },
    { method: 'GET', path: '/api/batches', allowed: ['uploader', 'inspector', 'supervisor', 'admin'] },
    { method: 'POST', path: '/api/batches', allowed: ['uploader'], body: () => csvForm('region_code\n') },
    { method: 'GET', path: '/api/batches/{batch}', allowed: ['uploader', 'inspector', 'supervisor', 'admin'] },
    { method: 'GET', path: '/api/batches/{batch}/rejections', allowed: ['uploader', 'admin'] },
    { method: 'GET', path: '/api/batches/{batch}/rejections.csv', allowed: ['uploader', 'admin'] },
    { method: 'GET', path: '/api/batches/{batch}/leads', allowed: ['uploader'] },
    { method: 'GET', path: '/api/my-leads', allowed: ['uploader'] },
    { method: 'POST', path: '/api/registries/{kind}', allowed: ['uploader', 'admin'], body: () => csvForm('id_number,death_date\n', 'd.csv') },
    { method: 'GET', path: '/api/registries/imports', allowed: ['uploader', 'supervisor', 'admin'] },
    { method: 'GET', path: '/api/registries/imports/{import}', allowed: ['uploader', 'supervisor', 'admin'] },
    { method: 'GET', path: '/api/registries/imports/{import}/rejections', allowed: ['uploader', 'admin'] },
    { method: 'GET', path: '/api/registries/imports/{import}/rejections.csv', allowed: ['uploader', 'admin'] },
  ];

  /** A user of each role in 松滋 (the admin for admin), with a path filled with that county's objects. */
  const userOf = (role: Role) => (role === 'admin' ? 'admin' : `${role.slice(0, 2)}.songzi`);
  const fill = (p: string, userId = '1') =>
    p.replace('{lead}', songziLead).replace('{batch}', songziBatch).replace('{import}', registryImport).replace('{kind}', 'deceased').replace('{user}', userId).replace('{notice}', '999999').replace('{digest}', '999999').replace('{queue}', 'digests').replace('{job}', '999999').replace('{attachment}', '999999').replace('{rule}', 'R09').replace('{change}', '999999').replace('{backtest}', '999999');

  it('covers every route the API exposes (the OpenAPI document), each with a role or public decision', async () => {
    const doc = (await call('GET', '/api/docs-json')).json;
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${p.replace(/\{\w+\}/g, '{?}')}`),
    );
    const tested = ROUTES.filter((r) => r.path !== '/').map((r) => `${r.method} ${r.path.replace(/\{\w+\}/g, '{?}')}`);
    expect(documented.filter((r) => !r.includes('/api/docs')).sort()).toEqual(tested.sort());
  });

  it.each(ROUTES)('$method $path answers each role as decided', async (route) => {
    const [adminUser] = (await call('GET', '/api/users', tokens.admin)).json.filter((u: { username: string }) => u.username === 'su.zaoqiang');
    const anonymous = await call(route.method, fill(route.path, adminUser.id), undefined, route.body?.());
    if (route.allowed === 'public') {
      expect(anonymous.status).not.toBe(403); // (a wrong password is still a 401)
      expect(anonymous.status).toBeLessThan(500);
      return;
    }
    expect(anonymous.status).toBe(401);
    for (const role of ROLES) {
      const username = userOf(role);
      const token = route.path === '/api/auth/logout' ? await login(server.url, username) : tokens[username];
      const res = await call(route.method, fill(route.path, adminUser.id), token, route.body?.());
      if (route.allowed.includes(role)) {
        expect({ role, status: res.status }).not.toEqual({ role, status: 403 });
        expect(res.status).not.toBe(401);
        expect(res.status).toBeLessThan(500);
      } else {
        expect({ role, status: res.status }).toEqual({ role, status: 403 });
      }
    }
  });

  it('keeps each county to its own leads, batches and rejected rows: the other county’s answer 404', async () => {
    const own = (await call('GET', '/api/leads?limit=200', tokens['in.songzi'])).json.items;
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((l: { region_code: string }) => l.region_code.startsWith('421087'))).toBe(true);
    for (const username of ['in.songzi', 'su.songzi']) {
      expect((await call('GET', `/api/leads/${zaoqiangLead}`, tokens[username])).status).toBe(404);
      expect((await call('POST', `/api/leads/${zaoqiangLead}/reveal`, tokens[username], { reason: '越权尝试' })).status).toBe(404);
      expect((await call('GET', `/api/batches/${zaoqiangBatch}`, tokens[username])).status).toBe(404);
    }
    expect((await call('GET', `/api/batches/${zaoqiangBatch}/rejections`, tokens['up.songzi'])).status).toBe(404);
    expect((await call('GET', `/api/batches/${zaoqiangBatch}/rejections.csv`, tokens['up.songzi'])).status).toBe(404);
    expect((await call('GET', `/api/leads/${songziLead}`, tokens['in.zaoqiang'])).status).toBe(404);
    // Triage across the boundary: the other county's lead is not there to act on, list, count or cite.
    expect((await call('POST', `/api/leads/${zaoqiangLead}/actions`, tokens['in.songzi'], { action: 'dismiss', reason: '越权尝试' })).status).toBe(404);
    expect((await call('POST', '/api/leads/bulk', tokens['in.songzi'], { action: 'dismiss', reason: '越权尝试', leadIds: [songziLead, zaoqiangLead] })).status).toBe(404);
    expect((await call('GET', `/api/leads/${songziLead}`, tokens['in.songzi'])).json.status).toBe('new'); // nothing half-done
    expect((await call('GET', '/api/leads?region=131121', tokens['in.songzi'])).status).toBe(404);
    expect((await call('GET', '/api/statistics?region=131121&from=2020-01-01&to=2030-12-31', tokens['su.songzi'])).status).toBe(404);
    const facets = (await call('GET', '/api/leads/facets', tokens['su.songzi'])).json;
    const ownCount = (await call('GET', '/api/leads?limit=200', tokens['su.songzi'])).json.items.length;
    expect(facets.total).toBe(ownCount);
    expect((await call('POST', '/api/notices', tokens['in.songzi'], { kind: 'warning', regionCode: '131121', recipient: '枣强县民政局', subject: '越权', body: '越权' })).status).toBe(404);
    expect((await call('POST', '/api/notices', tokens['in.songzi'], { kind: 'warning', regionCode: '421087', recipient: '松滋市民政局', subject: '越权', body: '越权', leadIds: [zaoqiangLead] })).status).toBe(404);
    const notice = (await call('POST', '/api/notices', tokens['in.zaoqiang'], { kind: 'reminder', regionCode: '131121', recipient: '枣强县民政局', subject: '提醒', body: '请核查。' })).json;
    expect(notice.number).toBe('枣强县纪提〔' + notice.year + '〕1号');
    for (const path of [`/api/notices/${notice.id}`, `/api/notices/${notice.id}/print`]) expect((await call('GET', path, tokens['su.songzi'])).status).toBe(404);
    expect((await call('POST', `/api/notices/${notice.id}/answer`, tokens['in.songzi'], { answer: '越权' })).status).toBe(404);
    expect((await call('GET', '/api/notices', tokens['su.songzi'])).json).toEqual([]);
    // A digest: its own county only, and another supervisor's digest is not there.
    const preview = (await call('GET', '/api/digests/preview', tokens['su.songzi'])).json;
    expect(preview.text).not.toContain('枣强');
    expect(preview.subject).toContain('松滋市');
    expect(preview.figures.mostOverdue.every((r: { region: string }) => r.region.startsWith('421087'))).toBe(true);
    const zaoqiang = await login(server.url, 'su.zaoqiang'); // (the role table revoked its first sessions)
    const sent = (await call('POST', '/api/digests/send', zaoqiang)).json;
    expect((await call('GET', `/api/digests/${sent.digestId}`, tokens['su.songzi'])).status).toBe(404);
    expect((await call('GET', `/api/digests/${sent.digestId}`, zaoqiang)).json.status).toMatch(/pending|sending|not-configured/);
    const listed = (await call('GET', '/api/digests', tokens['su.songzi'])).json;
    expect(listed.every((d: { username: string }) => d.username === 'su.songzi')).toBe(true);
    expect(listed.map((d: { id: string }) => d.id)).not.toContain(sent.digestId);
    const exported = (await call('GET', '/api/leads/export.csv', tokens['su.zaoqiang'])).text;
    expect(exported).not.toContain('421087101');
    const batches = (await call('GET', '/api/batches', tokens['up.songzi'])).json.items;
    expect(batches.map((b: { id: string }) => b.id)).toContain(songziBatch);
    expect(batches.map((b: { id: string }) => b.id)).not.toContain(zaoqiangBatch);
    // The admin sees the whole country.
    expect((await call('GET', `/api/leads/${zaoqiangLead}`, tokens.admin)).status).toBe(200);
    // An uploader cannot name a region outside its own, nor slip rows of another county in.
    const outside = await call('POST', '/api/batches', tokens['up.songzi'], csvForm('x', 'x.csv', { region: '131121' }));
    expect(outside.status).toBe(422);
    const slipped = await call('POST', '/api/batches', tokens['up.songzi'], csvForm(`region_code,program_code,period,id_number,name,amount,paid_on\n131121100,DIBAO,2024-06,131121198006060148,陈俊杰,640,2024-06-15\n`));
    expect(slipped.status).toBe(202);
    const settled = await until(async () => {
      const batch = (await call('GET', `/api/batches/${slipped.json.batchId}`, tokens.admin)).json;
      return batch.status === 'pending' || batch.status === 'importing' ? undefined : batch;
    });
    expect(settled.status).toBe('rejected');
  });

  it('masks ID numbers and accounts in every answer, and reveals them only with a reason that is audited', async () => {
    const lead = await call('GET', `/api/leads/${songziLead}`, tokens['in.songzi']);
    expect(lead.text).not.toMatch(/\d{17}[\dX]/);
    expect(lead.text).not.toMatch(/\d{16}/);
    expect(lead.json.id_number ?? lead.json.evidence.payments[0].id_number).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
    expect((await call('POST', `/api/leads/${songziLead}/reveal`, tokens['in.songzi'], {})).status).toBe(400); // no reason, no reveal
    const revealed = await call('POST', `/api/leads/${songziLead}/reveal`, tokens['in.songzi'], { reason: '入户核查需要完整身份证号' });
    expect(revealed.status).toBe(200);
    expect(revealed.text).toMatch(/\d{17}[\dX]/);
    const history = (await call('GET', `/api/leads/${songziLead}`, tokens['su.songzi'])).json.history;
    expect(history).toContainEqual(expect.objectContaining({ action: 'lead.reveal', actorName: 'in.songzi', reason: '入户核查需要完整身份证号' }));
  });

  it('refuses expired, forged, tampered, unsigned and revoked tokens', async () => {
    const me = (await call('GET', '/api/auth/me', tokens['in.songzi'])).json;
    const [, payload] = tokens['in.songzi'].split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const sign = (body: object, secret = SECRET, header = { alg: 'HS256', typ: 'JWT' }) => {
      const h = Buffer.from(JSON.stringify(header)).toString('base64url');
      const p = Buffer.from(JSON.stringify(body)).toString('base64url');
      return `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
    };
    const now = Math.floor(Date.now() / 1000);
    expect((await call('GET', '/api/auth/me', sign({ ...claims, iat: now - 3600, exp: now - 1800 }))).status).toBe(401); // expired
    expect((await call('GET', '/api/auth/me', sign(claims, 'another-secret'))).status).toBe(401); // forged
    expect((await call('GET', '/api/auth/me', sign({ ...claims, role: 'admin', sub: '1' }))).status).toBe(401); // someone else's session
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    expect((await call('GET', '/api/auth/me', unsigned)).status).toBe(401);
    expect((await call('GET', '/api/users', sign({ ...claims, role: 'admin' }))).status).toBe(403); // a role claim changes nothing
    expect((await call('GET', '/api/auth/me', 'garbage')).status).toBe(401);
    expect(me.username).toBe('in.songzi');

    // Logout revokes the session: its access token stops at once.
    const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'su.songzi', password: TEST_PASSWORD }) });
    const pair = (await res.json()) as { accessToken: string; refreshToken: string };
    expect((await call('POST', '/api/auth/logout', pair.accessToken)).status).toBe(204);
    expect((await call('GET', '/api/auth/me', pair.accessToken)).status).toBe(401);
    expect((await call('POST', '/api/auth/refresh', undefined, { refreshToken: pair.refreshToken })).status).toBe(401);

    // A page left while its refresh was in flight never got the new token: the one it sent stays
    // good for a few seconds. Two rotations later it is a copy, and revokes the session.
    const other = (await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'su.songzi', password: TEST_PASSWORD }) })).json()) as { accessToken: string; refreshToken: string };
    const lost = await call('POST', '/api/auth/refresh', undefined, { refreshToken: other.refreshToken });
    expect(lost.status).toBe(200);
    const again = await call('POST', '/api/auth/refresh', undefined, { refreshToken: other.refreshToken });
    expect(again.status).toBe(200);
    expect(again.json.refreshToken).not.toBe(lost.json.refreshToken);
    const next = await call('POST', '/api/auth/refresh', undefined, { refreshToken: again.json.refreshToken });
    expect(next.status).toBe(200);
    expect((await call('POST', '/api/auth/refresh', undefined, { refreshToken: other.refreshToken })).status).toBe(401);
    expect((await call('GET', '/api/auth/me', next.json.accessToken)).status).toBe(401);
    expect((await call('POST', '/api/auth/refresh', undefined, { refreshToken: next.json.refreshToken })).status).toBe(401);
  });

  it('locks an account after five wrong passwords until the admin unlocks it', async () => {
    await createUser(env, 'victim', 'inspector', '421087');
    for (let i = 0; i < 5; i++) expect((await call('POST', '/api/auth/login', undefined, { username: 'victim', password: 'wrong-guess-1' })).status).toBe(401);
    const locked = await call('POST', '/api/auth/login', undefined, { username: 'victim', password: TEST_PASSWORD });
    expect(locked.status).toBe(401);
    expect(locked.json.code).toBe('locked');
    const victim = (await call('GET', '/api/users', tokens.admin)).json.find((u: { username: string }) => u.username === 'victim');
    expect((await call('PATCH', `/api/users/${victim.id}`, tokens.admin, { unlock: true })).status).toBe(200);
    expect((await call('POST', '/api/auth/login', undefined, { username: 'victim', password: TEST_PASSWORD })).status).toBe(200);
  });

  const INJECTIONS = ["' OR '1'='1", '1 OR 1=1', '1; DROP TABLE leads; --', "421087%' OR region_code LIKE '%", '../../etc/passwd', '1e99999', '-1', '😀'];

  it.each(INJECTIONS)('treats %p in every filter and id as data', async (attack) => {
    const q = encodeURIComponent(attack);
    const token = tokens['in.songzi'];
    const filters = ['region', 'rule', 'severity', 'status', 'card', 'program', 'assignee', 'amountMin', 'amountMax', 'from', 'to', 'sort', 'limit', 'cursor'];
    const leadUrls = [
      `/api/leads?limit=${q}`,
      ...filters.map((f) => `/api/leads?${f}=${q}`),
      ...filters.map((f) => `/api/leads/facets?${f}=${q}`),
      `/api/leads?cursor=${Buffer.from(JSON.stringify(['due', attack, attack])).toString('base64url')}`,
      `/api/statistics?from=2020-01-01&to=2030-01-01&region=${q}`,
      `/api/notices?status=${q}`,
    ];
    // A filter value is data: no match (200) or refused (400, 422). An id names nothing (404) or is refused.
    const ids = [`/api/notices/${q}`, `/api/leads/${q}`, `/api/batches/${q}`, `/api/leads/${q}/reveal`, `/api/leads/${q}/actions`];
    const answers: { url: string; status: number }[] = [];
    for (const url of [...leadUrls, `/api/batches?limit=${q}&before=${q}`, ...ids]) {
      const post = url.endsWith('/reveal') || url.endsWith('/actions');
      const res = await call(post ? 'POST' : 'GET', url, token, url.endsWith('/reveal') ? { reason: 'injection test' } : post ? { action: 'dismiss', reason: attack } : undefined);
      answers.push({ url, status: res.status });
      if (res.json?.items) expect(res.json.items.every((l: { region_code: string }) => l.region_code.startsWith('421087'))).toBe(true);
    }
    expect(answers.filter(({ url, status }) => !(ids.includes(url) ? [400, 404, 422] : [200, 400, 422]).includes(status))).toEqual([]);
    for (const url of [`/api/batches/${q}/rejections`, `/api/registries/imports/${q}`, `/api/registries/imports/${q}/rejections`]) {
      expect((await call('GET', url, tokens['up.songzi'])).status).toBeLessThan(500);
    }
    expect((await call('POST', '/api/auth/login', undefined, { username: attack, password: attack })).status).toBe(401);
    expect((await call('GET', '/api/leads?limit=200', tokens.admin)).json.items.length).toBeGreaterThan(0); // tables intact
  });

  it('refuses an oversized upload and a request body that is too large', async () => {
    const big = await call('POST', '/api/batches', tokens['up.songzi'], csvForm('a'.repeat(1.2 * 1024 * 1024)));
    expect(big.status).toBe(413);
    const huge = await call('POST', '/api/auth/login', undefined, { username: 'x', password: 'y'.repeat(400_000) });
    expect(huge.status).toBe(413);
  });

  it('exports a name that is a formula as text', async () => {
    const csv = (await call('GET', '/api/leads/export.csv', tokens['in.zaoqiang'])).text;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csv).not.toMatch(/(^|,)"=HYPERLINK/m);
  });

  it('sends security headers', async () => {
    const res = await call('GET', '/');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('rate limits', () => {
  it('slows down repeated sign-ins from one address', async () => {
    const env = await freshEnv(primaryBackend().name, { SUNLIGHT_LOGIN_RATE: '3' });
    const server = await startServer(env);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nobody', password: 'nothing-at-all' }) });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await server.stop();
      await env.cleanup();
    }
  });
});
