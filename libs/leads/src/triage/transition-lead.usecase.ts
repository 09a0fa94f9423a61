import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { checkAmountFen, Clock, ConflictError, fenToYuan, formatYuan, InputError, NotFoundError } from '@sunlight/common';
import { AuditLog } from '@sunlight/audit';
import { UserDirectory } from '@sunlight/accounts';
import type { LeadStatus } from '../lead-types.js';
import { LeadRepository, type LeadChanges, type LeadStepRow } from '../lead.repository.js';
import { InjectDeadlines, type DeadlineSettings } from '../deadlines.js';
import { WorkingDays } from '../working-days.js';
import { ACTION_LABELS, statusLabel } from '../labels.js';
import { allowedActions, DISPOSALS, LEAD_ACTIONS, LIFECYCLE, nextStatus, type LeadAction } from './lifecycle.js';

/** What a person adds to a step: all optional here, required per action by the lifecycle. */
export interface TransitionDetails {
  reason?: string | null;
  finding?: string | null;
  /** Fen. */
  amountConfirmedFen?: bigint | null;
  /** Why the amount confirmed is above the lead's evidence total (required only then). */
  amountReason?: string | null;
  /** Fen, added to what was recovered before. */
  amountRecoveredFen?: bigint | null;
  disposals?: string[];
  assigneeId?: string | null;
  /** References to attachments kept elsewhere (document numbers, file ids). */
  attachments?: string[];
  /** Who typed the command, for steps the command line takes as the system (kept in the audit event). */
  operator?: string | null;
}

export class TransitionLeadCommand {
  constructor(
    readonly leadId: string,
    readonly action: LeadAction,
    readonly details: TransitionDetails = {},
  ) {}
}

export class BulkTransitionCommand {
  constructor(
    readonly leadIds: string[],
    readonly action: Extract<LeadAction, 'assign' | 'dismiss'>,
    readonly details: TransitionDetails = {},
  ) {}
}

export interface LeadState {
  id: string;
  status: LeadStatus;
  outcome: string | null;
  verdict: string | null;
  card: string | null;
  deadline_step: string | null;
  due_on: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  finding: string | null;
  amount_confirmed: string | null;
  amount_recovered: string;
  disposals: string[];
  allowed_actions: LeadAction[];
}

const MAX_BULK = 1000;

/**
 * One step in a lead's life (lifecycle.ts): checks that the step is allowed from where the lead
 * is (409 with the allowed steps if not), records it on the lead and in the audit trail in the
 * same transaction, and starts the next deadline in working days. The row is locked for the
 * few statements of the step only.
 */
@Injectable()
export class TransitionLead {
  constructor(
    private readonly dataSource: DataSource,
    private readonly leads: LeadRepository,
    private readonly audit: AuditLog,
    private readonly users: UserDirectory,
    private readonly clock: Clock,
    @InjectDeadlines() private readonly settings: DeadlineSettings,
  ) {}

  async execute(command: TransitionLeadCommand): Promise<LeadState> {
    const action = checkAction(command.action);
    if (!/^\d{1,18}$/.test(command.leadId)) throw new NotFoundError(`线索 ${command.leadId} 不存在 (no such lead)`);
    const details = normaliseDetails(action, command.details);
    return this.dataSource.transaction(async (em) => {
      const lead = await this.leads.lockInScope(em, command.leadId);
      if (!lead) throw new NotFoundError(`线索 ${command.leadId} 不存在 (no such lead)`);
      const assignee = action === 'assign' ? await this.assignee(em, details.assigneeId!, [lead]) : null;
      return this.apply(em, lead, action, details, assignee);
    });
  }

