import { createHmac } from 'node:crypto';
import pg from 'pg';
import { apiClient, createUser, embeddedDatabase, freshEnv, login, primaryBackend, startServer, TEST_PASSWORD, until, type RunningServer, type TestEnv } from './support/harness.js';

/**
 * Signed links (POST /api/links): what a browser opens by itself — a notice's print page, the
 * CSV exports — works without a bearer token for a minute, for the user, session, role, region
 * and exact path and query it was signed for, and nowhere else.
 */
describe(`signed links for print and download (${primaryBackend().name})`, () => {
  let env: TestEnv;
  let server: RunningServer;
  let db: pg.Client;
  const tokens: Record<string, string> = {};
  const call = apiClient(() => server.url);
  /** GET without any bearer token, as a browser opening a link does. */
  const open = (url: string, headers: Record<string, string> = {}) => call('GET', url, undefined, undefined, headers);
  const sign = async (who: string, target: string) => {
    const res = await call('POST', '/api/links', tokens[who], { path: target });
    expect(res.status).toBe(201);
    return res.json as { url: string; expiresAt: string };
  };
  const notices: string[] = [];
  let batchId: string;
  let importId: string;

  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name, { SUNLIGHT_LOGIN_RATE: '1000' });
    await createUser(env, 'admin', 'admin');
    server = await startServer(env);
    tokens.admin = await login(server.url, 'admin');
    for (const [username, role] of [['in.songzi', 'inspector'], ['in2.songzi', 'inspector'], ['up.songzi', 'uploader']]) {
      const res = await call('POST', '/api/users', tokens.admin, { username, displayName: username, role, regionCode: '421087', password: TEST_PASSWORD });
      expect(res.status).toBe(201);
      tokens[username] = await login(server.url, username);
    }
    // A registry import and a batch with a rejected row each, uploaded as the console does; the
    // batch's check raises an R01 lead (王建国 died before the payment's month).
    const upload = (url: string, name: string, csv: string) => {
      const form = new FormData();
      form.append('file', new Blob([csv]), name);
      form.append('allowPartial', 'true');
      return call('POST', url, tokens['up.songzi'], form);
    };
    importId = (await upload('/api/registries/deceased', 'deceased.csv', 'id_number,name,death_date\n42108719520903012X,王建国,2024-02-10\n42108719520903013X,李四,not-a-date\n')).json.importId;
    await until(async () => ((await call('GET', `/api/registries/imports/${importId}`, tokens['up.songzi'])).json.status === 'stored' ? true : undefined), 60_000, 'the registry import');
    batchId = (await upload('/api/batches', 'batch.csv', 'region_code,program_code,period,id_number,name,amount,paid_on\n421087101,DIBAO,2024-05,42108719520903012X,王建国,650.00,2024-05-15\n421087101,DIBAO,2024-05,not-an-id,李四,650.00,2024-05-15\n')).json.batchId;
    await until(async () => ((await call('GET', '/api/leads?rule=R01', tokens['in.songzi'])).json.items?.length ? true : undefined), 60_000, 'the R01 lead');
    db = new pg.Client(env.backend === 'embedded' ? await embeddedDatabase(env) : { connectionString: env.appDatabaseUrl });
    await db.connect();
    for (const subject of ['一', '二']) {
      const res = await call('POST', '/api/notices', tokens['in.songzi'], { kind: 'warning', regionCode: '421087', recipient: '松滋市民政局', subject: `低保发放问题${subject}`, body: '请核查。' });
      expect(res.status).toBe(201);
      notices.push(res.json.id);
    }
  });
  afterAll(async () => {
    await db?.end();
    await server?.stop();
    await env?.cleanup();
  });

  it('opens the print page, the leads export and the rejected rows without a bearer token, for a minute', async () => {
    const print = await sign('in.songzi', `/api/notices/${notices[0]}/print`);
    expect(print.url).toMatch(new RegExp(`^/api/notices/${notices[0]}/print\\?link=[\\w-]+\\.[\\w-]+$`));
    const seconds = (Date.parse(print.expiresAt) - Date.now()) / 1000;
    expect(seconds).toBeGreaterThan(50);
    expect(seconds).toBeLessThanOrEqual(60);
    let res = await open(print.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain('预警通知书');
    expect(res.text).toContain('低保发放问题一');
    expect((await open(print.url)).status).toBe(200); // a reload within the minute

    const exported = await sign('in.songzi', '/api/leads/export.csv?status=new&rule=R01');
    res = await open(exported.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toContain('线索编号');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => l.includes('R01 已故人员领取'))).toBe(true);

    res = await open((await sign('up.songzi', `/api/batches/${batchId}/rejections.csv`)).url);
    expect(res.status).toBe(200);
    expect(res.text).toContain('NOT-AN-ID'); // (as the rejection shows it)
    res = await open((await sign('up.songzi', `/api/registries/imports/${importId}/rejections.csv`)).url);
    expect(res.status).toBe(200);
    expect(res.text).toContain('not-a-date');
  });

  it('signs the path as the browser will send it: Chinese in the query is percent-encoded', async () => {
    const link = await sign('in.songzi', '/api/leads/export.csv?status=new&x=松滋');
    expect(link.url.startsWith('/api/leads/export.csv?status=new&x=%E6%9D%BE%E6%BB%8B&link=')).toBe(true);
  });

  it('does not open another path, another query, or the same path with more to it', async () => {
    const print = await sign('in.songzi', `/api/notices/${notices[0]}/print`);
    const token = new URL(print.url, 'http://x').searchParams.get('link')!;
    expect((await open(`/api/notices/${notices[1]}/print?link=${token}`)).status).toBe(401);
    expect((await open(`/api/notices/${notices[0]}/print?link=${token}&x=1`)).status).toBe(401);
    expect((await open(`/api/notices/${notices[0]}/print?x=1&link=${token}`)).status).toBe(401);
    expect((await open(`/api/notices/${notices[0]}/print?link=${token}&link=${token}`)).status).toBe(401);

    const exported = await sign('in.songzi', '/api/leads/export.csv?status=new');
    const exportToken = new URL(exported.url, 'http://x').searchParams.get('link')!;
    expect((await open(`/api/leads/export.csv?status=closed&link=${exportToken}`)).status).toBe(401);
    expect((await open(`/api/leads/export.csv?link=${exportToken}`)).status).toBe(401);
    expect((await open(`/api/leads/export.csv?status=new&rule=R01&link=${exportToken}`)).status).toBe(401);
    expect((await open(exported.url)).status).toBe(200);
  });

  it('refuses a tampered link', async () => {
    const print = await sign('in.songzi', `/api/notices/${notices[0]}/print`);
    const token = new URL(print.url, 'http://x').searchParams.get('link')!;
    const [payload, signature] = token.split('.');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    expect((await open(`/api/notices/${notices[0]}/print?link=${payload}.${flip(signature, 5)}`)).status).toBe(401);
    // Someone else's id in the claims, the signature kept.
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const other = Buffer.from(JSON.stringify({ ...claims, e: claims.e + 3600 })).toString('base64url');
    expect((await open(`/api/notices/${notices[0]}/print?link=${other}.${signature}`)).status).toBe(401);
    expect((await open(`/api/notices/${notices[0]}/print?link=${payload}`)).status).toBe(401);
    expect((await open(`/api/notices/${notices[0]}/print?link=`)).status).toBe(401);
  });

  /** A link made with the installation's key (the test knows SUNLIGHT_JWT_SECRET), with claims of our choosing. */
  const forge = (target: string, claims: Record<string, unknown>) => {
    const key = createHmac('sha256', env.env.SUNLIGHT_JWT_SECRET).update('sunlight signed link v1').digest();
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const mac = createHmac('sha256', key).update(`${payload}\n${target}`).digest('base64url');
    return `${target}?link=${payload}.${mac}`;
  };

  it('refuses an expired link (one signed with the right key, a second past its minute)', async () => {
    const target = `/api/notices/${notices[0]}/print`;
    const print = await sign('in.songzi', target);
    const claims = JSON.parse(Buffer.from(new URL(print.url, 'http://x').searchParams.get('link')!.split('.')[0], 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);
    // The forgery is faithful: the same claims, still valid, open the page …
    expect((await open(forge(target, { ...claims, e: now + 30 }))).status).toBe(200);
    // … and once expired do not.
    expect((await open(forge(target, { ...claims, e: now - 1 }))).status).toBe(401);
  });

  it('ends with the session, and with a change of role or region', async () => {
    const target = `/api/notices/${notices[0]}/print`;
    // Signing out ends the session's links.
    const session = await login(server.url, 'in.songzi');
    const res = await call('POST', '/api/links', session, { path: target });
    expect((await open(res.json.url)).status).toBe(200);
    expect((await call('POST', '/api/auth/logout', session)).status).toBe(204);
    expect((await open(res.json.url)).status).toBe(401);

    // A role or region changed underneath the session (the admin's change would also end the
    // session; the link holds on its own): the link no longer opens.
    for (const [column, changed, back] of [['role', 'supervisor', 'inspector'], ['region_code', '421087101', '421087']]) {
      const link = await sign('in2.songzi', target);
      expect((await open(link.url)).status).toBe(200);
      await db.query(`UPDATE users SET ${column} = $1 WHERE username = 'in2.songzi'`, [changed]);
      expect({ column, status: (await open(link.url)).status }).toEqual({ column, status: 401 });
      await db.query(`UPDATE users SET ${column} = $1 WHERE username = 'in2.songzi'`, [back]);
      expect((await open(link.url)).status).toBe(200);
    }
  });

  it('is no bearer token, and opens no route that is not marked for links', async () => {
    const print = await sign('in.songzi', `/api/notices/${notices[0]}/print`);
    const token = new URL(print.url, 'http://x').searchParams.get('link')!;
    expect((await call('GET', `/api/notices/${notices[0]}/print`, token)).status).toBe(401);
    expect((await call('GET', '/api/auth/me', token)).status).toBe(401);
    // Forged for routes without the mark (a valid signature for that very path): refused.
    const claims = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
    for (const target of [`/api/notices/${notices[0]}`, '/api/leads', '/api/auth/me', '/api/notices']) {
      expect({ target, status: (await open(forge(target, claims))).status }).toEqual({ target, status: 401 });
    }
    // And nobody is given one for them.
    for (const target of [`/api/notices/${notices[0]}`, '/api/leads?status=new', '/api/users', 'http://evil.example/api/leads/export.csv', '//evil.example/x', 'api/leads/export.csv', `/api/notices/${notices[0]}/print?link=x`]) {
      const res = await call('POST', '/api/links', tokens['in.songzi'], { path: target });
      expect({ target, status: res.status }).toEqual({ target, status: 422 });
      expect(res.json.message).toMatch(/签名链接|path/);
    }
    expect((await call('POST', '/api/links', undefined, { path: `/api/notices/${notices[0]}/print` })).status).toBe(401);
  });

  it('keeps the route’s roles: a link does not give an inspector the uploader’s rejected rows', async () => {
    const link = await sign('in.songzi', `/api/batches/${batchId}/rejections.csv`);
    expect((await open(link.url)).status).toBe(403);
  });
});
