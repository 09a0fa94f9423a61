import type { LeadOutcome, LeadStatus, Severity, WarningCard } from './lead-types.js';
import { DISPOSALS, LEAD_ACTIONS, type Disposal, type LeadAction } from './triage/lifecycle.js';
import { ATTACHMENT_KIND_LABELS } from './attachments.js';
import { NOTICE_KINDS, NOTICE_STATUS_LABELS, type NoticeKind } from './triage/notices.usecase.js';

/**
 * The Chinese names people see for a lead's statuses, steps, verdicts, outcomes, disposals and
 * cards: defined here once, for messages, the command line and whoever serves them to the console.
 */

export const STATUS_LABELS: Record<LeadStatus, string> = {
  new: '新线索',
  assigned: '已分派',
  verifying: '核查中',
  dismissed: '查否',
  confirmed: '查实',
  disposed: '已处置',
  rectifying: '整改中',
  rectified: '已整改',
  closed: '已销号',
};

export const ACTION_LABELS: Record<LeadAction, string> = {
  assign: '分派',
  'start-verification': '开始核查',
  dismiss: '查否',
  confirm: '查实',
  dispose: '处置',
  'start-rectification': '开始整改',
  'record-recovery': '登记收缴/追回',
  rectify: '整改完成',
  close: '销号',
  'clear-card': '撤销预警牌',
  'close-rectified': '销号（已整改）',
  'close-dismissed': '销号（查否）',
};

export const VERDICT_LABELS: Record<'confirmed' | 'dismissed', string> = { confirmed: '查实', dismissed: '查否' };

export const OUTCOME_LABELS: Record<LeadOutcome, string> = { rectified: '已整改', dismissed: '查否', withdrawn: '系统撤回' };

/** Disposals are stored under their Chinese names: each is its own label. */
export const DISPOSAL_LABELS = Object.fromEntries(DISPOSALS.map((d) => [d, d])) as Record<Disposal, string>;

export const CARD_LABELS: Record<WarningCard, string> = { blue: '蓝牌', yellow: '黄牌', red: '红牌' };

export const SEVERITY_LABELS: Record<Severity, string> = { high: '高', medium: '中', low: '低' };

/**
 * The events of a lead's history (audit actions on the lead): each step by its name, and what
 * is not a step — a card the sweep set, a reveal of personal data, an attachment.
 */
export const EVENT_LABELS: Record<string, string> = {
  ...Object.fromEntries(LEAD_ACTIONS.map((a) => [`lead.${a}`, ACTION_LABELS[a]])),
  'lead.card': '亮预警牌',
  'lead.withdraw': '系统撤回',
  'lead.reveal': '查看完整身份证号和账号',
  'lead.attach': '上传附件',
  'lead.attachment-download': '下载附件',
};

/** Every label above, by kind. */
export const LEAD_LABELS = {
  status: STATUS_LABELS,
  severity: SEVERITY_LABELS,
  action: ACTION_LABELS,
  verdict: VERDICT_LABELS,
  outcome: OUTCOME_LABELS,
  disposal: DISPOSAL_LABELS,
  card: CARD_LABELS,
  event: EVENT_LABELS,
  attachmentKind: ATTACHMENT_KIND_LABELS,
  noticeKind: Object.fromEntries(Object.entries(NOTICE_KINDS).map(([kind, k]) => [kind, k.title])) as Record<NoticeKind, string>,
  noticeStatus: NOTICE_STATUS_LABELS,
} as const;

/** A lead's status as people say it: a closed lead with its outcome (已销号（查否）). */
export function statusLabel(status: LeadStatus, outcome: LeadOutcome | null): string {
  return status === 'closed' && outcome ? `${STATUS_LABELS.closed}（${OUTCOME_LABELS[outcome]}）` : STATUS_LABELS[status];
}
