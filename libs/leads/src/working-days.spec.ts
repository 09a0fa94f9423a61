import { WorkingDays } from './working-days.js';

describe('working days', () => {
  it('skips the Spring Festival and counts the make-up Sunday (2024)', () => {
    // 2024-02-10 … 17 off; Sunday 2024-02-18 is a working day.
    expect(WorkingDays.add('2024-02-09', 1)).toBe('2024-02-18');
    expect(WorkingDays.add('2024-02-09', 2)).toBe('2024-02-19');
    expect(WorkingDays.isWorkday('2024-02-04')).toBe(true); // make-up Sunday before the festival
    expect(WorkingDays.isWorkday('2024-02-12')).toBe(false);
  });

  it('counts working days between dates, negative when past', () => {
    expect(WorkingDays.between('2024-02-08', '2024-02-19')).toBe(3); // 09, 18, 19
    expect(WorkingDays.between('2024-02-19', '2024-02-08')).toBe(-3);
    expect(WorkingDays.between('2024-03-01', '2024-03-01')).toBe(0);
  });
});
