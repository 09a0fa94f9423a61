import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { RULE_CATALOGUE } from '@sunlight/rules';
import { TEST_PASSWORD, bootApp, cli, freshEnv, login, primaryBackend, startServer, type RunningServer, type TestEnv } from './support/harness.js';

/**
 * Issue 11: what the digest calls a rule, "send now" on the embedded default, a stored batch
 * whose check could not be queued, and the totals of a check run whose worker died.
 */

/** Polls fn until it answers a value, or fails after ms (a bound, not a pace). */
async function until<T>(fn: () => Promise<T | undefined>, ms = 60_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A real SMTP server that keeps what it receives. */
class Inbox {
  readonly messages: ParsedMail[] = [];
  port = 0;
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        this.messages.push(await simpleParser(Buffer.concat(chunks)));
        callback();
      });
    },
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as { port: number }).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function addSupervisor(env: TestEnv, username: string, region: string, email: string): Promise<void> {
  const r = await cli({ ...env, env: { ...env.env, SUNLIGHT_NEW_PASSWORD: TEST_PASSWORD } }, 'users', 'create', username, '--role', 'supervisor', '--region', region, '--email', email);
  if (r.code !== 0) throw new Error(`users create ${username}: ${r.stderr}`);
}

describe(`the digest names rules as the catalogue does (${primaryBackend().name})`, () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name);
  });
  afterAll(async () => env?.cleanup());

  it('previews R08–R11 leads under their catalogue names', async () => {
    await addSupervisor(env, 'su.names', '421087', 'names@jw.example.gov.cn');
    const app = await bootApp(env);
    try {
      for (const [i, rule] of ['R08', 'R09', 'R10', 'R11'].entries()) {
        await app.query(
          `INSERT INTO leads (rule_code, rule_version, severity, lead_key, region_code, amount_at_risk_fen, name, explanation, due_on)
           VALUES ($1, 1, 'low', $2, '421087101', 10000, '张三', '说明', current_date + 10)`,
          [rule, `${rule}|names|${i}`],
        );
      }
    } finally {
      await app.close();
    }
    const preview = await cli(env, 'digest', 'preview', '--user', 'su.names');
    expect(preview.code).toBe(0);
    for (const code of ['R08', 'R09', 'R10', 'R11']) {
      const name = RULE_CATALOGUE.find((r) => r.code === code)!.name.zh;
      expect(preview.stdout).toContain(`${code} ${name}：1 条`);
    }
    // CONTRACT §4, spelled out: the stale copy said 冒名领取 and 户籍已注销.
    expect(preview.stdout).toContain('R10 身份证号无效：1 条');
    expect(preview.stdout).toContain('R11 年龄不符：1 条');
  });
});

describe('"send now" on the embedded default delivers without waiting for shutdown', () => {
  const inbox = new Inbox();
  let env: TestEnv;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    await inbox.start();
    env = await freshEnv('embedded', { SUNLIGHT_SMTP_URL: `smtp://127.0.0.1:${inbox.port}`, SUNLIGHT_INLINE_WORKER: 'true' });
  });
  afterAll(async () => {
    await server?.stop();
    await env?.cleanup();
    await inbox.stop();
  });

  it('POST /api/digests/send reaches status sent while the server runs', async () => {
    await addSupervisor(env, 'su.now', '421087', 'now@jw.example.gov.cn');
    server = await startServer(env);
    const token = await login(server.url, 'su.now');
    const auth = { authorization: `Bearer ${token}` };
    const sent = await fetch(`${server.url}/api/digests/send`, { method: 'POST', headers: auth });
    expect(sent.status).toBe(202);
    const { digestId } = (await sent.json()) as { digestId: string };
    const digest = await until(
      async () => {
        const res = await fetch(`${server!.url}/api/digests/${digestId}`, { headers: auth });
        const body = (await res.json()) as { status: string };
        return ['sent', 'failed'].includes(body.status) ? body : undefined;
      },
      60_000,
      `digest ${digestId} to leave pending`,
    );
    expect(digest.status).toBe('sent');
    expect(inbox.messages.some((m) => JSON.stringify(m.to).includes('now@jw.example.gov.cn'))).toBe(true);
  });
});
