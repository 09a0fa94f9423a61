import { BadRequestException } from '@nestjs/common';
import { FROM_THE_START } from '@sunlight/ingestion';
import { IdPipe, afterRow, beforeId, pageSize } from './whole-number.pipe.js';

describe('whole numbers in queries and paths', () => {
  it.each(['1e999', '-1', 'abc', '1.5', '', ' 1', '0x10', '99999999999999999999999', 'Infinity'])('refuses after=%p with a Chinese message naming it', (value) => {
    const pipe = afterRow();
    if (value === '') return expect(pipe.transform(value)).toBe(FROM_THE_START); // absent: from the start, row 0 included
    expect(() => pipe.transform(value)).toThrow(BadRequestException);
    try {
      pipe.transform(value);
    } catch (err) {
      expect(((err as BadRequestException).getResponse() as { message: string }).message).toMatch(/^参数 after 应为非负整数，不大于 2147483647/);
    }
  });

  it('reads good values and defaults', () => {
    expect(afterRow().transform('0')).toBe(0);
    expect(afterRow().transform('2147483647')).toBe(2147483647);
    expect(pageSize().transform(undefined)).toBe(50);
    expect(pageSize().transform('200')).toBe(200);
    expect(() => pageSize().transform('201')).toThrow(BadRequestException);
    expect(() => pageSize().transform('0')).toThrow(BadRequestException);
    expect(beforeId().transform(undefined)).toBeUndefined();
    expect(beforeId().transform('123')).toBe('123');
  });

  it.each(['0', '-1', '1e3', 'abc', '1234567890123456789', ''])('refuses the id %p', (value) => {
    expect(() => new IdPipe().transform(value)).toThrow(/参数 id 应为正整数/);
  });

  it('keeps an id as text', () => {
    expect(new IdPipe().transform('999999999999999999')).toBe('999999999999999999');
  });
});
