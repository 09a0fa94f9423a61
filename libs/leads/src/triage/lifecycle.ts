import type { LeadStatus } from '../entities/index.js';

/** 处置方式: how a confirmed finding is dealt with; a lead may take more than one. */
export const DISPOSALS = ['函询', '谈话', '立案', '移送司法机关', '组织处理', '党纪政务处分'] as const;
export type Disposal = (typeof DISPOSALS)[number];

export type LeadAction =
  | 'assign'
  | 'start-verification'
  | 'dismiss'
  | 'confirm'
  | 'dispose'
  | 'start-rectification'
  | 'record-recovery'
  | 'rectify'
  | 'close'
  | 'clear-card';

/** The deadline a status runs against (config/deadlines.json, in working days), or none. */
export type DeadlineStep = 'verify' | 'dispose' | 'rectify' | 'close';

interface ActionDefinition {
  /** Chinese label for people (409 answers list these). */
  label: string;
  from: readonly LeadStatus[];
  /** The status after the action; undefined keeps the current one. */
  to?: LeadStatus;
  /**
   * The deadline that starts running when the action changes the status (undefined keeps the
   * current one, null stops it): rectification runs from the first disposal.
   */
  starts?: DeadlineStep | null;
  /** A reason is required (dismissals and card clearing must say why). */
  needsReason?: boolean;
}

/**
 * The life of a lead (GLOSSARY "A lead's life") as data:
 * new → assigned → verifying → dismissed | confirmed → disposed → rectifying → rectified → closed.
 * Anything not written here is illegal and answers 409 with the actions that are allowed.
 */
export const LIFECYCLE: Record<LeadAction, ActionDefinition> = {
  assign: { label: '分派', from: ['new', 'assigned', 'verifying', 'confirmed', 'disposed', 'rectifying'], to: undefined },
  'start-verification': { label: '开始核查', from: ['assigned'], to: 'verifying' },
  // Obvious false positives may be dismissed before anyone starts verifying (bulk dismiss).
  dismiss: { label: '查否', from: ['new', 'assigned', 'verifying'], to: 'dismissed', starts: null, needsReason: true },
  confirm: { label: '查实', from: ['verifying'], to: 'confirmed', starts: 'dispose' },
  // A second disposal (谈话 after 函询) is added to the first.
  dispose: { label: '处置', from: ['confirmed', 'disposed'], to: 'disposed', starts: 'rectify' },
  'start-rectification': { label: '开始整改', from: ['disposed'], to: 'rectifying' },
  'record-recovery': { label: '登记收缴/追回', from: ['confirmed', 'disposed', 'rectifying', 'rectified'] },
  rectify: { label: '整改完成', from: ['rectifying'], to: 'rectified', starts: 'close' },
  close: { label: '销号', from: ['rectified', 'dismissed'], to: 'closed', starts: null },
  'clear-card': { label: '撤销预警牌', from: ['new', 'assigned', 'verifying', 'dismissed', 'confirmed', 'disposed', 'rectifying', 'rectified', 'closed'], needsReason: true },
};

export const LEAD_ACTIONS = Object.keys(LIFECYCLE) as LeadAction[];

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

/** Statuses whose deadline has stopped: cards are no longer earned. */
export const SETTLED_STATUSES: readonly LeadStatus[] = ['dismissed', 'closed'];

/** The actions a lead in `status` (holding `card`) may take now. */
export function allowedActions(status: LeadStatus, card: string | null): LeadAction[] {
  return LEAD_ACTIONS.filter((a) => LIFECYCLE[a].from.includes(status) && (a !== 'clear-card' || card !== null));
}

/** The status after `action`; assign moves a new lead to assigned and keeps any later status. */
export function nextStatus(action: LeadAction, status: LeadStatus): LeadStatus {
  if (action === 'assign') return status === 'new' ? 'assigned' : status;
  return LIFECYCLE[action].to ?? status;
}
