import type { Actor } from './actor.js';
import { effectiveFrom, requireAdmin, requireDecidable, requireReason } from './maker-checker.js';

const admin: Actor = { userId: '2', username: 'checker', role: 'admin', scope: '' };

describe('maker-checker', () => {
  it('goes live at 00:00 Asia/Shanghai of the stated day, or now without one; a day that does not exist is refused', () => {
    const now = new Date('2026-12-01T01:00:00Z');
    expect(effectiveFrom(undefined, now)).toBe(now);
    expect(effectiveFrom('2027-01-01', now).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(() => effectiveFrom('2027-02-30', now)).toThrow(/from: 应为日期 YYYY-MM-DD，得到 2027-02-30/);
    expect(() => effectiveFrom('tomorrow', now)).toThrow(/from: 应为日期/);
  });

  it('lets only another admin decide a pending change, and wants a reason', () => {
    expect(() => requireDecidable({ id: '7', status: 'pending', authorId: '2' }, admin, '规则变更')).toThrow('不能审批自己提出的规则变更：须由另一名管理员审批');
    expect(() => requireDecidable({ id: '7', status: 'rejected', authorId: '1' }, admin, '规则变更')).toThrow('规则变更 7 已驳回，不能再次审批');
    expect(() => requireDecidable({ id: '7', status: 'pending', authorId: '1' }, admin, '规则变更')).not.toThrow();
    expect(() => requireAdmin({ ...admin, role: 'inspector' }, '审批规则变更')).toThrow('只有系统管理员可以审批规则变更');
    expect(() => requireReason('  ')).toThrow(/须说明理由/);
    expect(requireReason(' 政策调整 ')).toBe('政策调整');
  });
});
