import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { sweepBulkFiles } from './bulk-loader.js';
import { StartupError } from '@sunlight/common';
import { redactUrl, type AppConfig } from '@sunlight/config';
import { credentialsFile, ensureCredentials, readCredentials, secureDataDir, type EmbeddedCredentials } from './embedded/credentials.js';
import { DataDirLock, type LockInfo } from './embedded/data-dir-lock.js';
import { SessionMultiplexer, type ListenTarget } from './embedded/session-multiplexer.js';

// DATE columns stay 'YYYY-MM-DD' strings: a JS Date would shift them by the process time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

/** Where the application database is, and how this process reaches it. */
export interface DatabaseEndpoint {
  kind: 'postgres' | 'embedded';
  /** node-postgres settings for TypeORM, BullMQ's PostgreSQL backend and plain clients. */
  connection: pg.PoolConfig;
  /**
   * Native PostgreSQL with DATABASE_OWNER_URL naming another URL than DATABASE_URL: the
   * connection the migrations run on (briefly, at start-up). Absent: they run on `connection`.
   */
  ownerConnection?: pg.PoolConfig;
  /** For logs and banners; no password. */
  description: string;
  /**
   * Embedded only: the database server reads COPY files from its own data directory, so a
   * file written to hostDir is read as serverDir/<name>. Native PostgreSQL uses COPY FROM STDIN.
   */
  bulkFiles?: { hostDir: string; serverDir: string };
  /** True when this process hosts the embedded database (and must close it last). */
  owner: boolean;
  /** The owner writes its web console URL here so that other processes can print it. */
  announce(info: Partial<LockInfo>): void;
  /**
   * Embedded, joined through the owner's socket: does the owner process queued jobs? (Through
   * one multiplexed session, BullMQ cannot count workers by their connections.)
   */
  ownerConsumesJobs?: () => boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  role: LockInfo['role'];
  /** How long to wait for another process holding the embedded database (ms). */
  waitForOwnerMs?: number;
  log?: (line: string) => void;
}

const EMBEDDED_SERVER_DIR = '/pglite/data';

export async function openDatabase(config: AppConfig, options: OpenOptions): Promise<DatabaseEndpoint> {
  return config.databaseUrl ? openNative(config.databaseUrl, config.databaseOwnerUrl, config.dbPoolSize) : openEmbedded(config, options);
}

async function openNative(url: string, ownerUrl: string | undefined, poolSize: number): Promise<DatabaseEndpoint> {
  const connection: pg.PoolConfig = { connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000 };
  await probe(connection, `PostgreSQL at ${redactUrl(url)} (DATABASE_URL)`);
  let ownerConnection: pg.PoolConfig | undefined;
  if (ownerUrl && ownerUrl !== url) {
    // Two: migrate() holds the advisory lock on one while the migrations run on the other.
    ownerConnection = { connectionString: ownerUrl, max: 2, connectionTimeoutMillis: 10_000 };
    await probe(ownerConnection, `PostgreSQL at ${redactUrl(ownerUrl)} (DATABASE_OWNER_URL)`);
  }
  return {
    kind: 'postgres',
    connection,
    ownerConnection,
    description: `PostgreSQL ${redactUrl(url)}`,
    owner: false,
    announce: () => undefined,
    close: async () => undefined,
  };
}

