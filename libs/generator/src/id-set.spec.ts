import { withCheckDigit } from '@sunlight/common';
import { IdNumberSet } from './id-set.js';
import { Random } from './random.js';

describe('IdNumberSet', () => {
  it('holds what a Set holds, over hundreds of thousands of numbers in a few counties', () => {
    const random = new Random(1);
    const set = new IdNumberSet();
    const reference = new Set<string>();
    const county = () => ['421087', '131121', '110105'][random.int(0, 2)];
    let disagreements = 0;
    for (let i = 0; i < 300_000; i++) {
      const day = String(random.int(1, 28)).padStart(2, '0');
      const id = withCheckDigit(`${county()}19${String(random.int(0, 99)).padStart(2, '0')}0${random.int(1, 9)}${day}${String(random.int(0, 999)).padStart(3, '0')}`);
      if (set.has(id) !== reference.has(id)) disagreements++;
      set.add(id);
      reference.add(id);
    }
    expect(disagreements).toBe(0);
    for (const id of reference) if (!set.has(id)) disagreements++;
    expect(disagreements).toBe(0);
    expect(set.size).toBe(reference.size);
    expect(set.size).toBeLessThan(300_000); // some were drawn twice
  });

  it('tells apart numbers that differ in any part, the check character too', () => {
    const set = new IdNumberSet();
    const id = '42108719520903012X';
    set.add(id);
    expect(set.has(id)).toBe(true);
    for (const other of ['421087195209030121', '42108719520903013X', '42108719520904012X', '42108719521003012X', '42108819520903012X', '42108720520903012X']) expect(set.has(other)).toBe(false);
  });

  it('keeps numbers of any other form as they are: a wrong date, a lower-case x, a short number', () => {
    const set = new IdNumberSet();
    const odd = ['42108719990230012X'.replace('0230', '0232'), '42108719521303012X', '42108717990101012X', '42108719520903012x', '12345', '4210871952090301XX', '99108719700101012X'];
    for (const id of odd) set.add(id);
    for (const id of odd) expect(set.has(id)).toBe(true);
    expect(set.has('42108719520903012X')).toBe(false);
    expect(set.size).toBe(odd.length);
  });
});
