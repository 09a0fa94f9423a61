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

const SHANGHAI_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

export function shanghaiDate(instant: Date): string {
  return SHANGHAI_DAY.format(instant);
}

export const TIME_ZONE = 'Asia/Shanghai';
