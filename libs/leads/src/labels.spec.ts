import { LEAD_LABELS, statusLabel } from './labels.js';
import { DISPOSALS, LEAD_ACTIONS } from './triage/lifecycle.js';

describe('lead labels', () => {
  it('name every action, disposal and card in Chinese', () => {
    const chinese = /[\u4e00-\u9fff]/;
    expect(Object.keys(LEAD_LABELS.action).sort()).toEqual([...LEAD_ACTIONS].sort());
    expect(Object.keys(LEAD_LABELS.disposal)).toEqual([...DISPOSALS]);
    expect(Object.keys(LEAD_LABELS.card)).toEqual(['blue', 'yellow', 'red']);
    for (const labels of Object.values(LEAD_LABELS)) for (const label of Object.values(labels)) expect(label).toMatch(chinese);
  });

  it('says how a closed lead was closed', () => {
    expect(statusLabel('closed', 'dismissed')).toBe('已销号（查否）');
    expect(statusLabel('closed', null)).toBe('已销号');
    expect(statusLabel('verifying', null)).toBe('核查中');
  });
});
