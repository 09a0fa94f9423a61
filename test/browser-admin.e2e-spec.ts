import type { Locator, Page } from 'playwright-core';
import { JobName, QueueName } from '@sunlight/queue';
import { OUTCOME_LABELS } from '@sunlight/leads';
import { RULE_VERSION_STATE_LABELS } from '@sunlight/rules';
import { TEST_PASSWORD, apiClient, createUser, freshEnv, login, startServer, until, type RunningServer, type TestEnv } from './support/harness.js';
import { browserAvailable, journey, journeyBackend, openBrowser, signIn, signOut, watchProblems, type Browser } from './support/browser.js';
import { installationQueue } from './support/queues.js';

/**
 * Issue 13's journeys of everyone and of the admin, in real Chromium against `npm start`'s
 * process: signing in and out, changing one's password (errors beside the field), a locked
 * account told when it unlocks, and the admin's pages — users, programs, rules, audit
 * verification and queue health with a retried job.
 */
const run = browserAvailable() ? describe : describe.skip;

run.each(journeyBackend('postgres+redis'))('the console of everyone and of the admin on $name', ({ name }) => {
  let env: TestEnv;
  let server: RunningServer;
  let browser: Browser;
  let admin: string;
  const call = apiClient(() => server.url);
  const userId = async (username: string) => (await call('GET', '/api/users', admin)).json.find((u: { username: string }) => u.username === username).id as string;
  const make = async (username: string, role: string, regionCode: string) => {
    const res = await call('POST', '/api/users', admin, { username, displayName: `${username} 测试`, role, regionCode, password: TEST_PASSWORD });
    if (res.status !== 201) throw new Error(res.text);
  };

  beforeAll(async () => {
    env = await freshEnv(name, { SUNLIGHT_LOGIN_RATE: '1000' });
    await createUser(env, 'admin', 'admin');
    server = await startServer(env);
    admin = await login(server.url, 'admin');
    await make('up.web', 'uploader', '421087');
    await make('in.web', 'inspector', '421087');
    await make('su.web', 'supervisor', '4210');
    browser = await openBrowser(server.url);
  }, 240_000);
  /** A tab of its own for each journey, closed after it (tabs share the profile's storage). */
  const pages: Page[] = [];
  const freshPage = async () => {
    const page = await browser.context.newPage();
    pages.push(page);
    return page;
  };
  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close().catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await env?.cleanup();
  });

  it('signs the uploader, inspector and supervisor in and out', () =>
    journey(browser, `admin-sign-in-out-${name}`, async () => {
      const page = await freshPage();
      const problems = watchProblems(page);
      // (The admin signs in and out in the journeys below.)
      for (const username of ['up.web', 'in.web', 'su.web']) {
        await signIn(page, username, TEST_PASSWORD);
        await signOut(page);
      }
      expect(unexpected(problems)).toEqual([]);
    }));

  it('changes one’s password, with the API’s Chinese errors beside the field', () =>
    journey(browser, `admin-change-password-${name}`, async () => {
      const page = await freshPage();
      const problems = watchProblems(page);
      await signIn(page, 'in.web', TEST_PASSWORD);
      await page.goto('/account');
      await page.getByRole('button', { name: '修改密码' }).click();
      const dialog = page.getByRole('dialog', { name: '修改密码' });
      // The policy is checked as one types…
      await dialog.getByLabel('原密码').fill('not-my-password-1');
      await dialog.getByLabel('新密码', { exact: true }).fill('short');
      await dialog.getByLabel('确认新密码').fill('short');
      await dialog.getByRole('button', { name: '确定修改' }).click();
      await expectFieldError(dialog, '新密码', '至少 10 个字符');
      // …and what only the API knows comes back beside its field.
      await dialog.getByLabel('新密码', { exact: true }).fill('Browser-password-2');
      await dialog.getByLabel('确认新密码').fill('Browser-password-2');
      await dialog.getByRole('button', { name: '确定修改' }).click();
      await expectFieldError(dialog, '原密码', '原密码不正确');
      await dialog.getByLabel('原密码').fill(TEST_PASSWORD);
      await dialog.getByRole('button', { name: '确定修改' }).click();
      await page.getByText('密码已修改').waitFor();
      await dialog.waitFor({ state: 'hidden' });
      await signOut(page);
      await signIn(page, 'in.web', 'Browser-password-2');
      await signOut(page);
      expect(unexpected(problems)).toEqual([]);
    }));

  it('tells a locked account when it unlocks', () =>
    journey(browser, `admin-locked-${name}`, async () => {
      for (let i = 0; i < 5; i++) await call('POST', '/api/auth/login', undefined, { username: 'up.web', password: 'wrong-guess-1' });
      const lockedUntil = (await call('POST', '/api/auth/login', undefined, { username: 'up.web', password: TEST_PASSWORD })).json.lockedUntil as string;
      const page = await freshPage();
      await page.goto('/login');
      await page.getByLabel('用户名').fill('up.web');
      await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      const alert = page.getByRole('alert').first();
      await alert.waitFor();
      const text = await alert.innerText();
      expect(text).toContain(`将于 ${shanghai(lockedUntil).slice(11)} 自动解锁`);
      expect(text).toContain(`解锁时间：${shanghai(lockedUntil)}`);
      expect(text).not.toMatch(/locked until/); // no English gloss for people
    }));

  it('lets the admin create a user, edit role and region, reset the password, unlock and end sessions', () =>
    journey(browser, `admin-users-${name}`, async () => {
      await make('up.lock', 'uploader', '421087');
      for (let i = 0; i < 5; i++) await call('POST', '/api/auth/login', undefined, { username: 'up.lock', password: 'wrong-guess-1' });
      const page = await freshPage();
      const problems = watchProblems(page);
      await signIn(page, 'admin', TEST_PASSWORD);
      await page.getByRole('menuitem', { name: '用户管理' }).click();
      await page.getByRole('region', { name: '用户列表' }).waitFor();

      // Create, with the API's refusal beside the field it concerns.
      await page.getByRole('button', { name: '新增用户' }).click();
      let dialog = page.getByRole('dialog', { name: '新增用户' });
      await dialog.getByLabel('用户名').fill('in.new');
      await dialog.getByLabel('姓名').fill('新核查员');
      await choose(page, dialog.getByLabel('角色'), '纪委核查');
      await dialog.getByLabel('辖区').fill('999999');
      await dialog.getByLabel('初始密码').fill('Initial-password-1');
      await dialog.getByRole('button', { name: '保存' }).click();
      await expectFieldError(dialog, '辖区', '行政区划代码 999999 不存在');
      await dialog.getByLabel('辖区').fill('421087');
      await dialog.getByRole('button', { name: '保存' }).click();
      await page.getByText('已新增用户 in.new').waitFor();
      const row = (username: string) => page.getByRole('row', { name: new RegExp(`\\b${username.replace('.', '\\.')}\\b`) });
      /** The table reloads after each change: wait until the user's row says it. */
      const rowShows = (username: string, pattern: RegExp) =>
        until(async () => (pattern.test(await row(username).innerText().catch(() => '')) ? true : undefined), 15_000, `${username}'s row to match ${pattern}`);
      await rowShows('in.new', /新核查员[\s\S]*纪委核查[\s\S]*421087/);

      // Edit role and region.
      await page.getByRole('button', { name: '编辑 in.new' }).click();
      dialog = page.getByRole('dialog', { name: '编辑用户 in.new' });
      await choose(page, dialog.getByLabel('角色'), '分管领导');
      await dialog.getByLabel('辖区').fill('4210');
      await dialog.getByRole('button', { name: '保存' }).click();
      await page.getByText('已保存；in.new 需重新登录').waitFor();
      await rowShows('in.new', /分管领导\s+4210\s/);

      // Search above the table.
      await page.getByRole('form', { name: '查询用户' }).getByLabel('关键字').fill('in.new');
      await page.getByRole('button', { name: '搜索' }).click();
      await until(async () => ((await page.getByRole('region', { name: '用户列表' }).getByRole('row').count()) === 2 ? true : undefined), 10_000, 'one row found');
      await page.getByRole('button', { name: '重置', exact: true }).click();

      // Reset the password: the user must choose a new one at the next sign-in.
      await page.getByRole('button', { name: '重置密码 in.new' }).click();
      dialog = page.getByRole('dialog', { name: '重置密码 in.new' });
      await dialog.getByLabel('临时密码').fill('1234567890');
      await dialog.getByRole('button', { name: '重置', exact: true }).click();
      await expectFieldError(dialog, '临时密码', '须同时含字母和数字');
      await dialog.getByLabel('临时密码').fill('Temporary-pass-7');
      await dialog.getByRole('button', { name: '重置', exact: true }).click();
      await page.getByText('已重设 in.new 的密码').waitFor();
      await rowShows('in.new', /待改密码/);

      // Unlock an account that guessed wrong too often.
      await page.getByRole('button', { name: '刷新' }).click();
      await rowShows('up.lock', /锁定至 \d\d:\d\d/);
      await page.getByRole('button', { name: '解锁 up.lock' }).click();
      await page.getByRole('dialog', { name: '解除锁定' }).getByRole('button', { name: '确定' }).click();
      await page.getByText('已解除 up.lock 的锁定').waitFor();
      await rowShows('up.lock', /正常/);
      expect((await call('POST', '/api/auth/login', undefined, { username: 'up.lock', password: TEST_PASSWORD })).status).toBe(200);

      // End the sessions of someone signed in elsewhere.
      const elsewhere = await login(server.url, 'su.web');
      await page.getByRole('button', { name: '刷新' }).click();
      await page.getByRole('button', { name: '强制下线 su.web' }).click();
      await page.getByRole('dialog', { name: '强制下线' }).getByRole('button', { name: '确定' }).click();
      await page.getByText(/已结束 su\.web 的 \d+ 个会话/).waitFor();
      expect((await call('GET', '/api/auth/me', elsewhere)).status).toBe(401);
      await signOut(page);

      // The reset user signs in with the temporary password and is asked for their own first.
      await page.goto('/login');
      await page.getByLabel('用户名').fill('in.new');
      await page.getByLabel('密码', { exact: true }).fill('Temporary-pass-7');
      await page.getByRole('button', { name: '登录' }).click();
      dialog = page.getByRole('dialog', { name: '修改密码' });
      await dialog.getByText('管理员已重设您的密码').waitFor();
      await dialog.getByLabel('原密码').fill('Temporary-pass-7');
      await dialog.getByLabel('新密码', { exact: true }).fill('My-own-password-8');
      await dialog.getByLabel('确认新密码').fill('My-own-password-8');
      await dialog.getByRole('button', { name: '确定修改' }).click();
      await page.getByText('密码已修改').waitFor();
      await signOut(page);
      expect(unexpected(problems)).toEqual([]);
    }));

  it('shows the admin the live programs and rules, and verifies the audit trail', () =>
    journey(browser, `admin-catalogue-audit-${name}`, async () => {
      const page = await freshPage();
      const problems = watchProblems(page);
      await signIn(page, 'admin', TEST_PASSWORD);
      await page.getByRole('menuitem', { name: '资金项目' }).click();
      await shows(page.getByRole('region', { name: '资金项目列表' }).getByRole('row', { name: /DIBAO/ }), /城乡最低生活保障金[\s\S]*按月[\s\S]*1,200\.00[\s\S]*不限[\s\S]*是/);
      await page.getByRole('menuitem', { name: '比对规则' }).click();
      await shows(page.getByRole('region', { name: '比对规则列表' }).getByRole('row', { name: /R09/ }), /一卡多人[\s\S]*同一账户收款的身份证号至少（个）：3/);

      await page.getByRole('menuitem', { name: '审计校验' }).click();
      await page.getByRole('button', { name: '开始校验' }).click();
      await page.getByText('审计链完好').waitFor();
      // A checkpoint naming an event the chain does not reach: the trail is reported cut.
      await page.getByLabel('检查点').fill(`99999999:${'0'.repeat(64)}`);
      await page.getByRole('button', { name: '开始校验' }).click();
      await page.getByText('发现 1 处问题').waitFor();
      await shows(page.getByRole('region', { name: '发现的问题' }), /链尾被截断/);
      await page.getByLabel('检查点').fill('not a checkpoint');
      await page.getByRole('button', { name: '开始校验' }).click();
      await expectFieldError(page.getByRole('form', { name: '审计校验' }), '检查点', '应为 事件编号:摘要');
      await signOut(page);
      expect(unexpected(problems)).toEqual([]);
    }));

  it('shows the admin the queues and retries a failed job', () =>
    journey(browser, `admin-queues-${name}`, async () => {
      // A digest for someone who is not (yet) a supervisor fails, naming why.
      await make('in.digest', 'inspector', '421087');
      const id = await userId('in.digest');
      const queue = await installationQueue(env, QueueName.Digests);
      try {
        await queue.add(JobName.PrepareDigest, { userId: id }, { attempts: 1 });
      } finally {
        await queue.close();
      }
      await until(async () => ((await call('GET', '/api/admin/queues', admin)).json.find((q: { name: string }) => q.name === 'digests').failed === 1 ? true : undefined), 30_000, 'a failed job');

      const page = await freshPage();
      const problems = watchProblems(page);
      await signIn(page, 'admin', TEST_PASSWORD);
      await page.getByRole('menuitem', { name: '队列监控' }).click();
      const counts = page.getByRole('region', { name: '队列任务数' });
      await shows(counts.getByRole('row', { name: /预警摘要/ }), /预警摘要\s+0\s+0\s+1\s+/);
      await page.getByRole('button', { name: '查看失败任务 预警摘要' }).click();
      const failed = page.getByRole('region', { name: '失败任务 预警摘要' });
      await shows(failed, /生成定期摘要[\s\S]*不是分管领导[\s\S]*1 \/ 1/);

      // Fixed (the account becomes a supervisor), the job is retried and succeeds.
      expect((await call('PATCH', `/api/users/${id}`, admin, { role: 'supervisor' })).status).toBe(200);
      await failed.getByRole('button', { name: /^重试任务 / }).click();
      await page.getByText(/任务 \S+ 已重新排队/).waitFor();
      await until(
        async () => {
          await page.getByRole('button', { name: '刷新' }).click();
          return (await failed.innerText()).includes('没有失败的任务') ? true : undefined;
        },
        30_000,
        'the retried job to leave the failed list',
      );
      await shows(counts.getByRole('row', { name: /预警摘要/ }), /预警摘要\s+\d+\s+\d+\s+0\s+/);
      await signOut(page);
      expect(unexpected(problems)).toEqual([]);
    }));
});

