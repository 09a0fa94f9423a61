import { ActorContext, InputError, NotFoundError } from '@sunlight/common';
import { cohortOf } from './lead-statistics.usecase.js';

const asSupervisor = <T>(fn: () => T) => ActorContext.run({ userId: '7', username: 'su', role: 'supervisor', scope: '4210' }, fn);

describe('the cohort of a statistics question', () => {
  it('takes real days, from before to, and a region inside the scope', () => {
    expect(asSupervisor(() => cohortOf('421087', '2025-03-01', '2025-03-31'))).toEqual({ region: '421087', from: '2025-03-01', to: '2025-03-31' });
    expect(asSupervisor(() => cohortOf(null, '2025-03-01', '2025-03-01'))).toEqual({ region: '', from: '2025-03-01', to: '2025-03-01' });
  });

  it('refuses a day that is not in the calendar, naming the field', () => {
    for (const day of ['2025-02-31', '2025-13-01', '2025-04-31', '2025-3-1']) {
      expect(() => asSupervisor(() => cohortOf(null, day, '2025-12-31'))).toThrow(InputError);
      expect(() => asSupervisor(() => cohortOf(null, '2025-01-01', day.replace('2025', '2026')))).toThrow(/to 应为日期/);
    }
    expect(() => asSupervisor(() => cohortOf(null, '2024-02-29', '2024-03-01'))).not.toThrow(); // a leap day
  });

  it('refuses from after to, and a region outside the scope as not found', () => {
    expect(() => asSupervisor(() => cohortOf(null, '2025-04-01', '2025-03-01'))).toThrow(/晚于/);
    expect(() => asSupervisor(() => cohortOf('131121', '2025-01-01', '2025-03-01'))).toThrow(NotFoundError);
    expect(() => asSupervisor(() => cohortOf('42', '2025-01-01', '2025-03-01'))).toThrow(NotFoundError);
  });
});
