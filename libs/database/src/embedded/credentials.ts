import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * The password of the embedded database's socket. The process that hosts PGlite serves it to
 * other processes of this user (the CLI while `npm start` runs); without a password, any local
 * user who reached the socket was the database's superuser (app_meta's JWT secret, full ID
 * numbers, the audit trail). Generated at first start and kept in the data directory, readable
 * by its owner only.
 */
export interface EmbeddedCredentials {
  user: string;
  password: string;
}

/** PGlite's only role; the multiplexer refuses any other user name. */
export const EMBEDDED_USER = 'postgres';

export function credentialsFile(dataDir: string): string {
  return path.join(dataDir, 'db-credentials.json');
}

/**
 * Creates the data directory readable by its owner only (0700), and tightens an existing one
 * that belongs to this user: everything in it (the database files, the credentials, uploads)
 * is then out of other local users' reach, whatever the files' own modes.
 */
export function secureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const stat = statSync(dataDir);
  const ours = typeof process.getuid !== 'function' || stat.uid === process.getuid();
  if (ours && (stat.mode & 0o077) !== 0) chmodSync(dataDir, stat.mode & 0o700);
}

/** The owner's side: reads the credentials, or creates them at first start. */
export function ensureCredentials(dataDir: string): EmbeddedCredentials {
  const file = credentialsFile(dataDir);
  const existing = readIfPresent(file);
  if (existing) {
    tighten(file);
    return existing;
  }
  const credentials: EmbeddedCredentials = { user: EMBEDDED_USER, password: randomBytes(32).toString('base64url') };
  // 'wx' with mode 0600: created readable by this user only, never over another file.
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(credentials)}\n`);
  } finally {
    closeSync(fd);
  }
  return credentials;
}

/** A joining process's side (the CLI while the server runs). */
export function readCredentials(dataDir: string): EmbeddedCredentials {
  const file = credentialsFile(dataDir);
  const credentials = readIfPresent(file);
  if (!credentials) throw new Error(`${file} is missing`);
  return credentials;
}

function readIfPresent(file: string): EmbeddedCredentials | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<EmbeddedCredentials>;
  if (typeof parsed.user !== 'string' || typeof parsed.password !== 'string' || parsed.password.length < 16) {
    throw new Error(`${file} is not the embedded database's credentials (expected {"user": …, "password": …}); remove it to have new ones made`);
  }
  return { user: parsed.user, password: parsed.password };
}

/** A file copied or restored with a looser mode is put back to 0600. */
function tighten(file: string): void {
  const stat = statSync(file);
  const ours = typeof process.getuid !== 'function' || stat.uid === process.getuid();
  if (ours && (stat.mode & 0o077) !== 0) chmodSync(file, 0o600);
}
