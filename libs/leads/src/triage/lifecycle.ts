import type { LeadOutcome, LeadStatus } from '../lead-types.js';

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
  | 'clear-card'
  | 'close-rectified'
  | 'close-dismissed';

/**
 * A lead nobody has judged yet: it may still be dismissed, and a check over all data may still
 * withdraw what it no longer finds (LeadLedger).
 */
export const UNJUDGED_STATUSES = ['new', 'assigned', 'verifying'] as const satisfies readonly LeadStatus[];

/** The deadline a status runs against (config/deadlines.json, in working days), or none. */
export type DeadlineStep = 'verify' | 'dispose' | 'rectify' | 'close';

/** An action's Chinese name is in labels.ts (ACTION_LABELS). */
interface ActionDefinition {
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
  /** The outcome the action records: it decides what later evidence of the key does (R12 after rectified, counted after dismissed). */
  outcome?: LeadOutcome;
  /**
   * The operator's scripting shortcut of CONTRACT §5 (`leads close ID --as …`): taken on the
   * command line only, so it is never offered to people in the queue or the API.
   */
  shortcut?: boolean;
}

/**
 * The life of a lead (GLOSSARY "A lead's life") as data:
 * new → assigned → verifying → dismissed | confirmed → disposed → rectifying → rectified → closed.
 * Anything not written here is illegal and answers 409 with the actions that are allowed.
 */
export const LIFECYCLE: Record<LeadAction, ActionDefinition> = {
  assign: { from: ['new', 'assigned', 'verifying', 'confirmed', 'disposed', 'rectifying'], to: undefined },
  'start-verification': { from: ['assigned'], to: 'verifying' },
  // Obvious false positives may be dismissed before anyone starts verifying (bulk dismiss).
  dismiss: { from: UNJUDGED_STATUSES, to: 'dismissed', starts: null, needsReason: true, outcome: 'dismissed' },
  confirm: { from: ['verifying'], to: 'confirmed', starts: 'dispose' },
  // A second disposal (谈话 after 函询) is added to the first.
  dispose: { from: ['confirmed', 'disposed'], to: 'disposed', starts: 'rectify' },
  'start-rectification': { from: ['disposed'], to: 'rectifying' },
  'record-recovery': { from: ['confirmed', 'disposed', 'rectifying', 'rectified'] },
  rectify: { from: ['rectifying'], to: 'rectified', starts: 'close', outcome: 'rectified' },
  close: { from: ['rectified', 'dismissed'], to: 'closed', starts: null },
  'clear-card': { from: ['new', 'assigned', 'verifying', 'dismissed', 'confirmed', 'disposed', 'rectifying', 'rectified', 'closed'], needsReason: true },
  // The shortcuts close in one step what people close in several, but only where the outcome
  // does not contradict what the lead already is: a lead confirmed (查实) is not closed as
  // dismissed, a dismissed one not as rectified, and a closed one not again. They record the
  // outcome and nothing that did not happen (no verdict "confirmed" for an unverified lead).
  'close-rectified': { from: ['new', 'assigned', 'verifying', 'confirmed', 'disposed', 'rectifying', 'rectified'], to: 'closed', starts: null, outcome: 'rectified', shortcut: true },
  'close-dismissed': { from: ['new', 'assigned', 'verifying', 'dismissed'], to: 'closed', starts: null, outcome: 'dismissed', shortcut: true },
};

export const LEAD_ACTIONS = Object.keys(LIFECYCLE) as LeadAction[];

/** The steps people take (the API, the console): every action but the operator's shortcuts. */
export const STEP_ACTIONS = LEAD_ACTIONS.filter((a) => !LIFECYCLE[a].shortcut);

/** The operator's `leads close ID --as OUTCOME` as the lifecycle action it is. */
export const CLOSE_ACTIONS: Record<Exclude<LeadOutcome, 'withdrawn'>, LeadAction> = { rectified: 'close-rectified', dismissed: 'close-dismissed' };

/** Statuses whose deadline has stopped: cards are no longer earned. */
export const SETTLED_STATUSES: readonly LeadStatus[] = ['dismissed', 'closed'];

/** The actions a lead in `status` (holding `card`) may take now; the shortcuts only when asked for. */
export function allowedActions(status: LeadStatus, card: string | null, options: { shortcuts?: boolean } = {}): LeadAction[] {
  return (options.shortcuts ? LEAD_ACTIONS : STEP_ACTIONS).filter((a) => LIFECYCLE[a].from.includes(status) && (a !== 'clear-card' || card !== null));
}

/** The status after `action`; assign moves a new lead to assigned and keeps any later status. */
export function nextStatus(action: LeadAction, status: LeadStatus): LeadStatus {
  if (action === 'assign') return status === 'new' ? 'assigned' : status;
  return LIFECYCLE[action].to ?? status;
}
