import { chmod, readFile, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { cli, createUser, freshEnv, startServer, type RunningServer, type TestEnv } from './support/harness.js';

/**
 * Issue 12: the embedded database's socket gave any local user who connected, under any user
 * name, the rights of the database's superuser (app_meta's JWT secret, full ID numbers, the
 * audit trail). Now it asks for the password kept in the data directory, readable by its owner.
 */
describe('the embedded database socket refuses clients without the credentials (embedded)', () => {
  let env: TestEnv;
  let server: RunningServer;
  let socket: { host: string; port: number };

  const lockFile = () => path.join(env.dataDir, 'sunlight.lock');
  const credentialsFile = () => path.join(env.dataDir, 'db-credentials.json');
  const attempt = async (options: pg.ClientConfig) => {
    const client = new pg.Client({ ...socket, database: 'postgres', connectionTimeoutMillis: 10_000, ...options });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return 'connected';
    } catch (err) {
      return err as Error & { code?: string };
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  beforeAll(async () => {
    env = await freshEnv('embedded');
    await createUser(env, 'auditor.wang', 'admin');
    // A directory and credentials left readable to others (an older version, a careless copy)
    // are tightened at start.
    await chmod(env.dataDir, 0o755);
    await chmod(credentialsFile(), 0o644).catch(() => undefined);
    server = await startServer(env);
    const lock = JSON.parse(await readFile(lockFile(), 'utf8')) as { host?: string; port: number };
    socket = { host: lock.host ?? '127.0.0.1', port: lock.port };
  });
  afterAll(async () => {
    await server?.stop();
    await env?.cleanup();
  });

  it('refuses a wrong password, no password and another user name, with SQLSTATE 28P01', async () => {
    const wrong = await attempt({ user: 'postgres', password: 'guessed-password' });
    expect(wrong).toMatchObject({ code: '28P01' });
    expect((wrong as Error).message).toContain('密码认证失败');
    const { password } = JSON.parse(await readFile(credentialsFile(), 'utf8')) as { password: string };
    expect(await attempt({ user: 'mallory', password })).toMatchObject({ code: '28P01' });
    // node-postgres gives up by itself when asked for a password it does not have…
    expect(await attempt({ user: 'postgres', password: undefined })).toBeInstanceOf(Error);
    // …and a client that sends a query instead of authenticating is answered 28P01, the query unrun.
    const reply = await rawExchange(socket, Buffer.concat([startupMessage('postgres'), queryMessage(`UPDATE app_meta SET value = 'x'`)]));
    expect(reply.toString('latin1')).toContain('C28P01');
    expect(reply.toString('latin1')).not.toContain('UPDATE');
    // The credentials from the data directory are let in (the refusals above are not a dead socket).
    expect(await attempt({ user: 'postgres', password })).toBe('connected');
  });

  it('keeps the credentials and the lock readable by their owner only, in a 0700 data directory', async () => {
    expect((await stat(env.dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(credentialsFile())).mode & 0o777).toBe(0o600);
    expect((await stat(lockFile())).mode & 0o777).toBe(0o600);
    // Its path is short enough here: a Unix socket inside that directory, not a TCP port.
    expect(socket.host).toBe(env.dataDir);
    expect((await stat(path.join(env.dataDir, `.s.PGSQL.${socket.port}`))).isSocket()).toBe(true);
  });

  it('lets the CLI join the running server with the credentials', async () => {
    const verified = await cli(env, 'audit', 'verify');
    expect(verified.stderr).not.toContain('28P01');
    expect(verified.code).toBe(0);
    const users = await cli(env, 'users', 'list');
    expect(users.code).toBe(0);
    expect(users.json).toEqual({ users: 1 });
    expect(users.stderr).toContain('auditor.wang');
    expect(server.process.exitCode).toBeNull(); // joined, not waited for the server to end
  });
});

function int32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}

function startupMessage(user: string): Buffer {
  const params = Buffer.from(`user\0${user}\0database\0postgres\0\0`);
  return Buffer.concat([int32(8 + params.length), int32(196608), params]);
}

function queryMessage(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`);
  return Buffer.concat([Buffer.from('Q'), int32(4 + text.length), text]);
}

/** Sends bytes to the socket from the lock file and collects the answer until the server closes. */
function rawExchange(socket: { host: string; port: number }, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const target = socket.host.startsWith('/') ? { path: path.join(socket.host, `.s.PGSQL.${socket.port}`) } : { host: socket.host, port: socket.port };
    const s = net.connect(target, () => s.write(bytes));
    s.on('data', (d) => chunks.push(d));
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(chunks)));
    // A server that answers and keeps the connection open (as an unauthenticated one did) is
    // read for a while, then left.
    s.setTimeout(3000, () => s.end());
  });
}
