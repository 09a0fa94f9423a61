import { fenToYuan, formatYuan, yuanToFen } from './money.js';

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
});
