import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/**
 * End-to-end helpers. Every test gets databases of its own on the real services the run found
 * (test/setup/global-setup.mjs): an embedded PGlite directory copied from a migrated template,
 * or a PostgreSQL database created from a template, with BullMQ on PostgreSQL or on Redis.
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist/apps/cli/src/main.js');
const API = path.join(ROOT, 'dist/apps/api/src/main.js');
export const SAMPLES = path.join(ROOT, 'config/demo');

interface SetupInfo {
  runId: string;
  workDir: string;
  embeddedTemplate: string;
  postgresTemplate: string | null;
  postgres: string | null;
  postgresReason: string | null;
  redis: string | null;
  redisReason: string | null;
}

let setupCache: SetupInfo | undefined;
async function setup(): Promise<SetupInfo> {
  if (!setupCache) {
    const file = process.env.SUNLIGHT_TEST_SETUP;
    if (!file) throw new Error('SUNLIGHT_TEST_SETUP is not set: run the e2e tests through jest (npm test)');
    setupCache = JSON.parse(await readFile(file, 'utf8')) as SetupInfo;
  }
  return setupCache;
}

/** The database and queue combinations a run covers. */
export type BackendName = 'embedded' | 'postgres' | 'postgres+redis';

export interface Backend {
  name: BackendName;
  /** Why it is skipped on this machine, if it is. */
  skip?: string;
}

/** Every backend, with the reason when this machine lacks its services (synchronous: describe blocks need it). */
export function backends(): Backend[] {
  const file = process.env.SUNLIGHT_TEST_SETUP;
  const info: SetupInfo | undefined = file ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
  return [
    { name: 'embedded' },
    { name: 'postgres', skip: info?.postgres ? undefined : `PostgreSQL unavailable: ${info?.postgresReason}` },
    {
      name: 'postgres+redis',
      skip: !info?.postgres ? `PostgreSQL unavailable: ${info?.postgresReason}` : !info?.redis ? `Redis unavailable: ${info?.redisReason}` : undefined,
    },
  ];
}

/** The best backend for tests that need one: native PostgreSQL when there is one (faster). */
export function primaryBackend(): Backend {
  const all = backends();
  return all.find((b) => b.name === 'postgres' && !b.skip) ?? all[0];
}

/** Environment of one isolated Sunlight installation. */
export interface TestEnv {
  backend: BackendName;
  env: Record<string, string>;
  dataDir: string;
  /**
   * Direct SQL on this installation's database (native PostgreSQL only), as the owner role
   * (DATABASE_OWNER_URL, the superuser): what a test sets up or tampers with, the app could not.
   */
  databaseUrl?: string;
  /** The same database as the application's own role (DATABASE_URL). */
  appDatabaseUrl?: string;
  cleanup(): Promise<void>;
}

/**
 * `durableCommits`: commits wait for the disk, as on a production server. Without it a test
 * database commits without waiting (faster); but then VACUUM may not yet mark just-committed rows
 * all-visible, which a test of the visibility map needs.
 */
