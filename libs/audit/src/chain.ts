import { expectedHash, GENESIS_HASH, KEYED_ALG, type AuditAlg } from './canonical.js';

export interface AuditEntry {
  /** e.g. 'lead.assign', 'lead.reveal', 'notice.issue', 'user.create' */
  action: string;
  subjectType: string;
  subjectId: string;
  regionCode?: string | null;
  reason?: string | null;
  data?: Record<string, unknown>;
}

/** One event as stored (audit_events), in the shape the library answers. */
export interface AuditEvent extends AuditEntry {
  id: string;
  at: string;
  actorId: string;
  actorName: string;
  actorRole: string;
  prevHash: string;
  hash: string;
  alg: AuditAlg;
}

export interface ChainProblem {
  id: string;
  problem: string;
}

/** The fields an event's hash covers (everything but its database id, its links and its alg). */
export function sealed(e: Omit<AuditEvent, 'id' | 'hash' | 'prevHash' | 'alg'>) {
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

export function toEvent(row: Record<string, any>): AuditEvent {
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
    alg: row.alg ?? 'sha256',
  };
}

/**
 * Walks the chain in id order from a known point (the genesis, or a checkpoint), checking each
 * event's link to the one before, its hash under its alg, and that no unkeyed event follows a
 * keyed one: an unkeyed hash anyone can recompute, so a 'sha256' event after the key was in use
 * is someone re-chaining without the key (a downgrade), not history.
 */
export class ChainWalk {
  readonly problems: ChainProblem[] = [];
  events = 0;
  lastId: string;

  constructor(
    private readonly key: Buffer,
    public previous = GENESIS_HASH,
    private sawKeyed = false,
    from = '0',
  ) {
    this.lastId = from;
  }

  add(e: AuditEvent): void {
    this.events++;
    if (e.prevHash !== this.previous) this.problems.push({ id: e.id, problem: '前一事件的摘要不符：其前有事件被删除或改动 (the event before it was deleted or changed)' });
    const expected = expectedHash(e.alg, this.key, e.prevHash, sealed(e));
    if (expected === undefined) {
      this.problems.push({ id: e.id, problem: `未知的摘要算法 "${e.alg}"：事件被改动 (unknown hash algorithm: the event was edited)` });
    } else if (e.alg !== KEYED_ALG && this.sawKeyed) {
      this.problems.push({ id: e.id, problem: '带密钥的事件之后出现无密钥摘要 (sha256)：审计链被降级重写 (an unkeyed event after keyed ones: the chain was re-written without the key, a downgrade)' });
    } else if (expected !== e.hash) {
      this.problems.push({
        id: e.id,
        problem:
          e.alg === KEYED_ALG
            ? '事件内容与其密钥签名不符：事件被改动，或被无密钥者重写 (the event does not match its keyed hash: edited, or re-chained without the key)'
            : '事件内容与其摘要不符：事件被改动 (the event was edited)',
      });
    }
    if (e.alg === KEYED_ALG) this.sawKeyed = true;
    this.previous = e.hash;
    this.lastId = e.id;
  }
}
