import { ACTION_LABELS } from '../labels.js';
import { allowedActions, CLOSE_ACTIONS, LEAD_ACTIONS, LIFECYCLE, nextStatus, STEP_ACTIONS } from './lifecycle.js';

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

  it("offers the operator's close shortcuts only when asked, and only where the outcome fits what the lead is", () => {
    expect(STEP_ACTIONS).not.toContain('close-rectified');
    expect(allowedActions('new', null)).toEqual(['assign', 'dismiss']);
    const shortcuts = (status: Parameters<typeof nextStatus>[1]) => allowedActions(status, null, { shortcuts: true }).filter((a) => LIFECYCLE[a].shortcut);
    expect(shortcuts('new')).toEqual(['close-rectified', 'close-dismissed']);
    expect(shortcuts('verifying')).toEqual(['close-rectified', 'close-dismissed']);
    expect(shortcuts('confirmed')).toEqual(['close-rectified']); // 查实 is never closed as 查否
    expect(shortcuts('dismissed')).toEqual(['close-dismissed']);
    expect(shortcuts('closed')).toEqual([]);
    expect(nextStatus(CLOSE_ACTIONS.rectified, 'new')).toBe('closed');
    expect(LIFECYCLE[CLOSE_ACTIONS.dismissed].outcome).toBe('dismissed');
  });

  it('names each step differently, in Chinese, so that a 409 listing the allowed steps is unambiguous', () => {
    const labels = LEAD_ACTIONS.map((a) => ACTION_LABELS[a]);
    expect(new Set(labels).size).toBe(LEAD_ACTIONS.length);
    expect(labels.filter((l) => !/^\p{Script=Han}/u.test(l))).toEqual([]);
  });
});
