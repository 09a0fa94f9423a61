import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OUT = path.join(ROOT, 'bench', 'out');
mkdirSync(OUT, { recursive: true });
const run = promisify(execFile);

/** The native PostgreSQL the benchmarks need: DATABASE_URL, or 127.0.0.1:5432. */
export async function nativePostgres(): Promise<string | undefined> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const up = await new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: 5432 });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
  return up ? 'postgres://postgres@127.0.0.1:5432/postgres' : undefined;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function admin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A migrated template database; each measurement copies it. */
export async function templateDatabase(url: string, name: string): Promise<void> {
  await admin(url, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  await run(process.execPath, [path.join(ROOT, 'dist/apps/cli/src/main.js'), 'db', 'migrate'], { env: { ...process.env, DATABASE_URL: withDatabase(url, name), LOG_LEVEL: 'warn' } });
}

export async function freshDatabase(url: string, template: string, name: string): Promise<string> {
  await admin(url, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  });
  return withDatabase(url, name);
}

export async function dropDatabase(url: string, name: string): Promise<void> {
  await admin(url, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Runs a bench worker script in a process of its own; answers the JSON it prints last. */
export function child<T>(script: string, args: string[], env: Record<string, string | undefined>): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [path.join(ROOT, 'dist/bench', script), ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} failed (${code}):\n${err}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!));
    });
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * The CPU seconds this machine has spent since it started, every process's (Linux's /proc/stat:
 * user, nice, system, irq and softirq time, in its fixed 100 ticks a second; undefined
 * elsewhere). The difference around a measurement on a quiet machine is the work of everything
 * it ran: a command's, PostgreSQL's for it, and psql's.
 */
export function machineCpuSeconds(): number | undefined {
  try {
    const [, user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    return (user + nice + system + irq + softirq) / 100;
  } catch {
    return undefined;
  }
}

/** The machine's CPU seconds since `before` (a machineCpuSeconds reading); undefined off Linux. */
export function machineCpuSince(before: number | undefined): number | undefined {
  const now = machineCpuSeconds();
  return before === undefined || now === undefined ? undefined : now - before;
}

export function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The API as deployed against native PostgreSQL and Redis, its own process: no demo, no inline
 * worker (the card sweep must not run under the measurement), log lines as in production (info)
 * to a file, logins not rate limited below the 21 of the run. `processes`: SUNLIGHT_API_PROCESSES
 * (the returned process is then the cluster's primary).
 */
export function startApi({ databaseUrl, redisUrl, port, logFile, queuePrefix, processes = 1 }: { databaseUrl: string; redisUrl?: string; port: number; logFile: string; queuePrefix: string; processes?: number }): ChildProcess {
  const log = openSync(logFile, 'w');
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    SUNLIGHT_DEMO: 'false',
    SUNLIGHT_INLINE_WORKER: 'false',
    SUNLIGHT_QUEUE_PREFIX: queuePrefix,
    SUNLIGHT_JWT_SECRET: randomBytes(32).toString('base64url'),
    SUNLIGHT_LOGIN_RATE: '1000',
    SUNLIGHT_API_PROCESSES: String(processes),
    SUNLIGHT_LOG_FILE: undefined,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const proc = spawn(process.execPath, [path.join(ROOT, 'dist/apps/api/src/main.js')], { env, stdio: ['ignore', log, log] });
  closeSync(log);
  return proc;
}

export async function waitForHealth(baseUrl: string, api: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (api.exitCode !== null) throw new Error(`the API exited (${api.exitCode}); see the log in bench/out`);
    const ok = await fetch(`${baseUrl}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the API did not answer /health within ${timeoutMs / 1000} s`);
}

export async function stopApi(api: ChildProcess): Promise<void> {
  if (api.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => api.once('exit', () => resolve()));
  api.kill('SIGTERM');
  const timer = setTimeout(() => api.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
