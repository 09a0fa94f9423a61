import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ActorContext, type Actor } from '@sunlight/common';
import { AUDIT_KEY } from './audit-key.js';
import { GENESIS_HASH, KEYED_ALG, eventMac, type Checkpoint } from './canonical.js';
import { ChainWalk, sealed, toEvent, type AuditEntry, type AuditEvent } from './chain.js';
import { AuditCheckpoints, newest } from './checkpoints.js';

export type { AuditEntry, AuditEvent };

export interface VerifyResult {
  ok: boolean;
  events: number;
  headHash: string;
  /** The id of the last event, '0' for none. */
  headId: string;
  problems: { id: string; problem: string }[];
  /** What the chain was held against besides itself. */
  checkpoints: {
    file: string;
    /** Signed lines of the file, and checkpoints given to verify (e.g. read off a printed digest). */
    checked: number;
    /** The newest signed checkpoint of the file. */
    latest: Checkpoint | null;
  };
  /** Things worth knowing that are not proof of tampering (e.g. no checkpoint file yet). */
  notes: string[];
}

/** A checkpoint to hold the chain against: from the file (signed) or given by a person (eventId:hash). */
export interface GivenCheckpoint {
  eventId: string;
  hash: string;
}

/**
 * The audit trail: every change to a lead, every notice, every reveal of personal data, every
 * account change. Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE for every role)
 * and chained by HMAC-SHA256 under a key kept outside the database, so that an edit or a deletion
 * that got past the trigger is still found by verify(), even when whoever did it re-chained the
 * rest. Signed checkpoints outside the database (AuditCheckpoints) show a deleted tail.
 */
