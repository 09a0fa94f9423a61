import { commonRegion, countyOf, inScope, normalizeRegionCode, scopeCondition } from './region-code.js';

describe('region codes', () => {
  it('accepts the four levels, also padded to six digits', () => {
    expect(normalizeRegionCode('42')).toBe('42');
    expect(normalizeRegionCode('420000')).toBe('42');
    expect(normalizeRegionCode('4210')).toBe('4210');
    expect(normalizeRegionCode('421000')).toBe('4210');
    expect(normalizeRegionCode('421087')).toBe('421087');
    expect(normalizeRegionCode('421087101')).toBe('421087101');
    expect(normalizeRegionCode('42108710')).toBeNull();
    expect(normalizeRegionCode('4210a7')).toBeNull();
  });

  it('finds the smallest region holding two codes', () => {
    expect(commonRegion('421087101', '421087101')).toBe('421087101');
    expect(commonRegion('421087101', '421087102')).toBe('421087');
    expect(commonRegion('421087101', '421081001')).toBe('4210');
    expect(commonRegion('421087101', '131121100')).toBe('');
  });

  it('scopes a region to its subtree', () => {
    expect(inScope('4210', '421087101')).toBe(true);
    expect(inScope('421087', '131121100')).toBe(false);
    expect(inScope('', '131121100')).toBe(true);
    expect(countyOf('421087101')).toBe('421087');
    expect(scopeCondition('l.region_code', '4210')).toBe(`l.region_code LIKE '4210%'`);
    expect(() => scopeCondition('x', "42' OR 1=1")).toThrow();
  });
});