export async function freshEnv(backend: BackendName, extra: Record<string, string> = {}, options: { durableCommits?: boolean } = {}): Promise<TestEnv> {
  const info = await setup();
  const tag = `${info.runId}_${randomBytes(4).toString('hex')}`;
  const dataDir = await mkdtemp(path.join(info.workDir, 'data-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    // Every process of every test logs here, at debug level; global-teardown then checks that no
    // full ID number or bank account reached a log line.
    LOG_LEVEL: 'debug',
    SUNLIGHT_LOG_FILE: path.join(info.workDir, 'logs', `${tag}.log`),
    SUNLIGHT_DATA_DIR: dataDir,
    SUNLIGHT_DEMO: 'false',
    SUNLIGHT_JWT_SECRET: 'test-secret-for-forging-tokens-in-the-security-suite',
    // New password hashes at OWASP's floor (19 MiB, 2 passes), a fifth of the default's work:
    // the suite signs in hundreds of times on two cores.
    SUNLIGHT_ARGON2_MEMORY_KIB: '19456',
    SUNLIGHT_ARGON2_PASSES: '2',
    ...extra,
  };
  let databaseUrl: string | undefined;
  let appDatabaseUrl: string | undefined;
  if (backend === 'embedded') {
    await rm(dataDir, { recursive: true, force: true });
    await cp(info.embeddedTemplate, dataDir, { recursive: true });
  } else {
    if (!info.postgres || !info.postgresTemplate) throw new Error('no PostgreSQL for this test');
    const admin = new pg.Client({ connectionString: info.postgres });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${tag} TEMPLATE ${info.postgresTemplate}`);
    // A test database need not survive a power cut: commits don't wait for the disk.
    if (!options.durableCommits) await admin.query(`ALTER DATABASE ${tag} SET synchronous_commit = off`);
    // Two roles, as in production: the migrations run as the owner (the superuser), the
    // application as a role of its own that has only what the migrations grant it, so that every
    // PostgreSQL test also proves those grants suffice. Trust auth on 127.0.0.1: no password.
    // Dropped with the database (cleanup), or by global-teardown by its name's prefix.
    await admin.query(`CREATE ROLE ${appRoleOf(tag)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    await admin.end();
    databaseUrl = withDatabase(info.postgres, tag);
    appDatabaseUrl = withUser(databaseUrl, appRoleOf(tag));
    env.DATABASE_URL = appDatabaseUrl;
    env.DATABASE_OWNER_URL = databaseUrl;
    if (backend === 'postgres+redis') {
      env.REDIS_URL = info.redis!;
      env.SUNLIGHT_QUEUE_PREFIX = tag;
    }
  }
  return {
    backend,
    env,
    dataDir,
    databaseUrl,
    appDatabaseUrl,
    cleanup: async () => {
      if (databaseUrl) {
        const admin = new pg.Client({ connectionString: info.postgres! });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${tag} WITH (FORCE)`).catch(() => undefined);
        await admin.query(`DROP ROLE IF EXISTS ${appRoleOf(tag)}`).catch(() => undefined);
        await admin.end();
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A copy of an installation as it stands: its data directory (audit key, checkpoints, the
 * embedded database) copied, its PostgreSQL database created from it as a template, a queue
 * prefix and log file of its own. For tests that each need the same prepared state: prepare it
 * once with real flows, then clone it per test instead of repeating the flows. No process may
 * be using the source (PostgreSQL refuses a template with sessions; PGlite's files must be at
 * rest). The clone uses the source's application role (its grants are the source's); the
 * source's cleanup, or global-teardown, drops that role. Jobs waiting in Redis are not copied
 * (a queue on PostgreSQL is, with its database).
 */
export async function cloneEnv(source: TestEnv): Promise<TestEnv> {
  const info = await setup();
  const tag = `${info.runId}_${randomBytes(4).toString('hex')}`;
  const dataDir = await mkdtemp(path.join(info.workDir, 'data-'));
  await rm(dataDir, { recursive: true, force: true });
  await cp(source.dataDir, dataDir, { recursive: true });
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source.env)) env[key] = value.split(source.dataDir).join(dataDir);
  env.SUNLIGHT_LOG_FILE = path.join(info.workDir, 'logs', `${tag}.log`);
  let databaseUrl: string | undefined;
  let appDatabaseUrl: string | undefined;
  if (source.databaseUrl) {
    const sourceDb = new URL(source.databaseUrl).pathname.slice(1);
    const admin = new pg.Client({ connectionString: info.postgres! });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${tag} TEMPLATE ${sourceDb}`);
      await admin.query(`ALTER DATABASE ${tag} SET synchronous_commit = off`);
    } finally {
      await admin.end();
    }
    databaseUrl = withDatabase(source.databaseUrl, tag);
    appDatabaseUrl = withDatabase(source.appDatabaseUrl!, tag);
    env.DATABASE_URL = appDatabaseUrl;
    env.DATABASE_OWNER_URL = databaseUrl;
    if (env.SUNLIGHT_QUEUE_PREFIX) env.SUNLIGHT_QUEUE_PREFIX = tag;
  }
  return {
    backend: source.backend,
    env,
    dataDir,
    databaseUrl,
    appDatabaseUrl,
    cleanup: async () => {
      if (databaseUrl) {
        const admin = new pg.Client({ connectionString: info.postgres! });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${tag} WITH (FORCE)`).catch(() => undefined);
        await admin.end();
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * node-postgres settings for the embedded database served by a running process of this
 * installation (the socket from its lock file, the password from the data directory), as the
 * CLI joins it.
 */
export async function embeddedDatabase(env: TestEnv): Promise<pg.ClientConfig> {
  const lock = JSON.parse(await readFile(path.join(env.dataDir, 'sunlight.lock'), 'utf8')) as { host?: string; port: number };
  const credentials = JSON.parse(await readFile(path.join(env.dataDir, 'db-credentials.json'), 'utf8')) as { user: string; password: string };
  return { host: lock.host ?? '127.0.0.1', port: lock.port, user: credentials.user, password: credentials.password, database: 'postgres' };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function withUser(url: string, user: string, password = ''): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

/** The application's role of a test database (global-teardown drops roles by the run's prefix). */
function appRoleOf(tag: string): string {
  return `${tag}_app`;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The last stdout line, parsed (the command's result). */
  json: any;
}

/** Runs `npm run cli -- …` the way an operator does (the built CLI, a process of its own). */
export function cli(env: TestEnv, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: env.env, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      let json: unknown;
      try {
        json = last ? JSON.parse(last) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
  });
}

export interface RunningServer {
  url: string;
  process: ChildProcess;
  output(): string;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `npm start`'s process and waits until it serves. */
export function startServer(env: TestEnv, extra: Record<string, string> = {}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [API], { env: { ...env.env, PORT: '0', ...extra }, cwd: ROOT });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 90_000);
    const onData = (d: Buffer) => {
      output += d;
      const match = /ready at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1],
          process: child,
          output: () => output,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done(child.exitCode);
              child.once('exit', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

/** Runs a process to its end (for start-up failures). */
export function runToExit(script: 'api' | 'cli', env: Record<string, string>, args: string[] = [], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script === 'api' ? API : CLI, ...args], { env, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`did not exit within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Polls `fn` until it answers something; fails when `timeoutMs` passes first. */
export async function until<T>(fn: () => Promise<T | undefined>, timeoutMs = 60_000, what = 'the condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Parses JSON lines. */
export function jsonLines(text: string): any[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

/** A Sunlight application in this process (the CLI's modules), for tests that call use cases. */
export interface TestApp {
  app: import('@nestjs/common').INestApplicationContext;
  get<T>(type: import('@nestjs/common').Type<T> | string | symbol): T;
  /** SQL on the installation's database. */
  query<T = any>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function bootApp(
  env: TestEnv,
  options: { clock?: import('@sunlight/common').Clock; modules?: any[]; override?: [token: unknown, value: unknown][] } = {},
): Promise<TestApp> {
  const { Test } = await import('@nestjs/testing');
  const { openInfrastructure, CoreModule } = await import('@sunlight/runtime');
  const { CliModule } = await import('../../apps/cli/src/cli.module.js');
  const { DataSource } = await import('typeorm');
  const infra = await openInfrastructure('test', undefined, { ...env.env });
  const root = CliModule.register(infra);
  if (options.clock) root.imports = [CoreModule.register(infra, { logTo: 2, clock: options.clock }), ...(root.imports ?? []).slice(1)];
  if (options.modules) root.imports = [...(root.imports ?? []), ...options.modules];
  let builder = Test.createTestingModule({ imports: [root] });
  for (const [token, value] of options.override ?? []) builder = builder.overrideProvider(token as never).useValue(value);
  let app: import('@nestjs/testing').TestingModule;
  try {
    app = await builder.compile();
    app.useLogger(['error']);
    await app.init();
  } catch (err) {
    // Let go of the database (an embedded one's directory lock) for the server a test starts next.
    await infra.database.close();
    throw err;
  }
  const dataSource = app.get(DataSource);
  return {
    app,
    get: (type) => app.get(type as never),
    query: (sql, params) => dataSource.query(sql, params),
    close: async () => {
      try {
        await app.close();
      } finally {
        await infra.database.close();
      }
    },
  };
}

export const TEST_PASSWORD = 'Test-password-2024';

/** Creates an account with the CLI (as an operator does); its password is TEST_PASSWORD. */
export async function createUser(env: TestEnv, username: string, role: string, region = ''): Promise<void> {
  const args = ['users', 'create', username, '--role', role, ...(region ? ['--region', region] : [])];
  const result = await cli({ ...env, env: { ...env.env, SUNLIGHT_NEW_PASSWORD: TEST_PASSWORD } }, ...args);
  if (result.code !== 0) throw new Error(`users create ${username}: ${result.stderr}`);
}

/**
 * Creates several accounts in one application started in this process, each as `users create`
 * does (the same use case, audited alike), with TEST_PASSWORD. For a test's cast of users: one
 * start instead of a CLI process per account (each some 4 s of a busy CI machine). Tests of the
 * command itself, or of what its process leaves (checkpoints), use createUser.
 */
export async function createUsers(env: TestEnv, users: [username: string, role: string, region: string][]): Promise<void> {
  const { CreateUser, CreateUserCommand } = await import('@sunlight/accounts');
  const app = await bootApp(env);
  try {
    for (const [username, role, region] of users) await app.get(CreateUser).execute(new CreateUserCommand(username, username, role, region, TEST_PASSWORD, null));
  } finally {
    await app.close();
  }
}

/** Signs in through the API; answers the access token. */
export async function login(url: string, username: string, password = TEST_PASSWORD): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const body = (await res.json()) as { accessToken?: string; message?: string };
  if (!res.ok || !body.accessToken) throw new Error(`login ${username}: ${res.status} ${body.message}`);
  return body.accessToken;
}

export interface ApiAnswer {
  status: number;
  text: string;
  json: any;
  headers: Headers;
}

/**
 * Calls a running server's API as the console does: a bearer token, a JSON or multipart body,
 * the answer parsed when it is JSON. `baseUrl` is read at each call (servers start in beforeAll).
 */
export function apiClient(baseUrl: () => string) {
  return async (method: string, url: string, token?: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<ApiAnswer> => {
    const isForm = body instanceof FormData;
    const res = await fetch(`${baseUrl()}${url}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}), ...extraHeaders },
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json, headers: res.headers };
  };
}