async function openEmbedded(config: AppConfig, options: OpenOptions): Promise<DatabaseEndpoint> {
  const dataDir = config.dataDir;
  try {
    secureDataDir(dataDir);
  } catch (err) {
    throw new StartupError(`cannot create the data directory ${dataDir} (SUNLIGHT_DATA_DIR): ${(err as Error).message}`);
  }
  const deadline = Date.now() + (options.waitForOwnerMs ?? 120_000);
  let waitingSaid = false;
  for (;;) {
    const result = DataDirLock.acquire(dataDir, options.role);
    if (result.owner) return hostEmbedded(config, result.lock, options);
    const owner = result.info;
    // A server or worker shares its database through its socket; a CLI run is waited for
    // instead, since it closes the database when it ends.
    if ((owner.role === 'server' || owner.role === 'worker') && owner.port) {
      if (options.role === owner.role) {
        throw new StartupError(`Sunlight (${owner.role}) is already running on ${dataDir} (pid ${owner.pid}${owner.httpUrl ? `, ${owner.httpUrl}` : ''}); stop it first or set SUNLIGHT_DATA_DIR`);
      }
      return joinEmbedded(dataDir, owner, config.dbPoolSize);
    }
    if (Date.now() > deadline) {
      throw new StartupError(`the embedded database in ${dataDir} is held by pid ${owner.pid} (${owner.role}); try again when it has finished`);
    }
    if (!waitingSaid) {
      options.log?.(`waiting for pid ${owner.pid} (${owner.role}) to finish with ${dataDir} …`);
      waitingSaid = true;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function hostEmbedded(config: AppConfig, lock: DataDirLock, options: OpenOptions): Promise<DatabaseEndpoint> {
  const pgdata = path.join(config.dataDir, 'pgdata');
  let credentials: EmbeddedCredentials;
  try {
    credentials = ensureCredentials(config.dataDir);
  } catch (err) {
    lock.release();
    throw new StartupError(`cannot read or create the embedded database's credentials ${credentialsFile(config.dataDir)}: ${(err as Error).message}`);
  }
  let db: PGlite;
  let server: SessionMultiplexer;
  const target = listenTarget(config);
  let socket: { host: string; port: number };
  try {
    // Loaded only by the process that owns an embedded database: the others never need it.
    const { PGlite } = await import('@electric-sql/pglite');
    db = await PGlite.create(pgdata);
  } catch (err) {
    lock.release();
    throw new StartupError(`cannot open the embedded database in ${pgdata}: ${(err as Error).message}`);
  }
  try {
    // One session behind a multiplexer: every pool connection queues on it, once authenticated.
    server = new SessionMultiplexer(db, credentials);
    const port = await server.listen(target);
    socket = 'path' in target ? { host: config.dataDir, port: UNIX_SOCKET_NUMBER } : { host: '127.0.0.1', port };
  } catch (err) {
    await db.close().catch(() => undefined);
    lock.release();
    const reason = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' && !('path' in target) ? `port ${config.embeddedDbPort} is in use (SUNLIGHT_EMBEDDED_DB_PORT)` : (err as Error).message;
    throw new StartupError(`cannot serve the embedded database: ${reason}`);
  }
  lock.update(socket);
  const hostDir = path.join(pgdata, 'import');
  mkdirSync(hostDir, { recursive: true });
  // Whoever opens the database clears what killed loads left (their processes are gone).
  await sweepBulkFiles(hostDir).catch(() => undefined);
  let closed = false;
  return {
    kind: 'embedded',
    connection: embeddedConnection(socket, credentials, config.dbPoolSize),
    description: `embedded PGlite ${pgdata} (served on ${describeSocket(socket)})`,
    bulkFiles: { hostDir, serverDir: `${EMBEDDED_SERVER_DIR}/import` },
    owner: true,
    announce: (info) => lock.update(info),
    close: async () => {
      if (closed) return;
      closed = true;
      await server.close().catch(() => undefined);
      await db.close().catch(() => undefined);
      lock.release();
    },
  };
}

async function joinEmbedded(dataDir: string, owner: LockInfo, poolSize: number): Promise<DatabaseEndpoint> {
  let credentials: EmbeddedCredentials;
  try {
    credentials = readCredentials(dataDir);
  } catch (err) {
    throw new StartupError(`cannot read the embedded database's credentials ${credentialsFile(dataDir)} (run as the user who owns ${dataDir}): ${(err as Error).message}`);
  }
  const socket = { host: owner.host ?? '127.0.0.1', port: owner.port! };
  const connection = embeddedConnection(socket, credentials, poolSize);
  await probe(connection, `the embedded database served by pid ${owner.pid} on ${describeSocket(socket)}`);
  return {
    kind: 'embedded',
    connection,
    description: `embedded PGlite ${path.join(dataDir, 'pgdata')} via pid ${owner.pid}`,
    bulkFiles: { hostDir: path.join(dataDir, 'pgdata', 'import'), serverDir: `${EMBEDDED_SERVER_DIR}/import` },
    owner: false,
    ownerConsumesJobs: () => DataDirLock.read(dataDir)?.consumesJobs === true,
    announce: () => undefined,
    close: async () => undefined,
  };
}

/** The number in the Unix socket's name (`.s.PGSQL.<n>`): PostgreSQL's port, as psql expects. */
const UNIX_SOCKET_NUMBER = 5432;
/** sun_path holds 108 bytes on Linux (104 on macOS), the terminating NUL included. */
const MAX_UNIX_SOCKET_PATH = 103;

/**
 * A Unix socket in the data directory when its path fits and the platform has them: only this
 * user can reach it (the directory is 0700), where any local user can reach a loopback port.
 * It costs nothing: `npm run bench -- socket` measured round trips through the multiplexer
 * about 5% faster than over loopback TCP and connections about 15% faster (PGlite's own work
 * dominates both). Loopback TCP otherwise, or when SUNLIGHT_EMBEDDED_DB_PORT names a port.
 * Either way the password is required.
 */
export function listenTarget(config: Pick<AppConfig, 'dataDir' | 'embeddedDbPort'>): ListenTarget {
  const socketPath = path.join(config.dataDir, `.s.PGSQL.${UNIX_SOCKET_NUMBER}`);
  const unixFits = process.platform !== 'win32' && path.isAbsolute(config.dataDir) && Buffer.byteLength(socketPath) <= MAX_UNIX_SOCKET_PATH;
  if (config.embeddedDbPort === 0 && unixFits) return { path: socketPath };
  return { port: config.embeddedDbPort, host: '127.0.0.1' };
}

function describeSocket(socket: { host: string; port: number }): string {
  return socket.host.startsWith('/') ? path.join(socket.host, `.s.PGSQL.${socket.port}`) : `${socket.host}:${socket.port}`;
}

function embeddedConnection(socket: { host: string; port: number }, credentials: EmbeddedCredentials, poolSize: number): pg.PoolConfig {
  return { ...socket, user: credentials.user, password: credentials.password, database: 'postgres', max: poolSize, connectionTimeoutMillis: 30_000 };
}

/** Connects once so that an unreachable database is one clear line at start-up. */
async function probe(connection: pg.PoolConfig, what: string): Promise<void> {
  const client = new pg.Client({ ...connection, connectionTimeoutMillis: Math.min(connection.connectionTimeoutMillis ?? 10_000, 10_000) });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new StartupError(`cannot reach ${what}: ${describePgError(err)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function describePgError(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { errors?: Error[] };
  if (e?.code === 'ECONNREFUSED') return 'connection refused';
  if (e?.code === 'ENOTFOUND') return 'unknown host';
  if (e?.code === 'ETIMEDOUT' || /timeout/i.test(e?.message ?? '')) return 'timed out';
  if (e?.errors?.length) return describePgError(e.errors[0]);
  return e?.message || String(err);
}
