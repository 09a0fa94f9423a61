import { TIME_ZONE } from './time-zone.js';

/**
 * Dates in Sunlight are calendar days in Asia/Shanghai. The Clock is injectable so that
 * deadlines and warning cards can be tested with a simulated "today".
 */
export abstract class Clock {
  abstract now(): Date;

  /** Today in Asia/Shanghai as 'YYYY-MM-DD'. */
  today(): string {
    return shanghaiDate(this.now());
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that stands still until moved: for tests and simulations. */
export class FixedClock extends Clock {
  constructor(private current: Date) {
    super();
  }
  now(): Date {
    return this.current;
  }
  set(date: Date | string): void {
    this.current = typeof date === 'string' ? new Date(`${date}T09:00:00+08:00`) : date;
  }
}

/** The one time zone of the domain: dates, deadlines, schedules and every time shown to people. */
export { TIME_ZONE };

const SHANGHAI_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const SHANGHAI_HOUR = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', hour12: false });
const SHANGHAI_MINUTE = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hour12: false });

/** `YYYY-MM-DD` of an instant in Asia/Shanghai. */
export function shanghaiDate(instant: Date): string {
  return SHANGHAI_DAY.format(instant);
}

/** The hour (`00`–`23`) of an instant in Asia/Shanghai. */
export function shanghaiHour(instant: Date): string {
  return SHANGHAI_HOUR.format(instant);
}

/** `YYYY-MM-DD HH:mm` in Asia/Shanghai: how times are shown to people. */
export function shanghaiDateTime(instant: Date): string {
  return `${shanghaiDate(instant)} ${SHANGHAI_MINUTE.format(instant)}`;
}
