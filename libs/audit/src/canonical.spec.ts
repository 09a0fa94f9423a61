import { canonicalJson, eventHash, GENESIS_HASH } from './canonical.js';

describe('the audit chain', () => {
  it('hashes the same content the same, whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(eventHash(GENESIS_HASH, { a: 1, b: 2 })).toBe(eventHash(GENESIS_HASH, { b: 2, a: 1 }));
  });

  it('changes every later hash when an earlier event changes', () => {
    const first = eventHash(GENESIS_HASH, { action: 'lead.assign' });
    const edited = eventHash(GENESIS_HASH, { action: 'lead.dismiss' });
    expect(eventHash(first, { action: 'x' })).not.toBe(eventHash(edited, { action: 'x' }));
  });
});
