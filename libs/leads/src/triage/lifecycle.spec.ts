import { allowedActions, LEAD_ACTIONS, LIFECYCLE, nextStatus } from './lifecycle.js';

describe('lead lifecycle', () => {
  it('walks the whole life: new → assigned → verifying → confirmed → disposed → rectifying → rectified → closed', () => {
    const path = ['assign', 'start-verification', 'confirm', 'dispose', 'start-rectification', 'rectify', 'close'] as const;
    let status = 'new' as Parameters<typeof nextStatus>[1];
    const seen = [status];
    for (const action of path) {
      expect(allowedActions(status, null)).toContain(action);
      status = nextStatus(action, status);
      seen.push(status);
    }
    expect(seen).toEqual(['new', 'assigned', 'verifying', 'confirmed', 'disposed', 'rectifying', 'rectified', 'closed']);
  });

  it('allows nothing from closed but clearing a card', () => {
    expect(allowedActions('closed', null)).toEqual([]);
    expect(allowedActions('closed', 'red')).toEqual(['clear-card']);
  });

  it('does not let a lead skip verification', () => {
    expect(allowedActions('new', null)).not.toContain('confirm');
    expect(allowedActions('assigned', null)).not.toContain('confirm');
    expect(allowedActions('confirmed', null)).not.toContain('rectify');
  });

  it('keeps the status on reassignment and recovery', () => {
    expect(nextStatus('assign', 'verifying')).toBe('verifying');
    expect(nextStatus('record-recovery', 'rectifying')).toBe('rectifying');
  });

  it('names each step differently, in Chinese, so that a 409 listing the allowed steps is unambiguous', () => {
    const labels = LEAD_ACTIONS.map((a) => LIFECYCLE[a].label);
    expect(new Set(labels).size).toBe(LEAD_ACTIONS.length);
    expect(labels.filter((l) => !/^\p{Script=Han}/u.test(l))).toEqual([]);
  });
});