  /** Bulk assign or bulk dismiss: every lead takes the step, or none does. */
  async bulk(command: BulkTransitionCommand): Promise<{ count: number; leads: LeadState[] }> {
    const action = checkAction(command.action);
    if (action !== 'assign' && action !== 'dismiss') throw new InputError(`批量操作只支持分派和查否，收到 "${action}"`, { column: 'action', value: action, expected: 'assign | dismiss' });
    const ids = [...new Set(command.leadIds)];
    if (!ids.length || ids.length > MAX_BULK) throw new InputError(`批量操作一次 1 至 ${MAX_BULK} 条线索，收到 ${ids.length} 条`, { column: 'leadIds', expected: `1–${MAX_BULK} ids` });
    const bad = ids.find((id) => !/^\d{1,18}$/.test(id));
    if (bad) throw new NotFoundError(`线索 ${bad} 不存在 (no such lead)`);
    const details = normaliseDetails(action, command.details);
    return this.dataSource.transaction(async (em) => {
      const leads = await this.leads.lockAllInScope(em, ids);
      const found = new Set(leads.map((l) => l.id));
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length) throw new NotFoundError(`线索 ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ' 等' : ''} 不存在 (no such lead)`);
      const illegal = leads.filter((l) => !allowedActions(l.status, l.card).includes(action));
      if (illegal.length) {
        throw new ConflictError(`${illegal.length} 条线索当前状态不能“${ACTION_LABELS[action]}”，本次未作任何改动`, {
          action,
          leads: illegal.slice(0, 50).map((l) => ({ id: l.id, status: l.status, allowed: allowedActions(l.status, l.card) })),
        });
      }
      const assignee = action === 'assign' ? await this.assignee(em, details.assigneeId!, leads) : null;
      const states: LeadState[] = [];
      for (const lead of leads) states.push(await this.apply(em, lead, action, details, assignee));
      return { count: states.length, leads: states };
    });
  }

  private async apply(em: EntityManager, lead: LeadStepRow, action: LeadAction, d: NormalisedDetails, assignee: { id: string; name: string } | null): Promise<LeadState> {
    const definition = LIFECYCLE[action];
    // A shortcut's refusal names the other shortcuts too: they are what its caller can type.
    const allowed = allowedActions(lead.status, lead.card, { shortcuts: definition.shortcut });
    if (!allowed.includes(action)) {
      throw new ConflictError(`线索 ${lead.id} 当前为“${statusLabel(lead.status, lead.outcome)}”，不能“${ACTION_LABELS[action]}”；可以：${allowed.map(stepName).join('、') || '无'}`, { status: lead.status, action, allowed });
    }
    const to = nextStatus(action, lead.status);
    const set: LeadChanges = { status: to };
    if (definition.outcome) set.outcome = definition.outcome;
    if (to === 'closed') set.closed_at = this.clock.now();
    if (to !== lead.status && definition.starts !== undefined) {
      // A settled lead keeps the name of its last step; only its deadline stops.
      if (definition.starts) set.deadline_step = definition.starts;
      set.due_on = definition.starts ? WorkingDays.add(this.clock.today(), this.settings.deadlines[definition.starts]) : null;
    }
    switch (action) {
      case 'assign':
        set.assignee_id = assignee!.id;
        set.assignee_name = assignee!.name;
        break;
      case 'dismiss':
      case 'close-dismissed':
        // 查否 is what verification concluded; a lead dismissed before keeps its finding and date.
        Object.assign(set, { verdict: 'dismissed', finding: lead.finding ?? d.finding ?? d.reason, verified_at: lead.verified_at ?? this.clock.now() });
        break;
      case 'confirm': {
        const evidence = await this.leads.evidenceTotalFen(em, lead.id);
        if (d.amountConfirmedFen! > evidence && d.amountReason === null) {
          throw new InputError(`查实金额 ${formatYuan(d.amountConfirmedFen!)} 元超过线索证据合计 ${formatYuan(evidence)} 元，须在 amountReason 中说明理由`, {
            column: 'amountReason',
            expected: `查实金额超过 ${fenToYuan(evidence)} 元的理由`,
          });
        }
        Object.assign(set, { verdict: 'confirmed', finding: d.finding, amount_confirmed_fen: d.amountConfirmedFen!.toString(), verified_at: this.clock.now() });
        break;
      }
      case 'dispose':
        set.disposals = [...new Set([...lead.disposals, ...d.disposals!])];
        break;
      case 'record-recovery': {
        const total = BigInt(lead.amount_recovered_fen) + d.amountRecoveredFen!;
        if (total > BigInt(lead.amount_confirmed_fen ?? 0)) {
          throw new InputError(`追回金额合计 ${fenToYuan(total)} 元超过查实金额 ${fenToYuan(lead.amount_confirmed_fen ?? 0)} 元`, { column: 'amountRecovered', value: fenToYuan(d.amountRecoveredFen!), expected: `≤ ${fenToYuan(BigInt(lead.amount_confirmed_fen ?? 0) - BigInt(lead.amount_recovered_fen))}` });
        }
        set.amount_recovered_fen = total.toString();
        break;
      }
      case 'rectify':
      case 'close-rectified':
        // No verdict: a lead closed as rectified without verification was not thereby confirmed.
        set.rectified_at = lead.rectified_at ?? this.clock.now();
        break;
      case 'clear-card':
        set.card = null;
        set.card_since = null;
        break;
    }
    const updated = await this.leads.change(em, lead.id, set);
    await this.audit.append(
      em,
      {
        action: `lead.${action}`,
        subjectType: 'lead',
        subjectId: lead.id,
        regionCode: lead.region_code,
        reason: d.reason,
        data: compact({
          from: lead.status,
          to,
          outcome: definition.outcome,
          finding: d.finding,
          amountConfirmed: d.amountConfirmedFen != null ? fenToYuan(d.amountConfirmedFen) : undefined,
          amountReason: action === 'confirm' ? d.amountReason : undefined,
          amountRecovered: d.amountRecoveredFen != null ? fenToYuan(d.amountRecoveredFen) : undefined,
          disposals: d.disposals,
          assignee: assignee ? { id: assignee.id, name: assignee.name } : undefined,
          card: action === 'clear-card' ? lead.card : undefined,
          dueOn: set.due_on !== undefined ? set.due_on : undefined,
          attachments: d.attachments.length ? d.attachments : undefined,
          by: d.operator,
        }),
      },
      undefined,
      this.clock.now(),
    );
    return toState(updated);
  }

  /** An active inspector whose region covers every lead being assigned. */
  private async assignee(em: EntityManager, userId: string, leads: LeadStepRow[]): Promise<{ id: string; name: string }> {
    const user = await this.users.findInspector(userId, em);
    if (!user) {
      throw new InputError(`分派对象 ${userId} 不是在岗的核查人员 (no active inspector with this id)`, { column: 'assigneeId', value: userId, expected: 'an active inspector' });
    }
    const outside = leads.find((l) => !l.region_code.startsWith(user.regionCode));
    if (outside) throw new InputError(`核查人员 ${user.displayName} 的辖区 ${user.regionCode} 不含线索 ${outside.id} 所在的 ${outside.region_code}`, { column: 'assigneeId', value: userId, expected: 'an inspector whose region covers the lead' });
    return { id: user.id, name: user.displayName };
  }
}

