import type { Locator, Page, Response } from 'playwright-core';
import { apiClient, createUser, freshEnv, login, startServer, TEST_PASSWORD, until, type RunningServer, type TestEnv } from './support/harness.js';
import { browserAvailable, journey, journeyBackend, openBrowser, signIn, watchProblems, type Browser } from './support/browser.js';

/**
 * The inspector (纪委) at work in the console, in real Chromium against `npm start`'s process
 * with 45 leads of its county: the queue filtered and paged to its end, a bulk assignment by name, a lead
 * opened from the keyboard and taken through every step to its closing, an attachment uploaded
 * and downloaded, personal data revealed with a reason, a notice issued, printed (through a
 * signed link, in a new tab) and answered.
 */
const LEADS = 45;

/** A valid ID number (GB 11643 check digit) for 17 digits. */
function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}
const run = browserAvailable() ? describe : describe.skip;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

run.each(journeyBackend('postgres+redis'))('the inspector’s console on $name', ({ name }) => {
  let env: TestEnv;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const call = apiClient(() => server.url);
  /** HTTP answers the browser got for signed links (print pages, downloads). */
  const signed: { url: string; status: number }[] = [];

  beforeAll(async () => {
    env = await freshEnv(name, { SUNLIGHT_LOGIN_RATE: '1000' });
    await createUser(env, 'admin', 'admin');
    server = await startServer(env);
    const admin = await login(server.url, 'admin');
    for (const [username, displayName, role] of [['songzi.jiwei', '宋子', 'inspector'], ['songzi.jiwei2', '李核查', 'inspector'], ['songzi.caizheng', '松滋财政', 'uploader']]) {
      const created = await call('POST', '/api/users', admin, { username, displayName, role, regionCode: '421087', password: TEST_PASSWORD });
      expect(created.status).toBe(201);
    }
    // 45 recipients who died before the month they were paid for: 45 R01 leads (more than two pages of 20).
    const uploader = await login(server.url, 'songzi.caizheng');
    const people = Array.from({ length: LEADS }, (_, i) => ({ id: idNumber(`42108719500101${String(100 + i).padStart(3, '0')}`), name: `测试${i + 1}` }));
    const upload = async (url: string, file: string, csv: string) => {
      const form = new FormData();
      form.append('file', new Blob([csv]), file);
      const res = await call('POST', url, uploader, form);
      expect(res.status).toBe(202);
      return res.json;
    };
    const registry = await upload('/api/registries/deceased', 'deceased.csv', `id_number,name,death_date\n${people.map((p) => `${p.id},${p.name},2024-01-10`).join('\n')}\n`);
    await until(async () => ((await call('GET', `/api/registries/imports/${registry.importId}`, uploader)).json.status === 'stored' ? true : undefined), 120_000, 'the registry');
    await upload('/api/batches', 'batch.csv', `region_code,program_code,period,id_number,name,amount,bank_account,paid_on\n${people.map((p, i) => `42108710${1 + (i % 3)},DIBAO,2024-03,${p.id},${p.name},${600 + i}.50,62220201000${String(10000000 + i)},2024-03-15`).join('\n')}\n`);
    const inspector = await login(server.url, 'songzi.jiwei');
    await until(async () => ((await call('GET', '/api/leads/facets', inspector)).json.total === LEADS ? true : undefined), 120_000, `${LEADS} leads`);
    browser = await openBrowser(server.url);
    browser.context.on('response', (r: Response) => {
      if (r.url().includes('link=')) signed.push({ url: r.url(), status: r.status() });
    });
    page = await browser.page();
    problems = watchProblems(page);
    await signIn(page, 'songzi.jiwei', TEST_PASSWORD);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await env?.cleanup();
  });

  /** The queue's rows (Element Plus draws the header and the body as two tables under one label). */
  const rows = () => page.getByLabel('线索队列', { exact: true }).getByRole('row').filter({ has: page.getByRole('link') });
  const loaded = async () => {
    await page.getByText(/已加载 \d+ 条/).waitFor();
    await page.locator('.el-loading-mask').first().waitFor({ state: 'hidden' }).catch(() => undefined);
  };
  /**
   * Picks an option of a select. (Element Plus lays its placeholder over the input, so the click
   * goes to the input itself; a click while a dialog is still opening can be lost: tried again.)
   */
  const pick = async (field: Locator, option: string | RegExp) => {
    const choice = page.getByRole('option', { name: option }).first();
    for (let attempt = 1; ; attempt++) {
      await field.click({ force: true });
      const shown = await choice.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
      if (shown) break;
      if (attempt === 4) throw new Error(`the option ${option} did not appear`);
    }
    await choice.click();
  };
  /**
   * Picks an option of a select in a dialog until the select shows it: on a loaded machine the
   * list can re-render under the click (its options arrive while it opens) or stay open over the
   * dialog's buttons. A click on the dialog's header is a click outside the select, and nothing else.
   */
  const pickIn = async (dialog: Locator, label: string, option: string) => {
    const select = dialog.locator('.el-select', { has: page.getByLabel(label) });
    for (let attempt = 1; ; attempt++) {
      await pick(dialog.getByLabel(label), option);
      await dialog.locator('.el-dialog__header').click();
      await page.getByRole('option', { name: option }).first().waitFor({ state: 'hidden' });
      if ((await select.innerText()).includes(option)) return;
      if (attempt === 3) throw new Error(`${label}: ${option} was picked three times and not taken`);
    }
  };
  const choose = async (select: string, option: string | RegExp) => {
    await pick(page.getByLabel(select, { exact: true }).first(), option);
    await page.keyboard.press('Escape');
  };
  const success = (text: string | RegExp) => page.getByRole('alert').filter({ hasText: text }).first().waitFor();
  const total = async () => Number((await page.getByText(/^共 \d+ 条$/).first().innerText()).match(/\d+/)![0]);

  it('filters the queue, pages to its end and bulk-assigns the selection to a colleague picked by name', () =>
    journey(browser, `inspector-queue-${name}`, async () => {
      await page.waitForURL(/\/leads$/);
      await loaded();
      await choose('状态', /^新线索/);
      await page.getByRole('button', { name: '搜索' }).click();
      await loaded();
      const wanted = await total();
      expect(wanted).toBeGreaterThan(2);
      // Every row a new lead, page after page until the last.
      await choose('每次加载条数', '每次 20 条');
      await loaded();
      for (let i = 0; i < 100 && (await page.getByRole('button', { name: '加载更多' }).count()); i++) {
        await page.getByRole('button', { name: '加载更多' }).click();
        await loaded();
      }
      await page.getByText('已全部加载').waitFor();
      await page.getByText(`已加载 ${wanted} 条`).waitFor();
      const statuses = await Promise.all((await rows().all()).map((r) => r.getByRole('cell').nth(4).innerText()));
      expect(statuses.length).toBe(wanted);
      expect(new Set(statuses)).toEqual(new Set(['新线索']));

      const firstId = (await rows().nth(0).getByRole('link').innerText()).trim();
      const secondId = (await rows().nth(1).getByRole('link').innerText()).trim();
      // (Element Plus hides the native checkbox under its label, which takes the click.)
      await page.getByLabel(`选择线索 ${firstId}`, { exact: true }).first().click();
      await page.getByLabel(`选择线索 ${secondId}`, { exact: true }).first().click();
      await page.getByRole('button', { name: '批量分派（2）' }).click();
      const dialog = page.getByRole('dialog', { name: '批量分派' });
      await pickIn(dialog, '核查人员', '李核查（songzi.jiwei2）');
      await dialog.getByRole('button', { name: '确定分派' }).click();
      await success('2 条线索');
      await loaded();
      expect(await total()).toBe(wanted - 2);
      const lead = (await call('GET', `/api/leads/${firstId}`, await login(server.url, 'songzi.jiwei'))).json;
      expect(lead.triage.assignee_name).toBe('李核查');
    }));

  it('opens a lead with j, k and Enter, and takes it through every step to its closing', () =>
    journey(browser, `inspector-steps-${name}`, async () => {
      await page.getByRole('radio', { name: '待分派' }).check({ force: true });
      await loaded();
      const ids = await rows().getByRole('link').allInnerTexts();
      expect(ids.length).toBeGreaterThan(2);
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      await page.keyboard.press('k');
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`/leads/${ids[1].trim()}$`));
      await page.getByRole('heading', { name: new RegExp(`线索 ${ids[1].trim()}`) }).waitFor();
      // The registry facts as fields, and the explanation.
      await page.getByText('比对库事实').waitFor();

      const step = async (name: string, fill?: (dialog: ReturnType<Page['getByRole']>) => Promise<void>) => {
        await page.getByRole('group', { name: '可执行的步骤' }).getByRole('button', { name, exact: true }).click();
        const dialog = page.getByRole('dialog', { name });
        await dialog.waitFor();
        if (fill) await fill(dialog);
        await dialog.getByRole('button', { name: '确定' }).click();
        await success(`已${name}`);
        await dialog.waitFor({ state: 'hidden' });
      };
      await step('分派', async (d) => {
        await pickIn(d, '核查人员', '宋子（songzi.jiwei）');
      });
      await step('开始核查');
      // A refused amount is named beside its field, in Chinese, and nothing is sent.
      await page.getByRole('group', { name: '可执行的步骤' }).getByRole('button', { name: '查实', exact: true }).click();
      let dialog = page.getByRole('dialog', { name: '查实' });
      await dialog.getByLabel('核查结论').fill('经核查，死亡后仍领取');
      await dialog.getByLabel('查实金额（元）').fill('12.345');
      await dialog.getByRole('button', { name: '确定' }).click();
      await dialog.getByText('查实金额应为大于 0 的金额（元），最多两位小数，如 1,200.50').waitFor();
      await dialog.getByLabel('查实金额（元）').fill('1.00');
      await dialog.getByRole('button', { name: '确定' }).click();
      await success('已查实');
      await step('处置', async (d) => d.getByText('函询', { exact: true }).click());
      await step('开始整改');
      await step('登记收缴/追回', async (d) => d.getByLabel('追回金额（元）').fill('1'));
      await step('整改完成', async (d) => d.getByLabel('说明').fill('已追回并停发'));
      await step('销号', async (d) => d.getByLabel('说明').fill('整改到位'));
      // The page reloads the lead after the step: once 销号 has gone, only the notices remain.
      await page.getByRole('group', { name: '可执行的步骤' }).getByRole('button', { name: '销号', exact: true }).waitFor({ state: 'detached' });
      expect(await page.getByRole('group', { name: '可执行的步骤' }).getByRole('button').allInnerTexts()).toEqual(['制发三书']);
      // The history, in Chinese, in Shanghai time: "YYYY-MM-DD HH:mm 显示名（纪委核查）分派".
      const line = (step: string) => page.getByText(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} 宋子（[^）]+）${step}$`));
      await line('分派').waitFor();
      await line('销号').waitFor();
      expect(await line('分派').innerText()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} 宋子（纪委核查）分派$/);
      await page.getByText('状态：已整改 → 已销号').waitFor();
      await page.getByText('查实金额：1.00 元').waitFor();
      dialog = page.getByRole('dialog', { name: '查实' });
      expect(await dialog.isVisible()).toBe(false);
    }));

  it('uploads an attachment, downloads it, and reveals the ID number with a reason', () =>
    journey(browser, `inspector-attachment-${name}`, async () => {
      await choose('附件类型', '谈话记录');
      // Refused in the page before anything is sent: not a PDF, PNG or JPEG.
      await page.getByLabel('选择文件（PDF、PNG 或 JPEG，最大 10 MB）').setInputFiles({ name: '笔记.pdf', mimeType: 'application/pdf', buffer: Buffer.from('just text') });
      await page.getByText('文件「笔记.pdf」不是 PDF、PNG 或 JPEG 文件').waitFor();
      await page.getByLabel('选择文件（PDF、PNG 或 JPEG，最大 10 MB）').setInputFiles({ name: '谈话记录.pdf', mimeType: 'application/pdf', buffer: PDF });
      await page.getByRole('button', { name: '上传附件' }).click();
      await success('已上传 谈话记录.pdf');
      const attachments = page.getByLabel('附件', { exact: true });
      await attachments.getByText('谈话记录.pdf').waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), attachments.getByRole('button', { name: '下载 谈话记录.pdf' }).click()]);
      expect(download.suggestedFilename()).toBe('谈话记录.pdf');
      const path = await download.path();
      expect((await import('node:fs/promises').then((fs) => fs.readFile(path!))).equals(PDF)).toBe(true);

      const info = page.getByLabel('线索信息', { exact: true });
      const masked = await info.getByText(/^\d{4}\*+[\dX]{4}$/).first().innerText();
      await page.getByRole('button', { name: '查看完整信息' }).click();
      const dialog = page.getByRole('dialog', { name: '查看完整身份证号和账号' });
      await dialog.getByRole('button', { name: '确定查看' }).click();
      await dialog.getByText('请说明查看理由').waitFor();
      await dialog.getByLabel('查看理由').fill('入户核查需要完整身份证号');
      await dialog.getByRole('button', { name: '确定查看' }).click();
      await success('已显示完整身份证号');
      await page.getByText('正在显示完整身份证号和账号').waitFor();
      const full = await info.getByText(/^\d{17}[\dX]$/).first().innerText();
      expect([full.slice(0, 4), full.slice(-4)]).toEqual([masked.slice(0, 4), masked.slice(-4)]);
      await page.getByText(/查看完整身份证号和账号$/).first().waitFor(); // the reveal is in the history
    }));

  it('issues a notice for the lead, prints it in a new tab through a signed link, and records the answer', () =>
    journey(browser, `inspector-notice-${name}`, async () => {
      const leadId = /\/leads\/(\d+)$/.exec(page.url())![1];
      await page.getByRole('group', { name: '可执行的步骤' }).getByRole('button', { name: '制发三书' }).click();
      const dialog = page.getByRole('dialog', { name: '制发三书' });
      await dialog.getByRole('button', { name: '制发' }).click();
      await dialog.getByText('请填写接收单位，如 松滋市民政局').waitFor();
      await dialog.getByLabel('接收单位').fill('松滋市民政局');
      await dialog.getByLabel('事由').fill('城乡低保资金发放中的问题');
      await dialog.getByLabel('正文').fill('经核查，发现低保资金发放存在问题，请认真核查整改。');
      await dialog.getByRole('button', { name: '制发' }).click();
      await success(/已制发 松滋市纪预〔\d{4}〕\d+号/);

      await page.getByRole('menuitem', { name: '三书管理' }).click();
      await page.waitForURL(/\/notices$/);
      const notices = page.getByLabel('三书', { exact: true });
      const row = notices.getByRole('row').filter({ hasText: '城乡低保资金发放中的问题' });
      await row.getByRole('link', { name: leadId }).waitFor();
      const number = (await row.getByText(/松滋市纪预〔\d{4}〕\d+号/).innerText()).trim();
      const [tab] = await Promise.all([browser.context.waitForEvent('page'), row.getByRole('button', { name: `打印 ${number}` }).click()]);
      await tab.waitForURL(/\/api\/notices\/\d+\/print\?link=/);
      await tab.getByText(number).waitFor();
      await tab.getByText('预警通知书').first().waitFor();
      expect(signed.filter((s) => s.url.includes('/print?link=')).map((s) => s.status)).toEqual([200]);
      await tab.close();

      await row.getByRole('button', { name: `登记 ${number} 的回复` }).click();
      const answer = page.getByRole('dialog', { name: '登记回复' });
      await answer.getByLabel('回复内容').fill('已于 11 月 20 日追回全部资金，并对经办人员进行了批评教育。');
      await answer.getByRole('button', { name: '登记' }).click();
      await success(`已登记 ${number} 的回复`);
      await row.getByText('已回复').waitFor();
      expect(problems).toEqual([]);
    }));
});
