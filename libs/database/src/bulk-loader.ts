import { randomUUID } from 'node:crypto';
import { copyFile, readdir, rm, stat } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import path from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { currentProcess, isLiveProcess } from '@sunlight/common';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { DATABASE_ENDPOINT } from './tokens.js';
import type { DatabaseEndpoint } from './endpoint.js';

export interface CopyCsvOptions {
  /** Target table and the columns the CSV fields go to, in order. */
  table: string;
  columns: string[];
  /** A file on this machine, or a stream of CSV text. */
  source: string | Readable;
  /** Skip the first line (the header row). */
  header: boolean;
  /** A stream the bytes pass through on their way (hashing, checking); its error aborts the load. */
  through?: Transform;
}

/**
 * Bulk loads CSV with PostgreSQL's own COPY parser, the fastest path into the database.
 * Native PostgreSQL: COPY FROM STDIN (pg-copy-streams). Embedded PGlite: its socket cannot
 * carry COPY FROM STDIN, so the file goes into the database's data directory and the server
 * reads it with COPY FROM '<file>', which works from any process on this machine. That copy is
 * removed when the load ends, however it ends; one left by a killed process is swept (its name
 * says whose it is).
 */
@Injectable()
export class BulkLoader {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(DATABASE_ENDPOINT) private readonly endpoint: DatabaseEndpoint,
  ) {}

  /** Returns the number of rows loaded. */
  async copyCsv(options: CopyCsvOptions): Promise<number> {
    const columns = options.columns.map(quoteIdent).join(', ');
    const settings = `FORMAT csv, HEADER ${options.header ? 'true' : 'false'}, ENCODING 'UTF8'`;
    const pool = this.pool();
    if (!this.endpoint.bulkFiles) {
      const client = await pool.connect();
      try {
        const copy = client.query(copyStreams.from(`COPY ${options.table} (${columns}) FROM STDIN WITH (${settings})`));
        const source = typeof options.source === 'string' ? createReadStream(options.source, { highWaterMark: 1 << 20 }) : options.source;
        await (options.through ? pipeline(source, options.through, copy) : pipeline(source, copy));
        return Number(copy.rowCount ?? 0);
      } finally {
        client.release();
      }
    }
    return this.viaServerFile(options.source, options.through, async (serverFile) => {
      const result = await pool.query(`COPY ${options.table} (${columns}) FROM '${serverFile}' WITH (${settings})`);
      return result.rowCount ?? 0;
    });
  }

  /**
   * Loads a stream in PostgreSQL's binary COPY format (`through` makes it from `source`) into a
   * table that `create` makes in the same transaction: COPY … FREEZE then writes the rows
   * already frozen, so the index builds and first reads after it do not rewrite every page to
   * set hint bits. Any failure rolls the table back with the rows. Returns the number of rows.
   * Native PostgreSQL: COPY FROM STDIN on one connection; embedded PGlite: the stream is written
   * to the database's data directory first and read by the server (see copyCsv).
   */
  async copyBinaryInto(options: { create: string; table: string; columns: string[]; source: string | Readable; through?: Transform }): Promise<number> {
    const columns = options.columns.map(quoteIdent).join(', ');
    const source = () => (typeof options.source === 'string' ? createReadStream(options.source, { highWaterMark: 1 << 20 }) : options.source);
    if (!this.endpoint.bulkFiles) {
      const client = await this.pool().connect();
      try {
        await client.query('BEGIN');
        await client.query(options.create);
        const copy = client.query(copyStreams.from(`COPY ${options.table} (${columns}) FROM STDIN WITH (FORMAT binary, FREEZE)`));
        await (options.through ? pipeline(source(), options.through, copy) : pipeline(source(), copy));
        await client.query('COMMIT');
        return Number(copy.rowCount ?? 0);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    }
    // One session multiplexed: the transaction's statements go through its entity manager.
    return this.viaServerFile(options.source, options.through, (serverFile) =>
      this.dataSource.transaction(async (em) => {
        await em.query(options.create);
        const result = await em.queryRunner!.query(`COPY ${options.table} (${columns}) FROM '${serverFile}' WITH (FORMAT binary, FREEZE)`, [], true);
        return Number(result.affected ?? 0);
      }),
    );
  }

  /**
   * The embedded database reads bulk files itself: `source` (through `through`) is written into
   * its data directory, `load` runs with the server's path of it, and the file is removed after.
   */
  private async viaServerFile(source: string | Readable, through: Transform | undefined, load: (serverFile: string) => Promise<number>): Promise<number> {
    const { hostDir, serverDir } = this.endpoint.bulkFiles!;
    const name = bulkFileName();
    const hostFile = path.join(hostDir, name);
    try {
      if (typeof source === 'string' && !through) await copyFile(source, hostFile);
      else {
        const stream = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20 }) : source;
        await (through ? pipeline(stream, through, createWriteStream(hostFile)) : pipeline(stream, createWriteStream(hostFile)));
      }
      return await load(`${serverDir}/${name}`);
    } finally {
      await rm(hostFile, { force: true });
    }
  }

  /**
   * Builds a freshly loaded table's indexes by sort. On PostgreSQL, side by side, one
   * connection each, without parallel workers (the builds side by side already keep the cores
   * busy; workers on top of them only contend, and each takes a share of the sort memory), with
   * room to sort in memory: at least 256 MB of maintenance_work_mem for the transaction (the
   * default 64 MB spills a million-row sort to disk). The embedded database has one session:
   * one after another, as configured.
   */
  async buildIndexes(statements: string[]): Promise<void> {
    if (this.endpoint.kind === 'embedded') {
      for (const sql of statements) await this.dataSource.query(sql);
      return;
    }
    // All settled before answering: a failed build leaves none running on a table the caller drops.
    const builds = await Promise.allSettled(
      statements.map((sql) =>
        this.dataSource.transaction(async (em) => {
          await em.query(
            `SELECT set_config('maintenance_work_mem', (GREATEST(pg_size_bytes(current_setting('maintenance_work_mem')), pg_size_bytes('${INDEX_SORT_MEMORY}')) / 1024)::text || 'kB', true),
                    set_config('max_parallel_maintenance_workers', '0', true)`,
          );
          await em.query(sql);
        }),
      ),
    );
    const failed = builds.find((b): b is PromiseRejectedResult => b.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Removes the copies of killed loads; answers their names. */
  async sweepLeftovers(): Promise<string[]> {
    return this.endpoint.bulkFiles ? sweepBulkFiles(this.endpoint.bulkFiles.hostDir) : [];
  }

  /** The node-postgres pool behind TypeORM, for COPY and other protocol-level work. */
  pool(): pg.Pool {
    return (this.dataSource.driver as unknown as { master: pg.Pool }).master;
  }
}

/** Sort memory for an index build (per connection; parallel workers share it). */
const INDEX_SORT_MEMORY = '256MB';

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Runs a data-changing statement and answers how many rows it touched. */
export async function affectedRows(dataSource: import('typeorm').DataSource, sql: string, params: unknown[] = []): Promise<number> {
  const runner = dataSource.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return result.affected ?? 0;
  } finally {
    await runner.release();
  }
}

/** PID.START.UUID.csv: the process that wrote it, so that a sweep can tell a live load's file. */
function bulkFileName(): string {
  const me = currentProcess();
  return `${me.pid}.${me.started}.${randomUUID()}.csv`;
}

const BULK_FILE = /^(\d+)\.(\d*)\.[0-9a-f-]{36}\.csv$/;
/** A file of an older version names nobody: taken for a leftover once no load could still run. */
const UNOWNED_AFTER_MS = 24 * 3600_000;

/**
 * Removes the files of loads whose process is gone (a killed import's copy, tens of MB), at the
 * embedded database's start and before each import; answers their names.
 */
export async function sweepBulkFiles(hostDir: string): Promise<string[]> {
  const names = await readdir(hostDir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const owner = BULK_FILE.exec(name);
    const file = path.join(hostDir, name);
    if (owner) {
      if (isLiveProcess(Number(owner[1]), owner[2])) continue;
    } else {
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile() || !name.endsWith('.csv') || Date.now() - info.mtimeMs < UNOWNED_AFTER_MS) continue;
    }
    await rm(file, { force: true });
    removed.push(name);
  }
  return removed;
}
