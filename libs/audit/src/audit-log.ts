import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ActorContext, type Actor } from '@sunlight/common';
import { GENESIS_HASH, eventHash } from './canonical.js';

export interface AuditEntry {
  /** e.g. 'lead.assign', 'lead.reveal', 'notice.issue', 'user.create' */
  action: string;
  subjectType: string;
  subjectId: string;
  regionCode?: string | null;
  reason?: string | null;
  data?: Record<string, unknown>;
}

export interface AuditEvent extends AuditEntry {
  id: string;
  at: string;
  actorId: string;
  actorName: string;
  actorRole: string;
  prevHash: string;
  hash: string;
}

export interface VerifyResult {
  ok: boolean;
  events: number;
  headHash: string;
  problems: { id: string; problem: string }[];
}

const APPEND_LOCK = 72_450_002;

/** The fields an event's hash covers (everything but its database id). */
function sealed(e: Omit<AuditEvent, 'id' | 'hash' | 'prevHash'>) {
  return {
    at: e.at,
    actorId: e.actorId,
    actorName: e.actorName,
    actorRole: e.actorRole,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    regionCode: e.regionCode ?? null,
    reason: e.reason ?? null,
    data: e.data ?? {},
  };
}

/**
 * The audit trail: every change to a lead, every notice, every reveal of personal data, every
 * account change. Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE for every role)
 * and hash-chained, so that an edit or a deletion that got past the trigger is still found by
 * verify(). The head of the chain is also kept in app_meta, so a deleted last event shows.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly dataSource: DataSource) {}

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
    await em.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
    const [last] = await em.query('SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1');
    let prevHash: string = last?.hash ?? GENESIS_HASH;
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
      const hash = eventHash(prevHash, sealed(event));
      [event.at, event.actorId, event.actorName, event.actorRole, event.action, event.subjectType, event.subjectId, event.regionCode, event.reason, JSON.stringify(event.data), prevHash, hash]
        .forEach((v, i) => columns[i].push(v));
      events.push({ ...event, prevHash, hash });
      prevHash = hash;
    }
    // One statement: the lock above is held until commit, so every round trip saved here is time
    // other writers do not wait. The chain's head follows by trigger (migration AppRole): the
    // application's role may not write audit_head.
    const rows: { id: string; hash: string }[] = await em.query(
      `WITH i AS (
         INSERT INTO audit_events (at, actor_id, actor_name, actor_role, action, subject_type, subject_id, region_code, reason, data, prev_hash, hash)
         SELECT at, actor_id, actor_name, actor_role, action, subject_type, subject_id, region_code, reason, data::jsonb, prev_hash, hash
         FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
              WITH ORDINALITY AS t(at, actor_id, actor_name, actor_role, action, subject_type, subject_id, region_code, reason, data, prev_hash, hash, n)
         ORDER BY n
         RETURNING id, hash)
       SELECT id::text, hash FROM i`,
      columns,
    );
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

  /** Re-computes the whole chain, page by page; names every event that does not fit. */
  async verify(): Promise<VerifyResult> {
    const problems: { id: string; problem: string }[] = [];
    let previous = GENESIS_HASH;
    let after = '0';
    let events = 0;
    let lastId = '0';
    for (;;) {
      const rows = await this.dataSource.query(`SELECT * FROM audit_events WHERE id > $1 ORDER BY id LIMIT 5000`, [after]);
      if (!rows.length) break;
      for (const row of rows) {
        const e = toEvent(row);
        events++;
        if (e.prevHash !== previous) problems.push({ id: e.id, problem: '前一事件的摘要不符：其前有事件被删除或改动 (the event before it was deleted or changed)' });
        if (eventHash(e.prevHash, sealed(e)) !== e.hash) problems.push({ id: e.id, problem: '事件内容与其摘要不符：事件被改动 (the event was edited)' });
        previous = e.hash;
        lastId = e.id;
      }
      after = rows[rows.length - 1].id;
    }
    const [head] = await this.dataSource.query(`SELECT event_id::text AS id, hash FROM audit_head`);
    if (head && (head.id !== lastId || head.hash !== previous)) {
      problems.push({ id: head.id, problem: '链尾事件缺失：最后的事件被删除 (the last events were deleted)' });
    }
    return { ok: problems.length === 0, events, headHash: previous, problems };
  }
}

function toEvent(row: Record<string, any>): AuditEvent {
  return {
    id: String(row.id),
    at: new Date(row.at).toISOString(),
    actorId: row.actor_id,
    actorName: row.actor_name,
    actorRole: row.actor_role,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    regionCode: row.region_code,
    reason: row.reason,
    data: row.data,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
