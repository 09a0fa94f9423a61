import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** JSON with keys sorted at every level: the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const GENESIS_HASH = '0'.repeat(64);

/**
 * How an event's hash was made (column audit_events.alg): 'sha256' events predate the key and
 * anyone can recompute them; 'hmac-sha256' events need the key. New events are always keyed.
 */
export type AuditAlg = 'sha256' | 'hmac-sha256';
export const KEYED_ALG: AuditAlg = 'hmac-sha256';

/** hash = sha256(previous hash | canonical event): the unkeyed chain of events written before the key. */
export function eventHash(previous: string, event: Record<string, unknown>): string {
  return createHash('sha256').update(`${previous}|${canonicalJson(event)}`).digest('hex');
}

/** hash = HMAC-SHA256(key, previous hash | canonical event): without the key, no one can re-chain. */
export function eventMac(key: Buffer, previous: string, event: Record<string, unknown>): string {
  return createHmac('sha256', key).update(`${previous}|${canonicalJson(event)}`).digest('hex');
}

/** The hash an event should carry under its alg; undefined for an alg this code does not know. */
export function expectedHash(alg: string, key: Buffer, previous: string, event: Record<string, unknown>): string | undefined {
  if (alg === 'hmac-sha256') return eventMac(key, previous, event);
  if (alg === 'sha256') return eventHash(previous, event);
  return undefined;
}

/** A point of the chain, signed, kept outside the database (and printed in the digests). */
export interface Checkpoint {
  eventId: string;
  hash: string;
  at: string;
  mac: string;
}

/**
 * mac = HMAC-SHA256(key, "checkpoint|" canonical {at, eventId, hash}). The prefix keeps a
 * checkpoint's MAC from ever standing for an event's (whose input starts with a 64-digit hash).
 */
export function checkpointMac(key: Buffer, checkpoint: Omit<Checkpoint, 'mac'>): string {
  const { eventId, hash, at } = checkpoint;
  return createHmac('sha256', key).update(`checkpoint|${canonicalJson({ eventId, hash, at })}`).digest('hex');
}

/** Whether a checkpoint (e.g. a line of the file) was signed with this key. */
export function checkpointValid(key: Buffer, c: Partial<Checkpoint>): c is Checkpoint {
  if (typeof c?.eventId !== 'string' || typeof c.hash !== 'string' || typeof c.at !== 'string' || typeof c.mac !== 'string' || !/^[0-9a-f]{64}$/.test(c.mac)) return false;
  return timingSafeEqual(Buffer.from(checkpointMac(key, c as Checkpoint), 'hex'), Buffer.from(c.mac, 'hex'));
}
