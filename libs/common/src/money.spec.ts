import { InputError } from './errors.js';
import { checkAmountFen, fenToYuan, formatYuan, parseAmount, yuanToFen } from './money.js';

describe('money in fen', () => {
  it('reads yuan with up to two decimals', () => {
    expect(yuanToFen('650')).toBe(65000n);
    expect(yuanToFen('650.5')).toBe(65050n);
    expect(yuanToFen(' 0.01 ')).toBe(1n);
    expect(yuanToFen('650.001')).toBeNull();
    expect(yuanToFen('-5')).toBeNull();
    expect(yuanToFen('1e3')).toBeNull();
  });

  it('writes yuan with two decimals, and with separators for people', () => {
    expect(fenToYuan(65050n)).toBe('650.50');
    expect(fenToYuan('5')).toBe('0.05');
    expect(fenToYuan(-130000n)).toBe('-1300.00');
    expect(formatYuan(360000n)).toBe('3,600.00');
    expect(formatYuan('123456789012')).toBe('1,234,567,890.12');
  });

  it('reads amounts people type by the rules of amounts in files', () => {
    const read = (v: unknown) => parseAmount(v, 'amountConfirmed', '查实金额');
    expect(read('6,201.54')).toBe(620154n);
    expect(read('６２０１.５４')).toBe(620154n);
    expect(read(' 1,000 ')).toBe(100000n);
    expect(read('10,000,000.00')).toBe(1_000_000_000n);
    expect(read(12.5)).toBe(1250n);
    const reason = (v: unknown) => {
      try {
        read(v);
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        expect((err as InputError).details).toMatchObject({ column: 'amountConfirmed', value: String(v ?? '') });
        return (err as InputError).message;
      }
      throw new Error(`${String(v)} was accepted`);
    };
    expect(reason('abc')).toBe('查实金额（amountConfirmed）应为以元为单位的金额数字，收到 "abc"');
    expect(reason('1e3')).toContain('金额数字');
    expect(reason('')).toContain('金额数字');
    expect(reason(undefined)).toContain('金额数字');
    expect(reason('0')).toContain('应大于 0');
    expect(reason('0.00')).toContain('应大于 0');
    expect(reason('-5')).toContain('应大于 0');
    expect(reason('6201.545')).toContain('最多两位小数');
    expect(reason('10,000,000.01')).toContain('不能超过 10,000,000 元');
    expect(reason('99999999999999999')).toContain('不能超过 10,000,000 元');
    expect(() => checkAmountFen(0n, 'amountRecovered', '追回金额')).toThrow('追回金额（amountRecovered）应大于 0');
  });
});
