import { createHmac } from 'node:crypto';
import { canonicalJson, checkpointMac, checkpointValid, eventHash, eventMac, expectedHash, GENESIS_HASH } from './canonical.js';

const KEY = Buffer.alloc(32, 1);
const OTHER_KEY = Buffer.alloc(32, 2);

describe('the audit chain', () => {
  it('hashes the same content the same, whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(eventHash(GENESIS_HASH, { a: 1, b: 2 })).toBe(eventHash(GENESIS_HASH, { b: 2, a: 1 }));
    expect(eventMac(KEY, GENESIS_HASH, { a: 1, b: 2 })).toBe(eventMac(KEY, GENESIS_HASH, { b: 2, a: 1 }));
  });

  it('changes every later hash when an earlier event changes', () => {
    const first = eventHash(GENESIS_HASH, { action: 'lead.assign' });
    const edited = eventHash(GENESIS_HASH, { action: 'lead.dismiss' });
    expect(eventHash(first, { action: 'x' })).not.toBe(eventHash(edited, { action: 'x' }));
    expect(eventMac(KEY, first, { action: 'x' })).not.toBe(eventMac(KEY, edited, { action: 'x' }));
  });

  it('keys the chain: HMAC-SHA256(key, previous | canonical event), which the unkeyed hash cannot stand for', () => {
    const event = { action: 'user.create', data: { b: 1, a: 2 } };
    expect(eventMac(KEY, GENESIS_HASH, event)).toBe(createHmac('sha256', KEY).update(`${GENESIS_HASH}|{"action":"user.create","data":{"a":2,"b":1}}`).digest('hex'));
    expect(eventMac(KEY, GENESIS_HASH, event)).not.toBe(eventMac(OTHER_KEY, GENESIS_HASH, event));
    expect(eventMac(KEY, GENESIS_HASH, event)).not.toBe(eventHash(GENESIS_HASH, event));
    expect(expectedHash('hmac-sha256', KEY, GENESIS_HASH, event)).toBe(eventMac(KEY, GENESIS_HASH, event));
    expect(expectedHash('sha256', KEY, GENESIS_HASH, event)).toBe(eventHash(GENESIS_HASH, event));
    expect(expectedHash('md5', KEY, GENESIS_HASH, event)).toBeUndefined();
  });

  it('signs checkpoints over {at, eventId, hash}, apart from event MACs, and refuses any change or another key', () => {
    const point = { eventId: '42', hash: 'ab'.repeat(32), at: '2026-01-01T00:00:00.000Z' };
    const mac = checkpointMac(KEY, point);
    expect(mac).toBe(createHmac('sha256', KEY).update(`checkpoint|{"at":"2026-01-01T00:00:00.000Z","eventId":"42","hash":"${'ab'.repeat(32)}"}`).digest('hex'));
    expect(checkpointValid(KEY, { ...point, mac })).toBe(true);
    expect(checkpointValid(KEY, { ...point, eventId: '41', mac })).toBe(false);
    expect(checkpointValid(KEY, { ...point, hash: 'cd'.repeat(32), mac })).toBe(false);
    expect(checkpointValid(OTHER_KEY, { ...point, mac })).toBe(false);
    expect(checkpointValid(KEY, { ...point, mac: 'short' })).toBe(false);
    expect(checkpointValid(KEY, { eventId: 42 as unknown as string, hash: point.hash, at: point.at, mac })).toBe(false);
  });
});