/** How a refusal names a step: shortcuts as the operator types them. */
function stepName(action: LeadAction): string {
  const { shortcut, outcome } = LIFECYCLE[action];
  return shortcut ? `${ACTION_LABELS[action]} (--as ${outcome})` : `${ACTION_LABELS[action]} (${action})`;
}

interface NormalisedDetails {
  reason: string | null;
  finding: string | null;
  amountConfirmedFen: bigint | null;
  amountReason: string | null;
  amountRecoveredFen: bigint | null;
  disposals: string[] | undefined;
  assigneeId: string | null;
  attachments: string[];
  operator: string | null;
}

function checkAction(action: string): LeadAction {
  if (!LEAD_ACTIONS.includes(action as LeadAction)) {
    throw new InputError(`未知的操作 "${action}"`, { column: 'action', value: String(action), expected: LEAD_ACTIONS.join(' | ') });
  }
  return action as LeadAction;
}

/** Each action's required fields, checked before any row is locked. */
function normaliseDetails(action: LeadAction, d: TransitionDetails): NormalisedDetails {
  const text = (v: string | null | undefined) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const out: NormalisedDetails = {
    reason: text(d.reason),
    finding: text(d.finding),
    amountConfirmedFen: d.amountConfirmedFen ?? null,
    amountReason: text(d.amountReason),
    amountRecoveredFen: d.amountRecoveredFen ?? null,
    disposals: d.disposals,
    assigneeId: d.assigneeId ?? null,
    attachments: (d.attachments ?? []).map((a) => String(a).trim()).filter(Boolean),
    operator: text(d.operator),
  };
  const need = (ok: boolean, column: string, message: string, expected: string) => {
    if (!ok) throw new InputError(message, { column, expected });
  };
  if (LIFECYCLE[action].needsReason) need(out.reason !== null, 'reason', `“${ACTION_LABELS[action]}”须说明理由`, 'a reason');
  if (action === 'assign') need(out.assigneeId !== null, 'assigneeId', '分派须指定核查人员', 'assigneeId');
  if (action === 'confirm') {
    need(out.finding !== null, 'finding', '查实须填写核查结论', 'finding');
    need(out.amountConfirmedFen !== null, 'amountConfirmed', '查实须填写查实金额（元）', 'amountConfirmed');
    checkAmountFen(out.amountConfirmedFen!, 'amountConfirmed', '查实金额');
  }
  if (action === 'dispose') {
    need(!!out.disposals?.length, 'disposals', `处置须选择至少一种处置方式：${DISPOSALS.join('、')}`, DISPOSALS.join(' | '));
    const unknown = out.disposals!.find((x) => !(DISPOSALS as readonly string[]).includes(x));
    if (unknown) throw new InputError(`未知的处置方式 "${unknown}"`, { column: 'disposals', value: unknown, expected: DISPOSALS.join(' | ') });
  }
  if (action === 'record-recovery') {
    need(out.amountRecoveredFen !== null, 'amountRecovered', '须填写本次追回金额（元）', 'amountRecovered');
    checkAmountFen(out.amountRecoveredFen!, 'amountRecovered', '追回金额');
  }
  return out;
}

function compact(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined && v !== null));
}

function toState(row: LeadStepRow): LeadState {
  return {
    id: row.id,
    status: row.status,
    outcome: row.outcome,
    verdict: row.verdict,
    card: row.card,
    deadline_step: row.deadline_step,
    due_on: row.due_on,
    assignee_id: row.assignee_id,
    assignee_name: row.assignee_name,
    finding: row.finding,
    amount_confirmed: row.amount_confirmed_fen != null ? fenToYuan(row.amount_confirmed_fen) : null,
    amount_recovered: fenToYuan(row.amount_recovered_fen ?? 0),
    disposals: row.disposals ?? [],
    allowed_actions: allowedActions(row.status, row.card),
  };
}
