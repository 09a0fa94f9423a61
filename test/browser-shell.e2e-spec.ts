import { freshEnv, startServer, type RunningServer, type TestEnv } from './support/harness.js';
import { browserAvailable, journey, journeyBackend, openBrowser, signIn, signOut, watchProblems, type Browser } from './support/browser.js';

/**
 * The console's frame, in real Chromium against `npm start`'s process with the demo data: the
 * login page, each role's landing page and sidebar, a reload that keeps the session (silent
 * refresh), history-mode links, and signing out.
 */
const DEMO_PASSWORD = 'Sunlight-demo-2024';
const run = browserAvailable() ? describe : describe.skip;

run.each(journeyBackend('postgres+redis'))('the console shell on $name', ({ name }) => {
  let env: TestEnv;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    env = await freshEnv(name, { SUNLIGHT_DEMO: 'true' });
    server = await startServer(env);
    browser = await openBrowser(server.url);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await env?.cleanup();
  });

  it('refuses a wrong password in Chinese, beside the password field', () =>
    journey(browser, `shell-wrong-password-${name}`, async () => {
      const page = await browser.page();
      await page.goto('/');
      await page.waitForURL(/\/login/);
      await page.getByLabel('用户名').fill('songzi.jiwei');
      await page.getByLabel('密码', { exact: true }).fill('not-the-password');
      await page.getByRole('button', { name: '登录' }).click();
      await expectText(page.getByRole('alert').first(), /用户名或密码|密码/);
      expect(page.url()).toMatch(/\/login/);
    }));

  it.each([
    ['songzi.caizheng', '财政'],
    ['songzi.jiwei', '纪委'],
    ['jingzhou.lingdao', '领导'],
  ])('signs %s in to their own sidebar, keeps the session over a reload, and signs out', (username) =>
    journey(browser, `shell-${username}-${name}`, async () => {
      const page = await browser.page();
      const problems = watchProblems(page);
      await signIn(page, username, DEMO_PASSWORD);
      await page.getByRole('menubar', { name: '主菜单' }).or(page.getByRole('menu', { name: '主菜单' })).first().waitFor();
      // The access token lives in memory only: a reload must refresh it silently.
      await page.reload();
      await page.getByRole('button', { name: '用户菜单' }).waitFor();
      await page.goto('/account');
      await page.getByText(username, { exact: true }).waitFor();
      await signOut(page);
      await page.goto('/account');
      await page.waitForURL(/\/login\?redirect=/);
      expect(problems).toEqual([]);
    }));

  // Found in a clean-clone run: a reload while the refresh was in flight lost the rotated token,
  // the next page revoked the session with the old one, and the layout stayed up with no user.
  it('keeps the session when a page is left while its refresh is in flight', () =>
    journey(browser, `shell-refresh-lost-${name}`, async () => {
      const page = await browser.page();
      await signIn(page, 'songzi.caizheng', DEMO_PASSWORD);
      // The server rotates the token, but the page never receives the answer (as when it unloads).
      await page.route('**/api/auth/refresh', async (route) => {
        await route.fetch();
        await route.abort();
      }, { times: 1 });
      await page.reload();
      await page.goto('/account');
      await page.getByText('songzi.caizheng', { exact: true }).waitFor();
      await signOut(page);
    }));

  it('sends a page whose session ended to the login page, saying so', () =>
    journey(browser, `shell-session-ended-${name}`, async () => {
      const page = await browser.page();
      await signIn(page, 'songzi.caizheng', DEMO_PASSWORD);
      await page.evaluate("localStorage.setItem('sunlight.refresh', 'no.longer-valid')");
      await page.goto('/account');
      await page.waitForURL(/\/login\?redirect=(%2F|\/)account$/);
      await page.getByText('登录已过期，请重新登录').waitFor();
    }));

  it('follows another tab: a token it refreshed is used here, and signing out there signs out here', () =>
    journey(browser, `shell-two-tabs-${name}`, async () => {
      const first = await browser.page();
      await signIn(first, 'songzi.jiwei', DEMO_PASSWORD);
      const second = await browser.context.newPage();
      try {
        // The second tab refreshes twice: the token the first tab signed in with is now two rotations old.
        await second.goto('/account');
        await second.getByText('songzi.jiwei', { exact: true }).waitFor();
        await second.reload();
        await second.getByText('songzi.jiwei', { exact: true }).waitFor();
        // The first tab's next request is refused once, so it refreshes: with the shared token, not its own.
        await first.route((url) => url.pathname === '/api/notices', (route) => route.fulfill({ status: 401, json: { message: '未登录' } }), { times: 1 });
        await first.goto('/account');
        await first.getByRole('menuitem', { name: '三书管理' }).click();
        await first.waitForURL(/\/notices/);
        await first.getByRole('table').first().waitFor();
        await second.reload();
        await second.getByText('songzi.jiwei', { exact: true }).waitFor();
        await signOut(second);
        await first.waitForURL(/\/login/);
      } finally {
        await second.close();
      }
    }));

  it('answers an unknown page with the console, which says so in Chinese', () =>
    journey(browser, `shell-not-found-${name}`, async () => {
      const page = await browser.page();
      const answer = await page.goto('/no/such/page');
      expect(answer?.status()).toBe(200);
      await page.getByText('页面不存在').first().waitFor();
    }));
});

async function expectText(locator: import('playwright-core').Locator, pattern: RegExp): Promise<void> {
  await locator.waitFor();
  expect(await locator.innerText()).toMatch(pattern);
}