@Injectable()
export class AuditLog {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(AUDIT_KEY) private readonly key: Buffer,
    private readonly checkpoints: AuditCheckpoints,
  ) {}

  /** Appends inside the caller's transaction: the change and its record commit together. */
  async append(em: EntityManager, entry: AuditEntry, actor: Actor = ActorContext.current(), at = new Date()): Promise<AuditEvent> {
    const [event] = await this.appendMany(em, [entry], actor, at);
    return event;
  }

  /**
   * Appends events, in order, in one statement inside the caller's transaction (a card sweep
   * may set thousands of cards at once): the chain is the same as appending them one by one.
   */
  async appendMany(em: EntityManager, entries: AuditEntry[], actor: Actor = ActorContext.current(), at = new Date()): Promise<AuditEvent[]> {
    if (!entries.length) return [];
    // The append lock (advisory 72450002), held to the commit, and the head read after it: one
    // round trip (migration AuditChainHead says why a function).
    const [{ head }] = await em.query('SELECT sl_audit_chain_head() AS head');
    let prevHash: string = head ?? GENESIS_HASH;
    const events: Omit<AuditEvent, 'id'>[] = [];
    const columns: unknown[][] = Array.from({ length: 12 }, () => []);
    for (const entry of entries) {
      const event = {
        at: at.toISOString(),
        actorId: actor.userId,
        actorName: actor.username,
        actorRole: actor.role,
        ...entry,
        regionCode: entry.regionCode ?? null,
        reason: entry.reason ?? null,
        data: entry.data ?? {},
      };
      const hash = eventMac(this.key, prevHash, sealed(event));
      [event.at, event.actorId, event.actorName, event.actorRole, event.action, event.subjectType, event.subjectId, event.regionCode, event.reason, JSON.stringify(event.data), prevHash, hash]
        .forEach((v, i) => columns[i].push(v));
      events.push({ ...event, prevHash, hash, alg: KEYED_ALG });
      prevHash = hash;
    }
    // One statement: the lock above is held until commit, so every round trip saved here is time
    // other writers do not wait. The chain's head follows by trigger (migration AppRole): the
    // application's role may not write audit_head.
    const rows: { id: string; hash: string }[] = await em.query(
      `WITH i AS (
         INSERT INTO audit_events (at, actor_id, actor_name, actor_role, action, subject_type, subject_id, region_code, reason, data, prev_hash, hash, alg)
         SELECT at, actor_id, actor_name, actor_role, action, subject_type, subject_id, region_code, reason, data::jsonb, prev_hash, hash, 'hmac-sha256'
         FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
              WITH ORDINALITY AS t(at, actor_id, actor_name, actor_role, action, subject_type, subject_id, region_code, reason, data, prev_hash, hash, n)
         ORDER BY n
         RETURNING id, hash)
       SELECT id::text, hash FROM i`,
      columns,
    );
    this.checkpoints.appended(em);
    // Matched by hash, which is unique: nothing here depends on the order rows come back in.
    const idOf = new Map(rows.map((r) => [r.hash, r.id]));
    return events.map((e) => ({ id: idOf.get(e.hash)!, ...e }));
  }

  /** Appends in a transaction of its own (for events that change nothing else, like a reveal). */
  async record(entry: AuditEntry): Promise<AuditEvent> {
    const actor = ActorContext.current();
    return this.dataSource.transaction((em) => this.append(em, entry, actor));
  }

  /** The events about one subject, oldest first. */
  async history(subjectType: string, subjectId: string): Promise<AuditEvent[]> {
    const rows = await this.dataSource.query(
      `SELECT * FROM audit_events WHERE subject_type = $1 AND subject_id = $2 ORDER BY id`,
      [subjectType, subjectId],
    );
    return rows.map(toEvent);
  }

  /**
   * Re-computes the whole chain, page by page, and holds it against every signed checkpoint of
   * the file and any given here; names every event that does not fit. A chain that ends before a
   * checkpoint's event, or differs from it there, was cut or rewritten, however consistent it is.
   */
  async verify(given: GivenCheckpoint[] = []): Promise<VerifyResult> {
    const problems: { id: string; problem: string }[] = [];
    const notes: string[] = [];
    await this.checkpoints.idle();
    const file = await this.checkpoints.all();
    for (const b of file.bad) problems.push({ id: `${file.file}:${b.line}`, problem: `检查点文件第 ${b.line} 行${b.problem.startsWith('签名') ? '签名不符：被改动，或由其他密钥签署' : '无法解析'} (line ${b.line} of the checkpoint file: ${b.problem})` });
    type Held = GivenCheckpoint & { source: string };
    const held: Held[] = [...file.valid.map((c) => ({ ...c, source: '检查点文件 (checkpoint file)' })), ...given.map((c) => ({ ...c, source: '给定的检查点 (given checkpoint)' }))];
    held.sort((a, b) => (BigInt(a.eventId) < BigInt(b.eventId) ? -1 : BigInt(a.eventId) > BigInt(b.eventId) ? 1 : 0));
    let next = 0;
    const walk = new ChainWalk(this.key);
    for (;;) {
      const rows = await this.dataSource.query(`SELECT * FROM audit_events WHERE id > $1 ORDER BY id LIMIT 5000`, [walk.lastId]);
      if (!rows.length) break;
      for (const row of rows) {
        const e = toEvent(row);
        walk.add(e);
        // Checkpoints are in id order, like the events: a merge, whatever the file's size.
        for (; next < held.length && BigInt(held[next].eventId) <= BigInt(e.id); next++) {
          const c = held[next];
          if (c.eventId !== e.id) problems.push({ id: c.eventId, problem: `事件已被删除：${c.source}记有此事件，审计链中已无 (the event a checkpoint names was deleted)` });
          else if (c.hash !== e.hash) problems.push({ id: c.eventId, problem: `事件摘要与${c.source}不符：此事件或其之前的记录被改写 (the event differs from its checkpoint: it or an earlier one was rewritten)` });
        }
      }
    }
    problems.push(...walk.problems);
    for (; next < held.length; next++) {
      const c = held[next];
      problems.push({ id: c.eventId, problem: `链尾被截断：${c.source}记到事件 #${c.eventId}，审计链只到 #${walk.lastId} (the tail was deleted: a checkpoint names event ${c.eventId}, the chain ends at ${walk.lastId})` });
    }
    const [head] = await this.dataSource.query(`SELECT event_id::text AS id, hash FROM audit_head`);
    if (head && (head.id !== walk.lastId || head.hash !== walk.previous)) {
      problems.push({ id: head.id, problem: '链尾事件缺失：最后的事件被删除 (the last events were deleted)' });
    }
    if (!file.present && walk.events) notes.push(`尚无检查点文件 ${file.file}：链尾的删除无从发现 (no checkpoint file yet: a deleted tail cannot be seen)`);
    return {
      ok: problems.length === 0,
      events: walk.events,
      headHash: walk.previous,
      headId: walk.lastId,
      problems,
      checkpoints: { file: file.file, checked: held.length, latest: newest(file.valid) ?? null },
      notes,
    };
  }

  /** The newest signed checkpoint, for the digests' footer. */
  latestCheckpoint(): Promise<Checkpoint | undefined> {
    return this.checkpoints.latest();
  }
}
