import { maskBankAccount, maskIdNumber, maskPersonalData } from './masking.js';

const ID = '421021198001011234';
const MASKED_ID = '4210**********1234';

describe('maskPersonalData', () => {
  it.each([
    ['contiguous', ID],
    ['with an X', '42102119800101123X'],
    ['in groups of four', '4210 2119 8001 0112 34'],
    ['with hyphens', '421021-19800101-1234'],
    ['with spaced hyphens', '421021 - 19800101 - 1234'],
    ['with full-width spaces', '421021\u300019800101\u30001234'],
    ['with dots', '421021.19800101.1234'],
    ['in full-width digits', '４２１０２１１９８００１０１１２３４'],
    ['with a tab and a non-breaking space', '421021\t19800101\u00a01234'],
  ])('masks an ID number written %s', (_how, written) => {
    const masked = maskPersonalData(`身份证号 ${written} 不合格`);
    expect(masked).toBe(`身份证号 ${written.endsWith('X') ? '4210**********123X' : MASKED_ID} 不合格`);
  });

  it.each([
    ['contiguous', '6222020100022222222', '6222****2222'],
    ['in groups of four', '6222 0201 0002 2222 222', '6222****2222'],
    ['with hyphens', '6222-0201-0002-2222', '6222****2222'],
  ])('masks a bank account written %s', (_how, written, masked) => {
    expect(maskPersonalData(`账号 ${written}。`)).toBe(`账号 ${masked}。`);
  });

  it('finds an ID number next to a date and an amount', () => {
    expect(maskPersonalData(`2024-01-01 ${'4210 2119 8001 0112 34'} 1,234.56`)).toBe(`2024-01-01 ${MASKED_ID} 1,234.56`);
    expect(maskPersonalData(`2024-01-01 ${ID}`)).toBe(`2024-01-01 ${MASKED_ID}`);
  });

  it.each([
    ['a date', '2024-01-01'],
    ['dates in a row', '2024-01-01 2024-02-01 2024-03-01'],
    ['a date and time', '2024-01-01 12:30:00'],
    ['an amount with thousands', '1,234.56'],
    ['a large amount', '123456789.01'],
    ['an amount of ten billion yuan with cents', '12345678901.23'],
    ['a row count', '共 1234567 行'],
    ['a region code', '421087101'],
    ['a short number', '12'],
    ['an IP address', '192.168.100.200'],
    ['small numbers in a list', '第 3 行 4 列 5 处'],
    // A phone number is no ID number nor account; 13800138000 was never masked either, and
    // masking what looks like 11 digits would also mangle counts and codes of that length.
    ['a phone number in groups', '138 0013 8000'],
    ['a phone number', '13800138000'],
  ])('leaves %s alone', (_what, text) => {
    expect(maskPersonalData(text)).toBe(text);
  });

  it('masks the shortest account, twelve digits, also in full-width digits, and nothing with fewer digits in all', () => {
    expect(maskPersonalData('账号 622202010002')).toBe('账号 6222****0002');
    expect(maskPersonalData('账号 ６２２２０２０１０００２')).toBe('账号 6222****0002');
    expect(maskPersonalData('账号 62220201000')).toBe('账号 62220201000');
    // Twelve digits in all, none of them a number to mask: the text as it was.
    expect(maskPersonalData('2024-01-01 共 12345 行')).toBe('2024-01-01 共 12345 行');
  });

  it('is idempotent', () => {
    const once = maskPersonalData(`${'4210 2119 8001 0112 34'} 6222 0201 0002 2222`);
    expect(maskPersonalData(once)).toBe(once);
    expect(once).not.toMatch(/\d{5}/);
  });
});

describe('maskIdNumber and maskBankAccount', () => {
  it('keep the first and last four', () => {
    expect(maskIdNumber(ID)).toBe(MASKED_ID);
    expect(maskBankAccount('6222020100011111111')).toBe('6222 **** **** 1111');
    expect(maskIdNumber('1234')).toBe('****');
    expect(maskIdNumber(null)).toBeNull();
  });
});
