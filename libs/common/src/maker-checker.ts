import type { Actor } from './actor.js';
import { ConflictError, ForbiddenError, InputError } from './errors.js';

// The rule of four eyes (双人复核) for settings kept as versions (rules, programs): an admin
// drafts a change with a reason, another admin decides it.

export function requireAdmin(actor: Actor, what: string): void {
  if (actor.role !== 'admin') throw new ForbiddenError(`只有系统管理员可以${what}（${actor.username} 不是管理员） (only an admin may do this)`);
}

export function requireReason(reason: string | undefined | null): string {
  const text = reason?.trim() ?? '';
  if (!text) throw new InputError('reason: 须说明理由 (a reason is required)', { column: 'reason', expected: '非空文字' });
  if (text.length > 2000) throw new InputError('reason: 理由至多 2000 字 (at most 2000 characters)', { column: 'reason', expected: '至多 2000 字' });
  return text;
}

/** A change the checker may decide: still pending, and not their own. */
export function requireDecidable(change: { id: string; status: string; authorId: string }, checker: Actor, noun: string): void {
  if (change.status !== 'pending') {
    throw new ConflictError(`${noun} ${change.id} 已${change.status === 'approved' ? '批准' : '驳回'}，不能再次审批 (already decided)`, { status: change.status });
  }
  if (change.authorId === checker.userId) {
    throw new ForbiddenError(`不能审批自己提出的${noun}：须由另一名管理员审批 (maker-checker: the author may not decide their own change)`);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** When an approved version goes live: 00:00 Asia/Shanghai of `from` (YYYY-MM-DD), or `now` without one. */
export function effectiveFrom(from: string | undefined, now: Date): Date {
  if (from === undefined) return now;
  const parsed = DATE.test(from) ? Date.parse(`${from}T00:00:00Z`) : NaN;
  if (Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== from) {
    throw new InputError(`from: 应为日期 YYYY-MM-DD，得到 ${from} (expected a date)`, { column: 'from', value: from, expected: 'YYYY-MM-DD' });
  }
  return new Date(`${from}T00:00:00+08:00`);
}
