import { shanghaiDate, shanghaiDateTime, shanghaiHour } from './clock.js';

describe('times in Asia/Shanghai', () => {
  // 16:30 UTC on the last day of a year is already the next year in Shanghai (UTC+8).
  const instant = new Date('2026-12-31T16:30:00Z');
  it('dates, hours and minutes are Shanghai time whatever the machine says', () => {
    expect(shanghaiDate(instant)).toBe('2027-01-01');
    expect(shanghaiHour(instant)).toBe('00');
    expect(shanghaiDateTime(instant)).toBe('2027-01-01 00:30');
  });
});
