import { maskPersonalData } from '@sunlight/common';

describe('log masking', () => {
  it('never lets a full ID number or bank account through', () => {
    const line = maskPersonalData('lead for 42108719520903012X paid into 6222020100022222222 (x 421087196804120116)');
    expect(line).not.toMatch(/\d{12}/);
    expect(line).toContain('4210**********012X');
    expect(line).toContain('6222****2222');
  });

  it('leaves short numbers alone', () => {
    expect(maskPersonalData('batch 12 row 3 region 421087101')).toBe('batch 12 row 3 region 421087101');
  });
});
