import { diffSettings } from './rule-diff.js';

describe('the diff of two rule versions', () => {
  it('names each field that changed, with both values', () => {
    const v1 = { enabled: true, severity: 'high' as const, params: { minIds: 3, minHouseholds: 2 } };
    expect(diffSettings(v1, { ...v1, params: { minIds: 4, minHouseholds: 2 } })).toEqual([{ field: 'params.minIds', from: 3, to: 4 }]);
    expect(diffSettings(v1, { enabled: false, severity: 'low', params: { minIds: 3, minHouseholds: 2 } })).toEqual([
      { field: 'enabled', from: true, to: false },
      { field: 'severity', from: 'high', to: 'low' },
    ]);
  });

  it('shows a parameter one side lacks as null, and nothing for equal versions', () => {
    expect(diffSettings({ enabled: true, severity: 'high', params: {} }, { enabled: true, severity: 'high', params: { graceMonths: 1 } })).toEqual([
      { field: 'params.graceMonths', from: null, to: 1 },
    ]);
    expect(diffSettings({ enabled: true, severity: 'high', params: { a: 1 } }, { enabled: true, severity: 'high', params: { a: 1 } })).toEqual([]);
  });
});
