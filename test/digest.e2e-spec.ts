import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { bootApp, cli, freshEnv, jsonLines, primaryBackend, TEST_PASSWORD, until, type TestApp, type TestEnv } from './support/harness.js';
import { Inbox } from './support/inbox.js';
import { CHART_HEIGHT, CHART_WIDTH, Digests } from '@sunlight/digest';
import { JobName, JobWaiter, QueueName, QueueRegistry } from '@sunlight/queue';

/**
 * The alert digest against a real SMTP server started here (smtp-server): what arrives, that a
 * period goes out once however many workers race, that an outage is retried and a permanent
 * refusal recorded, and that a supervisor never reads another county's leads.
 */



describe(`alert digest by SMTP (${primaryBackend().name})`, () => {
  const inbox = new Inbox();
  let env: TestEnv;
  let a: TestApp;
  let b: TestApp;
  const ids: Record<string, string> = {};
  const hooks: { signature: string; body: string }[] = [];
  let hookServer: Server;

  const addUser = async (username: string, region: string, email?: string) => {
    const args = ['users', 'create', username, '--role', 'supervisor', '--region', region, ...(email ? ['--email', email] : [])];
    const r = await cli({ ...env, env: { ...env.env, SUNLIGHT_NEW_PASSWORD: TEST_PASSWORD } }, ...args);
    expect(r.code).toBe(0);
  };
  let seq = 0;
  const lead = async (region: string, extra: { rule?: string; card?: string; name?: string } = {}) => {
    const [row] = await a.query(
      `INSERT INTO leads (rule_code, rule_version, severity, lead_key, region_code, amount_at_risk_fen, name, explanation, card, card_since, due_on)
       VALUES ($1, 1, 'high', $2, $3, 360000, $4, $5, $6::text, CASE WHEN $6::text IS NOT NULL THEN now() END, current_date - 30) RETURNING id::text`,
      [extra.rule ?? 'R01', `D|${++seq}`, region, extra.name ?? '张三', `${extra.name ?? '张三'} (4210…0011) 死亡后仍领取低保`, extra.card ?? null],
    );
    return row.id as string;
  };

  beforeAll(async () => {
    await inbox.start();
    hookServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hooks.push({ signature: String(req.headers['x-sunlight-signature']), body });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', () => resolve()));
    env = await freshEnv(primaryBackend().name, {
      SUNLIGHT_DIGEST_WEBHOOK_URL: `http://127.0.0.1:${(hookServer.address() as { port: number }).port}/hook`,
      SUNLIGHT_DIGEST_WEBHOOK_SECRET: 'office-chat-secret',
      SUNLIGHT_SMTP_URL: `smtp://127.0.0.1:${inbox.port}`,
      SUNLIGHT_MAIL_FROM: '阳光监管 <sunlight@jw.example.gov.cn>',
      SUNLIGHT_CONSOLE_URL: 'http://console.test',
      SUNLIGHT_DIGEST_RETRY_MS: '100',
      SUNLIGHT_DIGEST_ATTEMPTS: '4',
    });
    await addUser('su.songzi', '421087', 'songzi@jw.example.gov.cn');
    await addUser('su.zaoqiang', '131121', 'zaoqiang@jw.example.gov.cn');
    await addUser('su.jiangan', '420102', 'jiangan@jw.example.gov.cn');
    a = await bootApp(env);
    b = await bootApp(env); // a second "worker" with its own connections
    for (const u of await a.query(`SELECT id::text, username FROM users`)) ids[u.username] = u.id;
    // 松滋: three new leads, one of them red-carded, one R12 repeat; an overdue notice. 枣强: two leads.
    await lead('421087101');
    await lead('421087102', { card: 'red' });
    await lead('421087101', { rule: 'R12', card: 'red' });
    await lead('131121100', { name: '李四' });
    await lead('131121101', { name: '李四' });
    await a.query(
      `INSERT INTO notices (kind, number, region_code, year, seq, recipient, subject, body, issued_by, due_on)
       VALUES ('warning', '松滋市纪预〔2026〕1号', '421087', 2026, 1, '松滋市民政局', '低保', '请核查', '松滋市纪委监委', current_date - 1)`,
    );
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await env?.cleanup();
    await inbox.stop();
    hookServer?.close();
  });

  it('mails a supervisor the digest: recipient, subject, text and HTML parts, figures from the database, inline SVG charts, links — and no other county', async () => {
    const run = await cli(env, 'digest', 'send', '--user', 'su.songzi');
    expect(run.code).toBe(0);
    expect(jsonLines(run.stdout).pop()).toMatchObject({ status: 'sent', outcome: 'sent', recipient: 'songzi@jw.example.gov.cn' });
    const [mail] = inbox.to('songzi@jw.example.gov.cn');
    expect(mail).toBeDefined();
    expect(mail.from?.text).toContain('sunlight@jw.example.gov.cn');
    const [{ n: expectedNew }] = await a.query(`SELECT count(*)::int AS n FROM leads WHERE region_code LIKE '421087%'`);
    expect(expectedNew).toBe(3);
    expect(mail.subject).toBe(`【阳光监管】松滋市摘要 ${new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())}：新增线索 3 条，红牌 2 张，应改未改 1 条，逾期文书 1 份`);
    expect(mail.text).toContain('R01 已故人员领取：2 条'); // the catalogue's name (CONTRACT §4)
    expect(mail.text).toContain('R12 应改未改：1 条');
    expect(mail.text).toContain('松滋市纪预〔2026〕1号 致 松滋市民政局');
    expect(mail.text).toContain('涉及金额 10800.00 元'); // 3 × 3,600.00 raised this year
    expect(mail.html).toContain('href="http://console.test/#/leads/');
    const svgs = mail.attachments.filter((x) => x.contentType === 'image/svg+xml');
    expect(svgs).toHaveLength(2);
    for (const svg of svgs) {
      expect(mail.html).toContain(`<source srcset="cid:${svg.cid}" type="image/svg+xml">`);
      expect(svg.content.toString()).toMatch(/^<svg[\s\S]*<\/svg>$/);
    }
    expect(svgs[0].content.toString()).toContain('松滋市');
    // Scope: nothing of 枣强 in the 松滋 mail.
    const zaoqiangIds = (await a.query(`SELECT id::text FROM leads WHERE region_code LIKE '131121%'`)).map((r: { id: string }) => r.id);
    const everything = `${mail.subject}\n${mail.text}\n${mail.html}\n${svgs.map((s) => s.content.toString()).join('')}`;
    expect(everything).not.toContain('枣强');
    expect(everything).not.toContain('李四');
    for (const id of zaoqiangIds) expect(everything).not.toContain(`/leads/${id}"`);
    expect(everything).not.toMatch(/\d{17}[\dX]/); // no full ID number
    const [stored] = await a.query(`SELECT status, message_id, attempts FROM digests WHERE user_id = $1`, [ids['su.songzi']]);
    expect(stored).toMatchObject({ status: 'sent', attempts: 1 });
    expect(stored.message_id).toContain('sunlight-digest-');
  });

  it('reads well on a phone: the page takes the screen’s width, each chart scales to it as SVG, with a PNG for clients that block SVG', async () => {
    const [mail] = inbox.to('songzi@jw.example.gov.cn');
    expect(mail.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(mail.html).toMatch(/max-width:640px;margin:0 auto/);
    const svgs = mail.attachments.filter((x) => x.contentType === 'image/svg+xml');
    const pngs = mail.attachments.filter((x) => x.contentType === 'image/png');
    expect(pngs).toHaveLength(2);
    for (const svg of svgs) {
      // Scales: no fixed width or height, the drawing's proportions from its viewBox, never wider than drawn.
      const open = /^<svg[^>]*>/.exec(svg.content.toString())![0];
      expect(open).toContain('width="100%"');
      expect(open).toContain(`viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}"`);
      expect(open).toContain(`max-width:${CHART_WIDTH}px`);
      expect(open).not.toMatch(/\sheight="/);
    }
    for (const png of pngs) {
      const bytes = png.content;
      expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a'); // a PNG
      expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([2 * CHART_WIDTH, 2 * CHART_HEIGHT]); // drawn at twice the size, sharp on phones
      expect(bytes.length).toBeGreaterThan(5000); // not blank
      // The HTML's <img> shows the PNG where <picture> or SVG is not understood, at the screen's
      // width (mailparser writes the part it refers to by Content-ID into it as a data URL).
      expect(mail.html).toContain(`<img src="data:image/png;base64,${bytes.toString('base64')}" alt="`);
      expect(mail.html).toContain(`" width="${CHART_WIDTH}" style="display:block;width:100%;max-width:${CHART_WIDTH}px;height:auto;border:0"></picture>`);
    }
  });

  it('shows every month of the trend, the months without leads at zero', async () => {
    const [mail] = inbox.to('songzi@jw.example.gov.cn');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const months: string[] = [];
    for (let back = 5; back >= 0; back--) {
      const d = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1 - back, 1));
      months.push(d.toISOString().slice(0, 7));
    }
    const trend = mail.attachments.find((x) => x.cid === 'rectification-trend@sunlight')!.content.toString();
    const labels = [...trend.matchAll(/>((?:\d{4}年)?\d{1,2}月)</g)].map((m) => m[1]);
    const named = months.map((m, i) => `${i === 0 || m.endsWith('-01') ? `${m.slice(0, 4)}年` : ''}${Number(m.slice(5))}月`);
    expect(labels).toEqual(named); // each month on the axis, in order: none skipped
    // The text says it too: five months with nothing, this month with the three leads.
    expect(mail.text).toContain(`按发现月份（发现 / 查实 / 整改率）：${months.slice(0, 5).map((m) => `${m} 0 / 0 / —`).join('，')}，${months[5]} 3 / 0 / —`);
    const preview = await a.get(Digests).preview('su.songzi');
    expect(preview.figures.rateTrend).toEqual(months.map((month, i) => ({ month, raised: i === 5 ? 3 : 0, confirmed: 0, rate: null })));
  });

  it('sends one digest per period however many workers race for it', async () => {
    const before = inbox.to('zaoqiang@jw.example.gov.cn').length;
    const prepared = await Promise.all([a.get(Digests).prepare('su.zaoqiang', 'scheduled'), b.get(Digests).prepare('su.zaoqiang', 'scheduled'), a.get(Digests).prepare('su.zaoqiang', 'scheduled')]);
    expect(new Set(prepared.map((p) => p.id)).size).toBe(1);
    expect(prepared.filter((p) => p.created)).toHaveLength(1);
    const outcomes = await Promise.all([a.get(Digests).deliver(prepared[0].id), b.get(Digests).deliver(prepared[0].id), b.get(Digests).deliver(prepared[0].id)]);
    expect(outcomes.sort()).toEqual(['already-handled', 'already-handled', 'sent']);
    expect(await a.get(Digests).deliver(prepared[0].id)).toBe('already-handled'); // and later, a restart
    const mails = inbox.to('zaoqiang@jw.example.gov.cn');
    expect(mails.length - before).toBe(1);
    expect(mails[mails.length - 1].text).toContain('新增线索 2 条');
    expect(mails[mails.length - 1].text).not.toContain('松滋');

    // A worker killed mid-send leaves its claim; once stale, another worker delivers the same message.
    const { id } = await a.get(Digests).prepare('su.zaoqiang', 'manual');
    await a.query(`UPDATE digests SET status = 'sending', attempts = 1, claimed_at = now() - interval '11 minutes' WHERE id = $1`, [id]);
    expect(await b.get(Digests).deliver(id)).toBe('sent');
    const resent = inbox.to('zaoqiang@jw.example.gov.cn').pop()!;
    expect(resent.messageId).toBe(`<sunlight-digest-${id}@console.test>`); // the same Message-ID a crashed first try would have used
  });

  it('retries an SMTP outage with back-off until delivered, and records a permanent refusal', async () => {
    await a.get(JobWaiter).ensureConsumer(JobName.SendDigest);
    inbox.failNext = 2;
    const before = inbox.to('songzi@jw.example.gov.cn').length;
    const { id } = await a.get(Digests).prepare('su.songzi', 'manual');
    await a.get(Digests).enqueue(id);
    const sent = await until(async () => {
      const [d] = await a.query(`SELECT status, attempts, last_error FROM digests WHERE id = $1`, [id]);
      return d.status === 'sent' ? d : undefined;
    });
    expect(sent.attempts).toBe(3);
    expect(sent.last_error).toBeNull();
    expect(inbox.to('songzi@jw.example.gov.cn').length - before).toBe(1);

    inbox.refuse = true;
    const refused = await a.get(Digests).prepare('su.songzi', 'manual');
    await a.get(Digests).enqueue(refused.id);
    const failed = await until(async () => {
      const [d] = await a.query(`SELECT status, attempts, last_error FROM digests WHERE id = $1`, [refused.id]);
      return d.status === 'failed' ? d : undefined;
    });
    inbox.refuse = false;
    expect(failed.attempts).toBe(1); // 5xx: not retried
    expect(failed.last_error).toContain('550');
    expect((await a.get(Digests).list()).find((d: { id: string }) => d.id === refused.id)).toMatchObject({ status: 'failed' });
  });

  it('skips an empty period or says "nothing new", as the supervisor chose', async () => {
    const digests = a.get(Digests);
    await digests.updateSettings(ids['su.jiangan'], { sendEmpty: false });
    const skipped = await digests.prepare('su.jiangan', 'scheduled');
    const [row] = await a.query(`SELECT status, empty FROM digests WHERE id = $1`, [skipped.id]);
    expect(row).toEqual({ status: 'skipped', empty: true });
    expect(await digests.deliver(skipped.id)).toBe('already-handled');
    expect(inbox.to('jiangan@jw.example.gov.cn')).toHaveLength(0);
    await digests.updateSettings(ids['su.jiangan'], { sendEmpty: true });
    const manual = await digests.prepare('su.jiangan', 'manual');
    expect(await digests.deliver(manual.id)).toBe('sent');
    expect(inbox.to('jiangan@jw.example.gov.cn')[0].subject).toContain('本期无新情况');
  });

  it('posts the digest to the office chat webhook, signed with HMAC-SHA256, for a supervisor who opted in', async () => {
    const digests = a.get(Digests);
    await digests.updateSettings(ids['su.zaoqiang'], { webhook: true });
    const { id } = await digests.prepare('su.zaoqiang', 'manual');
    expect(await digests.deliver(id)).toBe('sent');
    const hook = hooks.find((h) => JSON.parse(h.body).digestId === id)!;
    expect(hook.signature).toBe(`sha256=${createHmac('sha256', 'office-chat-secret').update(hook.body).digest('hex')}`);
    expect(JSON.parse(hook.body).subject).toContain('枣强县');
    expect(hooks.every((h) => !h.body.includes('松滋'))).toBe(true);
    const [row] = await a.query(`SELECT webhook_status FROM digests WHERE id = $1`, [id]);
    expect(row.webhook_status).toBe('200');
  });

  it('runs each supervisor’s digest on a BullMQ job scheduler in Asia/Shanghai, daily at 08:00 unless they choose otherwise', async () => {
    const digests = a.get(Digests);
    expect(await digests.syncSchedules()).toBe(3);
    const queue = a.get(QueueRegistry).get(QueueName.Digests).queue;
    let schedulers = await queue.getJobSchedulers();
    expect(schedulers.find((s) => s.key === `digest:${ids['su.songzi']}`)).toMatchObject({ pattern: '0 8 * * *', tz: 'Asia/Shanghai' });
    await digests.updateSettings(ids['su.songzi'], { frequency: 'weekly', weekday: 3, hour: 9 });
    schedulers = await queue.getJobSchedulers();
    expect(schedulers.find((s) => s.key === `digest:${ids['su.songzi']}`)).toMatchObject({ pattern: '0 9 * * 3', tz: 'Asia/Shanghai' });
    await digests.updateSettings(ids['su.songzi'], { frequency: 'off' });
    expect((await queue.getJobSchedulers()).find((s) => s.key === `digest:${ids['su.songzi']}`)).toBeUndefined();
  });

  it('alerts at once on a red card or an R12 repeat in scope, at most once an hour', async () => {
    const digests = a.get(Digests);
    const first = await digests.scanAlerts();
    const alerted = await a.query(`SELECT user_id::text, subject FROM digests WHERE id = ANY($1::bigint[])`, [first]);
    expect(alerted.map((d: { user_id: string }) => d.user_id)).toEqual([ids['su.songzi']]); // 枣强 and 江岸 have none
    expect(alerted[0].subject).toContain('即时预警');
    await lead('421087103', { card: 'red' });
    expect(await digests.scanAlerts()).toEqual([]); // the same hour: no second alert
  });
});
