import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { embeddedDatabase, freshEnv, ROOT, startServer, until, type RunningServer, type TestEnv } from './support/harness.js';
import { browserAvailable, journey, journeyBackend, openBrowser, signIn, watchProblems, type Browser } from './support/browser.js';

/**
 * The supervisor (领导) in real Chromium against `npm start`'s process with the demo data, at a
 * desktop's width and a phone's (390×844): the dashboard's tiles hold the figures the database
 * holds, a county's bar drills down to its townships and the path leads back, the statistics
 * page exports an Excel workbook that opens, the digest settings are changed and the next digest
 * previewed — every control with a Chinese name, and no request the supervisor may not make.
 */
const DEMO_PASSWORD = 'Sunlight-demo-2024';
const OUTPUT = path.join(ROOT, 'test-results', 'browser-supervisor');
const run = browserAvailable() ? describe : describe.skip;
const SIZES = [
  { label: 'desktop', width: 1366, height: 900 },
  { label: 'phone', width: 390, height: 844 },
] as const;

run.each(journeyBackend('embedded'))('the supervisor’s console on $name', ({ name }) => {
  let env: TestEnv;
  let server: RunningServer;
  let browser: Browser;
  let db: pg.Pool;
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const yearStart = `${today.slice(0, 4)}-01-01`;
  /** What the tiles must say, from the database itself: 荆州市's leads raised this year. */
  let expected: { raised: number; confirmed: number; atRisk: string; red: number; yellow: number; songzi: number };

  beforeAll(async () => {
    await mkdir(OUTPUT, { recursive: true });
    env = await freshEnv(name, { SUNLIGHT_DEMO: 'true' });
    server = await startServer(env);
    db = new pg.Pool({ ...(env.appDatabaseUrl ? { connectionString: env.appDatabaseUrl } : await embeddedDatabase(env)), max: 1 });
    // The demo's checks run in the background after start-up: the figures are final once they end.
    const settled = `SELECT EXISTS (SELECT 1 FROM check_runs WHERE trigger = 'demo' AND status = 'completed')
                       AND NOT EXISTS (SELECT 1 FROM check_runs WHERE status IN ('queued', 'running')) AND NOT EXISTS (SELECT 1 FROM job_outbox) AS done`;
    await until(async () => ((await db.query(settled)).rows[0].done ? true : undefined), 120_000, 'the demo’s checks');
    // Verdicts and cards, so that more than the counts have something to show: one lead of
    // 松滋市 confirmed, one red-carded, one of 石首市 yellow-carded.
    const lead = async (county: string, offset: number) => (await db.query(`SELECT id FROM leads WHERE region_code LIKE $1 || '%' ORDER BY id OFFSET $2 LIMIT 1`, [county, offset])).rows[0].id;
    await db.query(`UPDATE leads SET status = 'confirmed', verdict = 'confirmed', amount_confirmed_fen = 12345 WHERE id = $1`, [await lead('421087', 0)]);
    await db.query(`UPDATE leads SET card = 'red', card_since = now() WHERE id = $1`, [await lead('421087', 1)]);
    await db.query(`UPDATE leads SET card = 'yellow', card_since = now() WHERE id = $1`, [await lead('421081', 0)]);
    const [row] = (
      await db.query(
        `SELECT count(*)::int AS raised, count(*) FILTER (WHERE verdict = 'confirmed')::int AS confirmed, coalesce(sum(amount_at_risk_fen), 0)::text AS at_risk,
                count(*) FILTER (WHERE card = 'red')::int AS red, count(*) FILTER (WHERE card = 'yellow')::int AS yellow,
                count(*) FILTER (WHERE region_code LIKE '421087%')::int AS songzi
         FROM leads WHERE region_code LIKE '4210%' AND created_at >= ($1::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`,
        [yearStart],
      )
    ).rows;
    expected = { raised: row.raised, confirmed: row.confirmed, atRisk: row.at_risk, red: row.red, yellow: row.yellow, songzi: row.songzi };
    expect(expected.raised).toBeGreaterThan(expected.songzi); // the demo has leads in two counties of 荆州市
    browser = await openBrowser(server.url);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await db?.end();
    await server?.stop();
    await env?.cleanup();
  });

  /**
   * A tab of the given size on `path`, signed in as the supervisor: the tabs share the browser's
   * storage, so only the first signs in through the login page.
   */
  async function open(size: (typeof SIZES)[number], target: string): Promise<{ page: Page; problems: string[]; refused: string[] }> {
    const page = await browser.page({ width: size.width, height: size.height });
    const problems = watchProblems(page);
    const refused = watchForbidden(page);
    await page.goto(target);
    await page.waitForURL((url) => url.pathname === target || url.pathname === '/login');
    if (new URL(page.url()).pathname === '/login') {
      await signIn(page, 'jingzhou.lingdao', DEMO_PASSWORD);
      await page.waitForURL(/\/supervisor\/dashboard/); // the supervisor lands on the dashboard
      if (target !== '/supervisor/dashboard') await page.goto(target);
    }
    return { page, problems, refused };
  }

  /** The number a tile shows. */
  const tile = async (page: Page, title: string) => (await page.getByRole('group', { name: title, exact: true }).locator('[data-figure]').first().innerText()).trim();
  const yuan = (fen: string) => `${(BigInt(fen) / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${(BigInt(fen) % 100n).toString().padStart(2, '0')}`;

  /** Every control in the page's main area has an accessible name with Chinese in it. */
  async function expectChineseNames(page: Page): Promise<void> {
    const tree = await page.locator('main').ariaSnapshot();
    const controls = tree.split('\n').filter((l) => /^\s*- (button|textbox|combobox|switch|checkbox|link|spinbutton|radio|slider|searchbox)\b/.test(l));
    expect(controls.length).toBeGreaterThan(0);
    const unnamed = controls.filter((l) => !/^\s*- \w+ "[^"]*[\u4e00-\u9fa5][^"]*"/.test(l));
    expect(unnamed).toEqual([]);
  }

  /** Picks an option of an Element Plus select named `name` (its list opens in a popper). */
  async function choose(page: Page, name: string, option: string): Promise<void> {
    await page.locator('.el-select', { has: page.getByRole('combobox', { name }) }).click();
    await page.getByRole('option', { name: option, exact: true }).click();
  }

  /** Every answer of the API the page asked for: none may be a 403. */
  function watchForbidden(page: Page): string[] {
    const refused: string[] = [];
    page.on('response', (r) => r.status() === 403 && refused.push(`${r.request().method()} ${r.url()}`));
    return refused;
  }

  it.each(SIZES)('shows the tiles with the database’s figures, drills down from the city to a county and back ($label)', (size) =>
    journey(browser, `supervisor-dashboard-${size.label}-${name}`, async () => {
      const { page, problems, refused } = await open(size, '/supervisor/dashboard');
      await page.getByRole('group', { name: '发现线索', exact: true }).waitFor();
      expect(await tile(page, '发现线索')).toBe(String(expected.raised));
      expect(await tile(page, '查实')).toBe(String(expected.confirmed));
      expect(await tile(page, '涉及金额')).toBe(yuan(expected.atRisk));
      expect(await tile(page, '整改率')).toBe('0.0%'); // one confirmed, none rectified
      expect(await tile(page, '红牌')).toBe(String(expected.red));
      expect(await tile(page, '黄牌')).toBe(String(expected.yellow));
      expect(await page.getByRole('img', { name: /^荆州市下级地区：/ }).getAttribute('aria-label')).toContain(`松滋市 ${expected.songzi} 条`);
      expect(await page.getByRole('img', { name: /^按月份：/ }).getAttribute('aria-label')).toMatch(new RegExp(`${today.slice(0, 7)} ${expected.raised} 条$`));
      // The ranking puts the counties holding cards first.
      const ranking = page.getByLabel('下级地区逾期排名');
      await expect(ranking.locator('tbody tr').first().innerText()).resolves.toMatch(/^1\s+松滋市/); // a red card outranks a yellow one
      // The supervisor's own menus first, then the leads they may read; never another role's work.
      const menu = (await page.locator('.side-menu').first().textContent()) ?? '';
      expect(menu.indexOf('监督看板')).toBeGreaterThanOrEqual(0);
      expect(menu.indexOf('监督看板')).toBeLessThan(menu.indexOf('线索核查'));
      expect(menu).not.toMatch(/系统管理|数据上报/);

      if (size.label === 'desktop') {
        // The county's bar in the chart (its axis label) drills down to its townships.
        await page.locator('.chart svg text', { hasText: /^松滋市$/ }).first().click();
      } else {
        await page.getByRole('button', { name: '查看松滋市' }).click();
      }
      await page.waitForURL(/region=421087/);
      await page.getByRole('navigation', { name: '地区层级' }).getByText('松滋市').waitFor();
      await page.getByRole('img', { name: /^松滋市下级地区：/ }).waitFor();
      expect(await tile(page, '发现线索')).toBe(String(expected.songzi));
      expect(await page.getByRole('img', { name: /^松滋市下级地区：/ }).getAttribute('aria-label')).toMatch(/南海镇 \d+ 条/);
      await expectChineseNames(page);
      if (size.label === 'phone') {
        // Tiles two abreast, nothing wider than the screen but the tables (which scroll).
        await page.getByRole('button', { name: '返回荆州市' }).click();
        await page.getByRole('img', { name: /^荆州市下级地区：/ }).waitFor();
        await page.waitForTimeout(500); // charts settle to the width
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect(overflow).toBeLessThanOrEqual(0);
        const [a, b] = await Promise.all(['发现线索', '查实'].map((t) => page.getByRole('group', { name: t, exact: true }).boundingBox()));
        expect(Math.abs(a!.y - b!.y)).toBeLessThan(2); // side by side
        expect(a!.width).toBeLessThan(size.width / 2);
        const chart = await page.getByRole('img', { name: /^荆州市下级地区：/ }).boundingBox();
        expect(chart!.width).toBeLessThanOrEqual(size.width);
        await page.screenshot({ path: path.join(OUTPUT, `dashboard-390-${name}.png`), fullPage: true });
      } else {
        await page.getByRole('button', { name: '返回荆州市' }).click();
        await page.getByRole('img', { name: /^荆州市下级地区：/ }).waitFor();
      }
      expect(refused).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    }),
  );

  it.each(SIZES)('opens the statistics of a period and exports them to Excel ($label)', (size) =>
    journey(browser, `supervisor-statistics-${size.label}-${name}`, async () => {
      const { page, problems, refused } = await open(size, '/supervisor/statistics');
      const table = page.getByLabel('按地区统计');
      await table.getByText('合计').waitFor();
      const total = (await table.locator('tbody tr', { hasText: '合计' }).first().innerText()).split(/\s+/);
      expect(total.slice(0, 2)).toEqual(['合计', String(expected.raised)]);
      expect(total).toContain(yuan(expected.atRisk));
      await expectChineseNames(page);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()]);
      expect(download.suggestedFilename()).toBe(`荆州市问题线索统计_${yearStart}_${today}.xlsx`);
      const file = path.join(OUTPUT, `statistics-${size.label}-${name}.xlsx`);
      await download.saveAs(file);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      const sheet = wb.getWorksheet('按地区')!;
      let totalRow: ExcelJS.Row | undefined;
      sheet.eachRow((row) => {
        if (row.getCell(1).value === '合计') totalRow = row;
      });
      expect(totalRow!.getCell(3).value).toBe(expected.raised);
      expect(totalRow!.getCell(9).value).toBeCloseTo(Number(expected.atRisk) / 100, 2);
      expect(totalRow!.getCell(9).numFmt).toBe('#,##0.00');
      expect(refused).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    }),
  );

  it.each(SIZES)('changes the digest settings and previews the next digest ($label)', (size) =>
    journey(browser, `supervisor-digest-${size.label}-${name}`, async () => {
      const { page, problems, refused } = await open(size, '/supervisor/digest');
      const hour = size.label === 'desktop' ? '09:00' : '07:00';
      await choose(page, '发送频率', '每周');
      await choose(page, '每周发送日', '周三');
      await choose(page, '发送时刻', hour);
      const webhook = size.label === 'desktop'; // on at the desktop, off again on the phone
      if ((await page.getByRole('switch', { name: '同时推送工作群' }).isChecked()) !== webhook) await page.getByRole('switch', { name: '同时推送工作群' }).locator('..').click();
      await page.getByRole('button', { name: '保存设置' }).click();
      await page.getByText('简报设置已保存').waitFor();
      await page.reload();
      await page.getByRole('combobox', { name: '每周发送日' }).waitFor();
      expect(await page.locator('.el-select', { has: page.getByRole('combobox', { name: '发送时刻' }) }).innerText()).toContain(hour);
      expect(await page.getByRole('switch', { name: '同时推送工作群' }).isChecked()).toBe(webhook);
      const [user] = (await db.query(`SELECT s.frequency, s.weekday, s.hour, s.webhook FROM digest_settings s JOIN users u ON u.id = s.user_id WHERE u.username = 'jingzhou.lingdao'`)).rows;
      expect(user).toEqual({ frequency: 'weekly', weekday: 3, hour: Number(hour.slice(0, 2)), webhook });
      await expectChineseNames(page);

      await page.getByRole('button', { name: '预览下一期' }).click();
      const frame = page.frameLocator('iframe[title="简报预览"]');
      await frame.getByRole('heading', { name: /荆州市/ }).waitFor();
      const subject = await page.getByLabel('简报主题').innerText();
      expect(subject).toContain('【阳光监管】荆州市');
      // The preview shows its charts (written in as images) and fits the frame.
      const images = frame.locator('img');
      expect(await images.count()).toBe(2);
      expect(await images.first().evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0)).toBe(true);
      expect(refused).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    }),
  );
});
