import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT, backends, type Backend } from './harness.js';

/** Debian's Chromium; `.ci/run` installs it when it is missing. */
export const CHROMIUM = process.env.SUNLIGHT_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

/** Whether browser journeys can run here; under .ci/run (SUNLIGHT_REQUIRE_SERVICES) a missing browser fails. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.SUNLIGHT_REQUIRE_SERVICES === '1') throw new Error(`Chromium is missing at ${CHROMIUM}: install it (apt-get install chromium)`);
  console.warn(`skipping browser journeys: no Chromium at ${CHROMIUM}`);
  return false;
}

/**
 * The backend a browser journey runs on. The console is the same code on every backend, and the
 * API's own tests run on each; so each journey runs on one, and the journeys share the two paths
 * between them: the embedded default (`npm start`) and production (PostgreSQL and Redis). Each on
 * both kept the suite over its fifteen minutes on two cores. Where production's services are
 * missing, its journeys run on the embedded default instead of not at all.
 */
export function journeyBackend(name: 'embedded' | 'postgres+redis'): Backend[] {
  const all = backends();
  const wanted = all.find((b) => b.name === name && !b.skip);
  return [wanted ?? all.find((b) => b.name === 'embedded')!];
}

export interface Browser {
  context: BrowserContext;
  /** A new tab on `baseUrl`, in Chinese, at a desktop size unless told. */
  page(options?: { width?: number; height?: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile, as issue 13 specifies the flags. */
export async function openBrowser(baseUrl: string): Promise<Browser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'sunlight-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    baseURL: baseUrl,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    viewport: { width: 1366, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(15_000);
  return {
    context,
    async page(options = {}) {
      const page = context.pages().find((p) => p.url() === 'about:blank') ?? (await context.newPage());
      if (options.width) await page.setViewportSize({ width: options.width, height: options.height ?? 844 });
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a journey step; on failure saves a full-page screenshot of every open tab, named after the
 * test, to test-results/screenshots/, then rethrows.
 */
export async function journey<T>(browser: Browser, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    await mkdir(SCREENSHOTS, { recursive: true });
    const safe = name.replace(/[^\w\u4e00-\u9fa5-]+/g, '_').slice(0, 100);
    await Promise.all(
      browser.context.pages().map((p, i) => p.screenshot({ path: path.join(SCREENSHOTS, `${safe}-${i}.png`), fullPage: true }).catch(() => undefined)),
    );
    throw err;
  }
}

/** Signs in through the login page and waits for the signed-in layout. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '用户菜单' }).waitFor();
}

/** Signs out through the user menu and waits for the login page. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: '用户菜单' }).click();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await page.getByRole('button', { name: '登录' }).waitFor();
}

/** Console errors and failed requests a page produced: a journey expects none. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
  return problems;
}
