import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listenTarget } from '../endpoint.js';
import { credentialsFile, ensureCredentials, readCredentials, secureDataDir } from './credentials.js';

describe('the embedded database credentials and data directory', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), 'creds-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const mode = (file: string) => statSync(file).mode & 0o777;

  it('makes a random password once, readable by its owner only, and keeps it', () => {
    const dir = path.join(root, 'data');
    secureDataDir(dir);
    expect(mode(dir)).toBe(0o700);
    const made = ensureCredentials(dir);
    expect(made.user).toBe('postgres');
    expect(made.password).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    expect(mode(credentialsFile(dir))).toBe(0o600);
    expect(ensureCredentials(dir)).toEqual(made);
    expect(readCredentials(dir)).toEqual(made);
  });

  it('tightens a data directory and a credentials file left open to others', () => {
    const dir = path.join(root, 'data');
    secureDataDir(dir);
    ensureCredentials(dir);
    chmodSync(dir, 0o755);
    chmodSync(credentialsFile(dir), 0o644);
    secureDataDir(dir);
    ensureCredentials(dir);
    expect(mode(dir)).toBe(0o700);
    expect(mode(credentialsFile(dir))).toBe(0o600);
  });

  it('refuses a credentials file that is not one, and a missing one when joining', () => {
    const dir = path.join(root, 'data');
    secureDataDir(dir);
    expect(() => readCredentials(dir)).toThrow(/missing/);
    writeFileSync(credentialsFile(dir), '{"password": "short"}');
    expect(() => ensureCredentials(dir)).toThrow(/not the embedded database's credentials/);
  });

  it('listens on a Unix socket in the data directory when its path fits, else on loopback TCP', () => {
    expect(listenTarget({ dataDir: '/srv/sunlight/data', embeddedDbPort: 0 })).toEqual({ path: '/srv/sunlight/data/.s.PGSQL.5432' });
    expect(listenTarget({ dataDir: `/srv/${'d'.repeat(100)}`, embeddedDbPort: 0 })).toEqual({ port: 0, host: '127.0.0.1' });
    expect(listenTarget({ dataDir: '/srv/sunlight/data', embeddedDbPort: 6543 })).toEqual({ port: 6543, host: '127.0.0.1' });
  });
});
