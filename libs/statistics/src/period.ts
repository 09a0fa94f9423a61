import { differenceInCalendarMonths } from 'date-fns/differenceInCalendarMonths';
import { parseISO } from 'date-fns/parseISO';
import { Clock, InputError } from '@sunlight/common';
import { cohortOf, MAX_MONTHS, type Cohort } from '@sunlight/leads';

/**
 * The cohort a figures question asks about: a region subtree inside the actor's scope ('' or
 * null: the whole scope) and the days on which its leads were raised, by default this year up
 * to today (Asia/Shanghai). Checked as `cohortOf` checks it, and at most MAX_MONTHS months long.
 */
export function periodCohort(clock: Clock, regionCode: string | null, from: string | null, to: string | null): Cohort {
  const today = clock.today();
  const cohort = cohortOf(regionCode, from ?? `${(to ?? today).slice(0, 4)}-01-01`, to ?? today);
  const months = differenceInCalendarMonths(parseISO(cohort.to), parseISO(cohort.from)) + 1;
  if (months > MAX_MONTHS) throw new InputError(`统计期间最长 ${MAX_MONTHS} 个月，${cohort.from} 至 ${cohort.to} 共 ${months} 个月`, { column: 'from', value: cohort.from, expected: `${MAX_MONTHS} 个月以内` });
  return cohort;
}
