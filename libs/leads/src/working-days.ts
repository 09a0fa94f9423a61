import chineseDays from 'chinese-days';

/**
 * Deadlines run in working days: Chinese public holidays are off, make-up working days
 * (调休, e.g. a Saturday before the Spring Festival) are on. chinese-days carries the State
 * Council's calendar; for a year it does not know yet, Monday to Friday are working days.
 */
export class WorkingDays {
  /** The date `count` working days after `date` (YYYY-MM-DD). */
  static add(date: string, count: number): string {
    return chineseDays.findWorkday(count, date);
  }

  static isWorkday(date: string): boolean {
    return chineseDays.isWorkday(date);
  }

  /**
   * Working days from `from` (exclusive) to `to` (inclusive); negative when `to` is earlier.
   * "3 working days away" means between(today, due) === 3.
   */
  static between(from: string, to: string): number {
    if (from === to) return 0;
    const [start, end, sign] = from < to ? [from, to, 1] : [to, from, -1];
    const days = chineseDays.getWorkdaysInRange(start, end, true) as string[];
    const count = days.filter((d) => d > start && d <= end).length;
    return sign * count;
  }
}
