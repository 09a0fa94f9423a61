import { backends, freshEnv, startServer, type RunningServer, type TestEnv } from './support/harness.js';
import { browserAvailable, journey, openBrowser, signIn, signOut, watchProblems, type Browser } from './support/browser.js';

/**
 * The console's frame, in real Chromium against `npm start`'s process with the demo data: the
 * login page, each role's landing page and sidebar, a reload that keeps the session (silent
 * refresh), history-mode links, and signing out.
 */
const DEMO_PASSWORD = 'Sunlight-demo-2024';
const run = browserAvailable() ? describe : describe.skip;

run.each(backends().filter((b) => b.name !== 'postgres'))('the console shell on $name', ({ name }) => {
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
