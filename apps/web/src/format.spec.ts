import { describe, expect, it } from 'vitest';
import { formatDate, formatMoney, formatMonth, formatTime, formatYuanText, parseYuan } from './format';

describe('format', () => {
  it('writes instants in Asia/Shanghai to the minute', () => {
    expect(formatTime('2026-11-30T16:58:00.751Z')).toBe('2026-12-01 00:58');
    expect(formatTime('2026-01-01T00:00:00+08:00')).toBe('2026-01-01 00:00');
    expect(formatTime(null)).toBe('');
  });

  it('keeps calendar dates as they are and cuts timestamps to the Shanghai day', () => {
    expect(formatDate('2026-11-30')).toBe('2026-11-30');
    expect(formatDate('2026-11-30T17:00:00Z')).toBe('2026-12-01');
  });

  it('writes fen as yuan with separators and two decimals', () => {
    expect(formatMoney('123456789')).toBe('1,234,567.89');
    expect(formatMoney(5)).toBe('0.05');
    expect(formatMoney('-100000')).toBe('-1,000.00');
  });

  it('writes yuan strings with separators and two decimals', () => {
    expect(formatYuanText('1234567.8')).toBe('1,234,567.80');
    expect(formatYuanText('0.00')).toBe('0.00');
    expect(formatYuanText(null)).toBe('');
  });

  it('reads typed yuan into fen and refuses what is not an amount', () => {
    expect(parseYuan('1,234.5')).toBe('123450');
    expect(parseYuan('650')).toBe('65000');
    expect(parseYuan('1.234')).toBeNull();
    expect(parseYuan('abc')).toBeNull();
  });

  it('names a month in Chinese', () => {
    expect(formatMonth('2026-03')).toBe('2026年3月');
  });
});
