import { chmod, open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager, type EntitySubscriberInterface, type TransactionCommitEvent } from 'typeorm';
import { InputError } from '@sunlight/common';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { AUDIT_KEY } from './audit-key.js';
import { checkpointMac, checkpointValid, KEYED_ALG, type Checkpoint } from './canonical.js';
import { ChainWalk, toEvent } from './chain.js';

/** Marks a transaction that appended audit events, so that its commit writes a checkpoint. */
const AUDIT_APPENDED = 'sunlight:audit-appended';
/** The end of the file read for the latest checkpoint (lines are about 250 bytes). */
const TAIL_BYTES = 64 * 1024;
const PAGE = 5000;
const FIRST_PAGE = 64;

export const checkpointFile = (config: AppConfig) => path.join(config.dataDir, 'audit-checkpoints.jsonl');

export interface CheckpointLines {
  /** Lines signed with this installation's key. */
  valid: Checkpoint[];
  /** Lines that are not (edited, forged, cut short, or signed with another key). */
  bad: { line: number; problem: string }[];
}

/**
 * Signed checkpoints of the audit chain, outside the database: one JSON line
 * {eventId, hash, at, mac} appended to `<dataDir>/audit-checkpoints.jsonl` after every commit that
 * appended events (and, as a fallback for any other way of committing, every
 * SUNLIGHT_AUDIT_CHECKPOINT_SECONDS and at shutdown), by whichever process appended. Someone who
 * can rewrite the database but has not the key cannot make the chain end before the newest
 * checkpoint, nor sign a new one. Before writing, the chain from the previous checkpoint on is
 * checked: a checkpoint never blesses a rewritten tail.
 */
@Injectable()
export class AuditCheckpoints implements OnModuleInit, BeforeApplicationShutdown, EntitySubscriberInterface {
  private readonly logger = new Logger('AuditCheckpoints');
  private readonly file: string;
  private running?: Promise<void>;
  private again = false;
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private modeChecked = false;
  /** What latest() has read of the file: up to `end`, its last whole line, the newest checkpoint. */
  private seen?: { dev: number; ino: number; end: number; last?: FileLine; newest?: Checkpoint };

  constructor(
    private readonly dataSource: DataSource,
    @Inject(AUDIT_KEY) private readonly key: Buffer,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.file = checkpointFile(config);
  }

  onModuleInit(): void {
    this.dataSource.subscribers.push(this);
    this.timer = setInterval(() => {
      if (this.dirty) void this.flush();
    }, this.config.audit.checkpointIntervalMs);
    this.timer.unref();
  }

  /** Called by the audit log for each append: a checkpoint follows the commit. */
  appended(em: EntityManager): void {
    this.dirty = true;
    if (em.queryRunner?.isTransactionActive) em.queryRunner.data[AUDIT_APPENDED] = true;
    else void this.flush();
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const data = event.queryRunner.data as Record<string, unknown>;
    if (!data?.[AUDIT_APPENDED] || event.queryRunner.isTransactionActive) return;
    delete data[AUDIT_APPENDED];
    void this.flush();
  }

  afterTransactionRollback(event: TransactionCommitEvent): void {
    const data = event.queryRunner.data as Record<string, unknown>;
    if (data?.[AUDIT_APPENDED] && !event.queryRunner.isTransactionActive) delete data[AUDIT_APPENDED];
  }

  /** One pass at a time; a request during a pass runs another after it. Never throws. */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        this.dirty = false;
        await this.write().catch((err: Error) => {
          this.dirty = true;
          this.logger.warn({ err: err.message }, `审计检查点写入失败，稍后重试 (could not write an audit checkpoint; will retry): ${err.message}`);
        });
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Waits for a checkpoint this process is writing (verify then sees its own appends anchored). */
  async idle(): Promise<void> {
    await this.running;
  }

