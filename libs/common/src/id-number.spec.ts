import { birthDateOf, hasValidCheckDigit, idNumberCheckCharacter, isWellFormedIdNumber, withCheckDigit } from './id-number.js';

describe('ID numbers (GB 11643)', () => {
  it('computes the check character, X included', () => {
    expect(idNumberCheckCharacter('11010519491231002')).toBe('X');
    expect(hasValidCheckDigit('11010519491231002X')).toBe(true);
    expect(hasValidCheckDigit('110105194912310021')).toBe(false);
  });

  it('knows a well-formed number from a malformed one', () => {
    expect(isWellFormedIdNumber('42108719520903012X')).toBe(true);
    expect(isWellFormedIdNumber('42108719520903012x')).toBe(false); // ingestion upper-cases first
    expect(isWellFormedIdNumber('12345')).toBe(false);
  });

  it('reads the birth date, and refuses impossible ones', () => {
    expect(birthDateOf('421087194311200151')).toBe('1943-11-20');
    expect(birthDateOf(withCheckDigit('42108719990230012'))).toBeNull(); // 30 February
    expect(birthDateOf(withCheckDigit('42108720001301012'))).toBeNull(); // month 13
    expect(birthDateOf(withCheckDigit('42108720000229012'))).toBe('2000-02-29');
  });
});