/**
 * Issue 14's console: rules as versioned data, with the demo data. One admin (the maker) drafts a
 * change of R09 with a reason; a second admin (the checker) finds it in 待我审批 and approves it;
 * the maker's own view of it has no approve button; the rule list then shows version 2, and the
 * live version's backtest is run and its figures read on the page.
 */
run.each(journeyBackend('embedded'))('rules as versioned data in the console on $name', ({ name }) => {
  const ADMIN_PASSWORD = 'Sunlight-admin-2024'; // the demo's admin
  let env: TestEnv;
  let server: RunningServer;
  let browser: Browser;
  let admin: string;
  const call = apiClient(() => server.url);

  beforeAll(async () => {
    env = await freshEnv(name, { SUNLIGHT_DEMO: 'true', SUNLIGHT_LOGIN_RATE: '1000' });
    server = await startServer(env);
    admin = await login(server.url, 'admin', ADMIN_PASSWORD);
    const res = await call('POST', '/api/users', admin, { username: 'checker.web', displayName: '复核管理员', role: 'admin', regionCode: '', password: TEST_PASSWORD });
    if (res.status !== 201) throw new Error(res.text);
    browser = await openBrowser(server.url);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await env?.cleanup();
  });

  it('a change of R09 is drafted by one admin, approved by another, goes live as version 2 and is backtested', () =>
    journey(browser, `admin-rule-change-${name}`, async () => {
      const page = await browser.context.newPage();
      const problems = watchProblems(page);
      const rules = () => page.getByRole('region', { name: '比对规则列表' });

      // The maker drafts minIds 4, the range checked before the API sees it.
      await signIn(page, 'admin', ADMIN_PASSWORD);
      await page.getByRole('menuitem', { name: '比对规则' }).click();
      await shows(rules().getByRole('row', { name: /R09/ }), /一卡多人\s+1\s[\s\S]*同一账户收款的身份证号至少（个）：3/);
      await page.getByRole('button', { name: '提出修改 R09' }).click();
      const draft = page.getByRole('dialog', { name: '提出修改 R09' });
      const minIds = '同一账户收款的身份证号至少（个）';
      await draft.getByLabel(minIds).fill('1');
      await draft.getByLabel('修改理由').fill('三人一卡多为家属代领，提高门槛');
      await draft.getByRole('button', { name: '提交审批' }).click();
      await expectFieldError(draft, minIds, '应在 2–');
      await draft.getByLabel(minIds).fill('4');
      await draft.getByRole('button', { name: '提交审批' }).click();
      const done = await draft.getByText(/^已提交变更 \d+$/).innerText();
      const changeId = done.replace(/\D/g, '');
      await draft.getByText('变更待另一名管理员审批').waitFor();
      await draft.getByRole('button', { name: '关闭', exact: true }).click();

      // The maker's own view: the change is there, marked as waiting for another admin, without the buttons.
      await page.getByRole('menuitem', { name: '待我审批' }).click();
      const mine = page.getByRole('region', { name: `变更 ${changeId}`, exact: true });
      await shows(mine, /您提出的变更，待另一名管理员审批/);
      await shows(mine.getByRole('region', { name: `变更 ${changeId} 的差异` }), /（minIds）\s+3\s+4/);
      expect(await mine.getByRole('button', { name: `批准 变更 ${changeId}` }).count()).toBe(0);
      expect(await mine.getByRole('button', { name: `驳回 变更 ${changeId}` }).count()).toBe(0);
      await signOut(page);

      // The checker finds it waiting and approves it at once.
      await signIn(page, 'checker.web', TEST_PASSWORD);
      await page.getByRole('menuitem', { name: /待我审批/ }).click();
      const theirs = page.getByRole('region', { name: `变更 ${changeId}`, exact: true });
      await shows(theirs, /三人一卡多为家属代领，提高门槛/);
      await shows(theirs.getByRole('region', { name: `变更 ${changeId} 的差异` }), /（minIds）\s+3\s+4/);
      await theirs.getByRole('button', { name: `批准 变更 ${changeId}` }).click();
      await page.getByRole('dialog', { name: `批准变更 ${changeId}` }).getByRole('button', { name: '确认批准' }).click();
      await page.getByText(`已批准变更 ${changeId}：R09 版本 2，已生效`).waitFor();

      // The rule list shows version 2, and its history the first version superseded.
      await page.getByRole('menuitem', { name: '比对规则' }).click();
      await shows(rules().getByRole('row', { name: /R09/ }), /一卡多人\s+2\s[\s\S]*同一账户收款的身份证号至少（个）：4/);
      await page.getByRole('button', { name: '版本历史 R09' }).click();
      const history = page.getByRole('region', { name: '版本历史' });
      await shows(history, new RegExp(`2\\s+${changeId}\\s+${RULE_VERSION_STATE_LABELS.live}[\\s\\S]*1\\s+\\d+\\s+${RULE_VERSION_STATE_LABELS.superseded}`));
      await page.goBack();

      // The backtest of the live version: progress, then its figures, as the API has them.
      const started = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/rules\/R09\/backtests$/.test(r.url()));
      await page.getByRole('button', { name: '回测 R09' }).click();
      const dialog = page.getByRole('dialog', { name: '回测 R09 现行版本' });
      const { id } = (await (await started).json()) as { id: string };
      const figures = dialog.getByRole('region', { name: '回测结果' });
      await figures.waitFor({ timeout: 60_000 });
      const result = (await call('GET', `/api/rule-backtests/${id}`, admin)).json.result;
      expect(result.version).toBe(2);
      const count = (n: number) => n.toLocaleString('zh-CN');
      const yuan = (y: string) => y.replace(/\B(?=(\d{3})+(?!\d))(?=.*\.)/g, ',');
      await shows(
        figures,
        new RegExp(
          `命中\\s+${count(result.hits)}\\s+线索键\\s+${count(result.keys)}\\s+涉及金额（元）\\s+${yuan(result.amountAtRisk)}\\s+` +
            `新增\\s+${count(result.added)}\\s+不再命中\\s+${count(result.dropped)}\\s+` +
            `${OUTCOME_LABELS.rectified}\\s+${count(result.confirmed)}\\s+已${OUTCOME_LABELS.dismissed}\\s+${count(result.dismissed)}`,
        ),
      );
      const dropped = dialog.getByRole('region', { name: '不再命中的线索' });
      if (result.droppedKeys.length) {
        const first = result.droppedKeys[0];
        expect(await dropped.getByRole('link', { name: first.leadId, exact: true }).first().getAttribute('href')).toBe(`/leads/${first.leadId}`);
      }
      await dialog.getByRole('button', { name: '关闭', exact: true }).click();
      await signOut(page);
      await page.close();
      expect(unexpected(problems)).toEqual([]);
    }));
});

