import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import chineseDays from 'chinese-days';
// One file per function: the package's index loads all three hundred (start-up time).
import { addDays } from 'date-fns/addDays';
import { format } from 'date-fns/format';
import { parseISO } from 'date-fns/parseISO';
import { AppMetaService } from '@sunlight/database';

const FIRST = '2020-01-01';
const LAST = '2035-12-31';

/**
 * The working-day calendar as a table, so that the card sweep counts working days set-based in
 * SQL: workday_index is the number of working days up to and including the day, and the working
 * days between two dates are the difference of their indexes. Built from chinese-days (public
 * holidays off, make-up working days on); rebuilt when chinese-days learns a new year.
 */
@Injectable()
export class WorkingCalendar {
  private ready: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly meta: AppMetaService,
  ) {}

  ensure(): Promise<void> {
    this.ready ??= this.build().catch((error) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  /** Does the calendar table hold `day`? */
  async covers(em: EntityManager, day: string): Promise<boolean> {
    const [row] = await em.query(`SELECT 1 FROM calendar_days WHERE day = $1`, [day]);
    return !!row;
  }

  private async build(): Promise<void> {
    const days: string[] = [];
    const workdays: boolean[] = [];
    const indexes: number[] = [];
    let index = 0;
    for (let d = parseISO(FIRST); ; d = addDays(d, 1)) {
      const day = format(d, 'yyyy-MM-dd');
      const workday = chineseDays.isWorkday(day);
      if (workday) index++;
      days.push(day);
      workdays.push(workday);
      indexes.push(index);
      if (day === LAST) break;
    }
    // A fingerprint of the holidays chinese-days knows: the table is rewritten only when it changes.
    const fingerprint = `${FIRST}/${LAST}/${index}/${workdays.filter((w, i) => w !== isWeekday(days[i])).length}`;
    if ((await this.meta.get<{ fingerprint: string }>('working-calendar'))?.fingerprint === fingerprint) return;
    await this.dataSource.transaction(async (em) => {
      await em.query(`DELETE FROM calendar_days`);
      await em.query(
        `INSERT INTO calendar_days (day, workday, workday_index) SELECT * FROM unnest($1::date[], $2::boolean[], $3::int[])`,
        [days, workdays, indexes],
      );
      await this.meta.set('working-calendar', { fingerprint }, em);
    });
  }
}

function isWeekday(day: string): boolean {
  const dow = parseISO(day).getDay();
  return dow !== 0 && dow !== 6;
}
