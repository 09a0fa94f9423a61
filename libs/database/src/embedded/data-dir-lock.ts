import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * PGlite keeps its directory to one process. The process that opens it (the owner) writes
 * sunlight.lock with its pid and the socket it serves the database on; any other process of
 * the same user (the CLI while `npm start` runs) connects through that socket, with the
 * credentials beside it (credentials.ts). Readable by its owner only, like the directory.
 */
export interface LockInfo {
  pid: number;
  role: 'server' | 'cli' | 'worker' | 'test';
  /** Port of the multiplexer's socket, once listening (with a Unix socket: its name's number). */
  port?: number;
  /**
   * node-postgres `host` of that socket: a directory (a Unix socket `<host>/.s.PGSQL.<port>`),
   * or the loopback address. Absent in locks of older versions: 127.0.0.1.
   */
  host?: string;
  /** URL of the web console, when the owner serves one. */
  httpUrl?: string;
  /** The owner processes queued jobs (a worker, or a server with its inline worker). */
  consumesJobs?: boolean;
  startedAt: string;
}

export type LockResult = { owner: true; lock: DataDirLock } | { owner: false; info: LockInfo };

export class DataDirLock {
  private constructor(readonly file: string, private info: LockInfo) {}

  static lockFile(dataDir: string): string {
    return path.join(dataDir, 'sunlight.lock');
  }

  /** Takes the lock, or reports the live owner. Stale locks (dead pid) are removed. */
  static acquire(dataDir: string, role: LockInfo['role']): LockResult {
    const file = DataDirLock.lockFile(dataDir);
    for (let attempt = 0; attempt < 5; attempt++) {
      const info: LockInfo = { pid: process.pid, role, startedAt: new Date().toISOString() };
      try {
        const fd = openSync(file, 'wx', 0o600);
        writeSync(fd, JSON.stringify(info));
        closeSync(fd);
        return { owner: true, lock: new DataDirLock(file, info) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const current = DataDirLock.read(dataDir);
      if (current && isAlive(current.pid) && current.pid !== process.pid) return { owner: false, info: current };
      rmSync(file, { force: true }); // stale: its process is gone
    }
    throw new Error(`cannot take the lock ${file}`);
  }

  static read(dataDir: string): LockInfo | undefined {
    try {
      return JSON.parse(readFileSync(DataDirLock.lockFile(dataDir), 'utf8')) as LockInfo;
    } catch {
      return undefined; // missing, or being written this instant
    }
  }

  update(patch: Partial<LockInfo>): void {
    this.info = { ...this.info, ...patch };
    writeFileSync(this.file, JSON.stringify(this.info));
  }

  release(): void {
    const current = DataDirLock.read(path.dirname(this.file));
    if (current?.pid === process.pid) rmSync(this.file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