/** Console problems but the refusals a journey provokes on purpose (the browser logs each 4xx answer). */
const unexpected = (problems: string[]) => problems.filter((p) => !/Failed to load resource: the server responded with a status of (400|401|409|422)\b/.test(p));

const SHANGHAI = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const shanghai = (iso: string) => SHANGHAI.format(new Date(iso)).replace('T', ' ');

/** Waits until what `locator` shows matches (pages load and refresh after each step). */
async function shows(locator: Locator, pattern: RegExp): Promise<void> {
  await until(async () => (pattern.test(await locator.innerText().catch(() => '')) ? true : undefined), 15_000, `${locator} to show ${pattern}`);
}

/** Picks an option of an Element Plus select (its options live in a teleported popper). */
async function choose(page: Page, select: Locator, option: string): Promise<void> {
  await select.click({ force: true }); // (the placeholder lies over the input)
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** The error Element Plus shows under the form item labelled `label`. */
async function expectFieldError(scope: Locator | Page, label: string, text: string): Promise<void> {
  const page = 'page' in scope && typeof scope.page === 'function' ? (scope as Locator).page() : (scope as Page);
  const item = scope.locator('.el-form-item').filter({ has: page.locator('label', { hasText: new RegExp(`^${label}$`) }) });
  const error = item.locator('.el-form-item__error');
  await error.waitFor();
  expect(await error.innerText()).toContain(text);
}
