import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { SAMPLES, TEST_PASSWORD, cli, createUser, freshEnv, startServer, type RunningServer, type TestEnv } from './support/harness.js';
import { browserAvailable, journey, journeyBackend, openBrowser, signIn, watchProblems, type Browser } from './support/browser.js';

/**
 * The 财政 uploader's whole month in the console (issue 13), in real Chromium against `npm start`'s
 * process: drag a batch in and watch it go up, find it in the list, read its rejected rows and
 * download them for Excel, load a registry file, look through the registry imports, and follow
 * the leads raised from the batch — read-only, masked. On the embedded default and on PostgreSQL
 * with Redis; one server per backend.
 */
const UPLOADER = 'songzi.cz';
const run = browserAvailable() ? describe : describe.skip;

/** Every control on the page has an accessible name (what people and tests find it by). */
async function namelessControls(page: Page): Promise<string[]> {
  const snapshot = await page.locator('#app').ariaSnapshot();
  return snapshot
    .split('\n')
    .filter((line) => /^\s*- (button|link|textbox|combobox|checkbox|switch|radio|spinbutton|searchbox|slider|menuitem|tab|progressbar)\b(?!\s+")/.test(line))
    .map((line) => line.trim());
}

run.each(journeyBackend('embedded'))('the uploader’s console on $name', ({ name }) => {
  let env: TestEnv;
  let server: RunningServer;
  let browser: Browser;
  let batchFile: string;

  beforeAll(async () => {
    env = await freshEnv(name);
    expect((await cli(env, 'registry', 'import', 'deceased', path.join(SAMPLES, 'deceased.csv'))).code).toBe(0);
    await createUser(env, UPLOADER, 'uploader', '421087');
    // 松滋's quarter, and one row that cannot be right (month 13): stored without it.
    batchFile = path.join(env.dataDir, '松滋市 2024 年二季度低保.csv');
    const quarter = await readFile(path.join(SAMPLES, 'batch-421087-2024Q2.csv'), 'utf8');
    await writeFile(batchFile, `${quarter.trimEnd()}\r\n421087101,DIBAO,2024-13,421087199007070181,周晓东,H0008,610.00,,,2024-05-15,南海镇财政所\r\n`);
    server = await startServer(env);
    browser = await openBrowser(server.url);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await env?.cleanup();
  });

  it('uploads a batch with progress, finds it, reads and downloads its rejected rows, loads a registry, and follows its own leads', () =>
    journey(browser, `uploader-${name}`, async () => {
      const page = await browser.page();
      const problems = watchProblems(page);
      const nameless: string[] = [];
      const check = async (where: string) => nameless.push(...(await namelessControls(page)).map((c) => `${where}: ${c}`));
      await signIn(page, UPLOADER, TEST_PASSWORD);
      // The uploader lands on its own first page: no 无权执行此操作 anywhere.
      await page.waitForURL(/\/upload$/);
      const menu = page.getByRole('menubar', { name: '主菜单' }).or(page.getByRole('menu', { name: '主菜单' })).first();
      for (const item of ['上传数据', '发放批次', '比对库导入', '我的线索']) await menu.getByText(item, { exact: true }).waitFor();
      await check('上传数据');

      // 上传: the batch, dropped on the upload (its file input), stored without the bad row.
      // (Element Plus hides the native inputs of switches and radio buttons under what people click.)
      const only = page.getByRole('switch', { name: '只导入合格的行' });
      await page.locator('.el-switch', { has: only }).click();
      expect(await only.isChecked()).toBe(true);
      await page.getByLabel('选择要上传的文件').setInputFiles(batchFile);
      await page.getByRole('button', { name: '开始上传' }).click();
      const bar = page.getByRole('progressbar', { name: '上传进度' });
      await bar.waitFor();
      const result = page.getByRole('region', { name: '导入结果' });
      await result.waitFor({ timeout: 60_000 });
      expect(await bar.getAttribute('aria-valuenow')).toBe('100');
      await result.getByText('已入库').waitFor();
      expect(await result.innerText()).toMatch(/拒收行数\s*1\s/);
      const openBatch = result.getByRole('button', { name: /^查看批次 \d+$/ });
      const batchId = /\d+/.exec(await openBatch.innerText())![0];

      // 发放批次: newest first, with status, counts, who and when.
      await result.getByRole('button', { name: '发放批次列表' }).click();
      await page.waitForURL(/\/batches$/);
      const row = page.locator('.el-table__row', { hasText: '松滋市 2024 年二季度低保.csv' }).first();
      await row.waitFor();
      expect(await row.innerText()).toMatch(new RegExp(`${batchId}[\\s\\S]*已入库[\\s\\S]*${UPLOADER.replace('.', '\\.')}[\\s\\S]*\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}`));
      await check('发放批次');
      await page.getByRole('button', { name: `查看批次 ${batchId}` }).click();

      // 批次详情: the rejected row (row, column, value, reason), and its CSV for Excel.
      await page.waitForURL(new RegExp(`/batches/${batchId}$`));
      const rejected = page.locator('.el-table__row', { hasText: '2024-13' });
      await rejected.waitFor();
      expect(await rejected.innerText()).toMatch(/17[\s\S]*发放期间[\s\S]*2024-13[\s\S]*YYYY-MM/);
      await check('批次详情');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出拒收的行（CSV）' }).click()]);
      expect(download.suggestedFilename()).toBe(`batch-${batchId}-rejections.csv`);
      const csv = await readFile((await download.path())!, 'utf8');
      expect(csv.startsWith('\uFEFF行号 row,列 column,值 value,原因 reason')).toBe(true);
      expect(csv).toContain('"17","period","2024-13"');

      // 上传 a registry file: the kind chosen from the API's names.
      await menu.getByText('上传数据', { exact: true }).click();
      await page.locator('.el-radio-button', { has: page.getByRole('radio', { name: '比对库' }) }).click();
      await page.locator('.el-select', { has: page.getByRole('combobox', { name: '比对库' }) }).click();
      await page.getByRole('option', { name: '财政供养人员' }).click();
      await page.getByLabel('选择要上传的文件').setInputFiles(path.join(SAMPLES, 'public-employees.csv'));
      await page.getByRole('button', { name: '开始上传' }).click();
      await result.waitFor({ timeout: 60_000 });
      await result.getByText('已入库').waitFor();
      await check('上传比对库');

      // 比对库导入: the list, one import.
      await menu.getByText('比对库导入', { exact: true }).click();
      const imported = page.locator('.el-table__row', { hasText: 'public-employees.csv' });
      await imported.waitFor();
      expect(await imported.innerText()).toMatch(/财政供养人员[\s\S]*合并[\s\S]*已入库/);
      await check('比对库导入');
      await imported.getByRole('button', { name: /^查看导入 \d+$/ }).click();
      await page.getByText('按自然键合并').waitFor();
      await page.getByText('没有拒收的行').waitFor();

      // 我的线索: raised from the batch by the checks it called for; read-only and masked.
      await menu.getByText('我的线索', { exact: true }).click();
      const lead = page.locator('.el-table__row', { hasText: '王建国' });
      for (let i = 0; i < 60 && !(await lead.count()); i++) {
        await page.waitForTimeout(1000);
        await page.getByRole('button', { name: '搜索' }).click();
      }
      await lead.first().waitFor();
      const text = await lead.first().innerText();
      expect(text).toContain('4210**********012X');
      expect(text).toContain(batchId);
      expect(await page.locator('#app').innerText()).not.toContain('42108719520903012X');
      // Nothing to act with: no step of the lead's life on this page.
      for (const step of ['分派', '查否', '查实', '销号']) expect(await page.getByRole('button', { name: step }).count()).toBe(0);
      await check('我的线索');

      expect(nameless).toEqual([]);
      expect(problems).toEqual([]);
    }),
  );
});
