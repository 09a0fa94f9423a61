import { summarize, type RuleResultRow } from './check-run-results.js';

const row = (rule_code: string, raised: Record<string, number>, updated = 0, error: string | null = null): RuleResultRow => ({ rule_code, raised, updated, lead_ids: [], error });

describe('check run totals', () => {
  it('are the sum of the rules’ rows, R12 repeats counted under R12', () => {
    expect(summarize([row('R01', { R01: 2, R12: 1 }, 3), row('R06', { R06: 1 }), row('R07', {}, 2), row('R09', {}, 0, 'boom')])).toEqual({
      leadsRaised: 4,
      leadsUpdated: 5,
      byRule: { R01: 2, R12: 1, R06: 1 },
      updatedByRule: { R01: 3, R07: 2 },
      failedRules: { R09: 'boom' },
    });
  });

  it('are zero for a run with no rows', () => {
    expect(summarize([])).toEqual({ leadsRaised: 0, leadsUpdated: 0, byRule: {}, updatedByRule: {}, failedRules: {} });
  });
});
