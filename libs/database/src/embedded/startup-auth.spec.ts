import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { SessionMultiplexer } from './session-multiplexer.js';

/** The embedded database's socket admits only clients that prove they know the password. */
describe('authentication at the session multiplexer', () => {
  const PASSWORD = 'the-right-password-0123456789abcdef';
  let db: PGlite;
  let tcp: SessionMultiplexer;
  let unix: SessionMultiplexer;
  let port: number;
  let dir: string;
  const open: pg.Client[] = [];

  const client = async (options: pg.ClientConfig) => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', ...options });
    c.on('error', () => undefined);
    open.push(c);
    await c.connect();
    return c;
  };
  const refusal = (options: pg.ClientConfig) => client(options).then(() => undefined, (err: Error & { code?: string }) => err);

  beforeAll(async () => {
    db = await PGlite.create();
    tcp = new SessionMultiplexer(db, { user: 'postgres', password: PASSWORD });
    port = await tcp.listen({ port: 0 });
    dir = mkdtempSync(path.join(os.tmpdir(), 'mux-auth-'));
    unix = new SessionMultiplexer(db, { user: 'postgres', password: PASSWORD });
    await unix.listen({ path: path.join(dir, '.s.PGSQL.5432') });
  });
  afterAll(async () => {
    for (const c of open) await c.end().catch(() => undefined);
    await tcp.close();
    await unix.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a client with the password, over TCP and over the Unix socket', async () => {
    const overTcp = await client({ password: PASSWORD });
    expect((await overTcp.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    const overUnix = await client({ host: dir, port: 5432, password: PASSWORD });
    expect((await overUnix.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    expect(statSync(path.join(dir, '.s.PGSQL.5432')).mode & 0o777).toBe(0o600);
  });

  it('refuses a wrong password and another user name with 28P01, in Chinese and English', async () => {
    const wrong = await refusal({ password: 'not-the-password' });
    expect(wrong).toMatchObject({ code: '28P01', message: '用户 "postgres" 密码认证失败 (password authentication failed for user "postgres")' });
    const otherUser = await refusal({ user: 'intruder', password: PASSWORD });
    expect(otherUser).toMatchObject({ code: '28P01' });
    expect((await refusal({ host: dir, port: 5432, password: 'not-the-password' }))?.code).toBe('28P01');
  });

  it('answers a client that skips authentication with 28P01 and never runs what it sent', async () => {
    // StartupMessage, then a query instead of the SCRAM messages.
    const reply = await raw(port, Buffer.concat([startupMessage('postgres'), query('CREATE TABLE intruder (x int)')]));
    const messages = parse(reply);
    expect(messages.map((m) => m.type)).toEqual(['R', 'E']);
    expect(messages[1].body.toString()).toContain('C28P01');
    const admin = await client({ password: PASSWORD });
    expect((await admin.query(`SELECT to_regclass('intruder') AS t`)).rows).toEqual([{ t: null }]);
    // node-postgres without a password gives up before answering.
    expect(await refusal({ password: undefined })).toBeInstanceOf(Error);
  });

  it('declines encryption with N, drops cancel requests, and refuses a start-up packet of a silly length', async () => {
    const ssl = int32s(8, 80877103);
    const gss = int32s(8, 80877104);
    const declined = await raw(port, Buffer.concat([gss, ssl, startupMessage('postgres'), terminate()]));
    expect(declined.subarray(0, 2).toString()).toBe('NN');
    expect(parse(declined.subarray(2)).map((m) => m.type)).toEqual(['R']); // then asks for the password
    const busy = await client({ password: PASSWORD });
    const cancel = await raw(port, int32s(16, 80877102, 42, 42));
    expect(cancel.length).toBe(0);
    expect((await busy.query('SELECT 3 AS three')).rows).toEqual([{ three: 3 }]);
    const huge = parse(await raw(port, int32s(1 << 30, 196608)));
    expect(huge.map((m) => m.type)).toEqual(['E']);
    expect(huge[0].body.toString()).toContain('C08P01');
  });
});

function int32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeInt32BE(v, i * 4));
  return b;
}

function startupMessage(user: string): Buffer {
  const params = Buffer.from(`user\0${user}\0database\0postgres\0\0`);
  return Buffer.concat([int32s(8 + params.length, 196608), params]);
}

function query(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`);
  return Buffer.concat([Buffer.from('Q'), int32s(4 + text.length), text]);
}

function terminate(): Buffer {
  return Buffer.concat([Buffer.from('X'), int32s(4)]);
}

/** Sends bytes and collects everything the server answers until it closes (or goes quiet). */
function raw(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = netConnect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    // A server that keeps the connection open after answering: end our side after a while.
    socket.setTimeout(2000, () => socket.end());
  });
}

function parse(bytes: Buffer): { type: string; body: Buffer }[] {
  const out: { type: string; body: Buffer }[] = [];
  for (let at = 0; at + 5 <= bytes.length; ) {
    const end = at + 1 + bytes.readInt32BE(at + 1);
    out.push({ type: String.fromCharCode(bytes[at]), body: bytes.subarray(at + 5, end) });
    at = end;
  }
  return out;
}