  /** Writes what this process appended before it ends (the database is still open here). */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    if (this.dirty) await this.flush();
  }

  /**
   * Checks the chain from the latest checkpoint to its end and signs its end. Answers the new
   * checkpoint, or undefined when there was nothing new or the chain does not continue the
   * checkpoint (then it says so, loudly, and signs nothing).
   */
  async write(): Promise<Checkpoint | undefined> {
    const latest = await this.latest();
    let walk: ChainWalk;
    // The checkpoint's event and those after it, in one query; a first page that is small next to
    // any guess of the table's size, so that the plan walks the primary key even where
    // audit_events was never analyzed (no autovacuum: the embedded database, some servers)
    // instead of reading the whole trail at every commit.
    let rows: Record<string, any>[] = await this.dataSource.query(`SELECT * FROM audit_events WHERE id >= $1 ORDER BY id LIMIT ${FIRST_PAGE + 1}`, [latest?.eventId ?? '0']);
    if (latest) {
      const anchor = rows[0] && String(rows[0].id) === latest.eventId ? rows.shift() : undefined;
      if (!anchor || anchor.hash !== latest.hash) {
        this.logger.error(
          { checkpoint: latest },
          `审计记录被篡改：检查点所记事件 #${latest.eventId} ${anchor ? '的摘要已改变' : '已不存在'}，不再写入检查点 ` +
            `(AUDIT TRAIL TAMPERING DETECTED: the event of the latest checkpoint ${anchor ? 'has another hash' : 'is gone'}; no checkpoint will be written until this is resolved)`,
        );
        return undefined;
      }
      walk = new ChainWalk(this.key, latest.hash, anchor.alg === KEYED_ALG, latest.eventId);
    } else {
      walk = new ChainWalk(this.key);
    }
    for (let page = FIRST_PAGE; ; page = PAGE) {
      for (const row of rows) walk.add(toEvent(row));
      if (rows.length < page) break;
      rows = await this.dataSource.query(`SELECT * FROM audit_events WHERE id > $1 ORDER BY id LIMIT ${PAGE}`, [walk.lastId]);
    }
    if (walk.problems.length) {
      this.logger.error(
        { problems: walk.problems.slice(0, 20) },
        `审计记录被篡改：检查点 #${latest?.eventId ?? '0'} 之后的事件未通过校验，不再写入检查点 (AUDIT TRAIL TAMPERING DETECTED after checkpoint ${latest?.eventId ?? 'genesis'}; no checkpoint written)`,
      );
      return undefined;
    }
    if (!walk.events) return undefined;
    const point = { eventId: walk.lastId, hash: walk.previous, at: new Date().toISOString() };
    const checkpoint: Checkpoint = { ...point, mac: checkpointMac(this.key, point) };
    await this.append(checkpoint);
    return checkpoint;
  }

  /** One whole line with O_APPEND: processes sharing the data directory never interleave. */
  private async append(checkpoint: Checkpoint): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(checkpoint)}\n`);
    const handle = await open(this.file, 'a', 0o600);
    try {
      if (!this.modeChecked) {
        const { mode } = await handle.stat();
        if ((mode & 0o077) !== 0) await chmod(this.file, 0o600).catch(() => undefined);
        this.modeChecked = true;
      }
      const { bytesWritten } = await handle.write(line);
      if (bytesWritten !== line.length) throw new Error(`short write to ${this.file}`);
    } finally {
      await handle.close();
    }
  }

  /**
   * The newest signed checkpoint (the highest event id near the end of the file), if any. After
   * the first read, only what was appended since is read and checked (and the last line read
   * before, which must still be there): under a stream of state changes a checkpoint follows
   * nearly every commit, and re-reading and re-checking the file's last 64 KB each time was a
   * fifth of the API's work. A file replaced, cut or rewritten before that line is read anew.
   */
  async latest(): Promise<Checkpoint | undefined> {
    let info: { dev: number; ino: number; size: number };
    try {
      info = await stat(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.seen = undefined;
        return undefined;
      }
      throw err;
    }
    const seen = this.seen?.dev === info.dev && this.seen.ino === info.ino && info.size >= this.seen.end ? this.seen : undefined;
    const from = seen ? (seen.last?.at ?? seen.end) : Math.max(0, info.size - TAIL_BYTES);
    const buffer = await this.read(from, info.size - from);
    const lines = wholeLines(buffer, from);
    if (seen?.last && !lines[0]?.text.equals(seen.last.text)) {
      // The line read last time is not where it was: the file was rewritten.
      this.seen = undefined;
      return this.latest();
    }
    // Skipped: the line read last time, or the first of a tail read (cut mid-line).
    const fresh = lines.slice(seen ? (seen.last ? 1 : 0) : from > 0 ? 1 : 0);
    const { valid, bad } = this.parse(fresh.map((l) => l.text.toString('utf8')));
    if (bad.length) this.logger.error({ bad }, `审计检查点文件中有签名不符的行 (lines of ${this.file} do not carry this key's signature)`);
    const found = newest(seen?.newest ? [seen.newest, ...valid] : valid);
    const last = lines.at(-1) ?? seen?.last;
    this.seen = { dev: info.dev, ino: info.ino, end: last ? last.at + last.text.length + 1 : from, last, newest: found };
    return found;
  }

  private async read(position: number, length: number): Promise<Buffer> {
    const handle = await open(this.file, 'r');
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  /** Every line of the file, each checked against the key. */
  async all(): Promise<CheckpointLines & { file: string; present: boolean }> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { valid: [], bad: [], file: this.file, present: false };
      throw err;
    }
    return { ...this.parse(text.split('\n')), file: this.file, present: true };
  }

  private parse(lines: string[]): CheckpointLines {
    const valid: Checkpoint[] = [];
    const bad: CheckpointLines['bad'] = [];
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        value = undefined;
      }
      if (value && checkpointValid(this.key, value as Partial<Checkpoint>)) {
        const { eventId, hash, at, mac } = value as Checkpoint;
        valid.push({ eventId, hash, at, mac });
      } else {
        bad.push({ line: i + 1, problem: value ? '签名不符 (signature does not match)' : '无法解析 (unreadable)' });
      }
    });
    return { valid, bad };
  }
}

/** A whole line of the file (without its newline) and the byte offset where it starts. */
interface FileLine {
  at: number;
  text: Buffer;
}

/** The whole lines of `buffer` (read from byte `offset` of the file); a last line without its newline is not one yet. */
function wholeLines(buffer: Buffer, offset: number): FileLine[] {
  const lines: FileLine[] = [];
  let start = 0;
  for (let end = buffer.indexOf(10); end !== -1; end = buffer.indexOf(10, start)) {
    lines.push({ at: offset + start, text: buffer.subarray(start, end) });
    start = end + 1;
  }
  return lines;
}

export function newest(points: Checkpoint[]): Checkpoint | undefined {
  return points.reduce<Checkpoint | undefined>((best, c) => (!best || BigInt(c.eventId) > BigInt(best.eventId) ? c : best), undefined);
}

/** "eventId:hash" as a digest's 审计锚点 footer prints it (the CLI's --checkpoint, the API's ?checkpoint=). */
export function parseCheckpoint(text: string): { eventId: string; hash: string } {
  const match = /^\s*#?(\d{1,18}):([0-9a-f]{64})\s*$/i.exec(text);
  if (!match) throw new InputError(`检查点应为 事件编号:摘要（64 位十六进制），即摘要页脚“审计锚点”所印 (a checkpoint is EVENT_ID:HASH, got "${text.slice(0, 100)}")`, { column: 'checkpoint' });
  return { eventId: String(BigInt(match[1])), hash: match[2].toLowerCase() };
}
