import { Injectable } from '@nestjs/common';
import { fenToYuan, NotFoundError } from '@sunlight/common';
import { AuditLog } from '@sunlight/audit';
import { UserNames } from '@sunlight/accounts';
import { LeadRepository } from './lead.repository.js';
import { ExportLeads, ExportLeadsCommand, type ExportedLead } from './export-leads.usecase.js';
import { allowedActions, LEAD_ACTIONS, type LeadAction } from './triage/lifecycle.js';
import { LeadAttachmentRepository, type LeadAttachment } from './attachments.js';
import { readableFacts, type ReadableFact } from './lead-facts.js';

/** One event of a lead's history, as the console writes it: "2026-11-30 16:58 宋子（纪委核查）分派". */
export interface LeadHistoryEntry {
  id: string;
  /** The audit action: `lead.assign` …, `lead.card`, `lead.reveal`, `lead.attach`; its name is labels.event. */
  action: string;
  /** The lifecycle step (labels.action), null for events that are not steps. */
  step: LeadAction | null;
  /** ISO 8601 (UTC); shown in Asia/Shanghai. */
  at: string;
  actorId: string;
  /** The actor's username (`system` for the sweep and the command line). */
  actorName: string;
  /** The actor's display name, else the username. */
  actorDisplayName: string;
  /** `uploader`, `inspector`, `supervisor`, `admin` (labels.role) or `system`. */
  actorRole: string;
  reason: string | null;
  /** What the step recorded (from, to, finding, amounts in yuan, disposals, assignee, attachments …). */
  data: Record<string, unknown>;
}

/** Where a lead stands in triage (its detail page). */
export interface LeadTriage {
  assignee_id: string | null;
  assignee_name: string | null;
  deadline_step: string | null;
  verdict: string | null;
  finding: string | null;
  amount_confirmed: string | null;
  amount_recovered: string;
  disposals: string[];
  allowed_actions: LeadAction[];
}

export interface LeadDetail extends ExportedLead {
  /** The evidence's registry facts with their fields named in Chinese. */
  registry_facts: ReadableFact[];
  history: LeadHistoryEntry[];
  triage: LeadTriage;
  attachments: LeadAttachment[];
}

/**
 * One lead in the actor's scope with its evidence, its history and its attachments; a lead
 * outside the scope answers "no such lead", so that its existence does not leak.
 */
@Injectable()
export class GetLead {
  constructor(
    private readonly leads: LeadRepository,
    private readonly exportLeads: ExportLeads,
    private readonly audit: AuditLog,
    private readonly attachments: LeadAttachmentRepository,
    private readonly names: UserNames,
  ) {}

  async execute(leadId: string): Promise<LeadDetail> {
    if (!/^\d{1,18}$/.test(leadId)) throw new NotFoundError(`线索 ${leadId} 不存在 (no such lead)`);
    if (!(await this.leads.isVisible(leadId))) throw new NotFoundError(`线索 ${leadId} 不存在 (no such lead)`);
    const lead = (await this.exportLeads.one(leadId))!;
    const events = await this.audit.history('lead', leadId);
    const names = await this.names.execute(events.map((e) => e.actorId));
    const history = events.map((e): LeadHistoryEntry => {
      const step = e.action.startsWith('lead.') ? e.action.slice(5) : '';
      return {
        id: e.id,
        action: e.action,
        step: allowedStep(step),
        at: e.at,
        actorId: e.actorId,
        actorName: e.actorName,
        actorDisplayName: names.get(e.actorId)?.displayName ?? (e.actorId === 'system' ? '系统' : e.actorName),
        actorRole: e.actorRole,
        reason: e.reason ?? null,
        data: e.data ?? {},
      };
    });
    const t = (await this.leads.triageOf(leadId))!;
    const yuan = (fen: string | null) => (fen == null ? null : fenToYuan(fen));
    const triage: LeadTriage = {
      assignee_id: t.assignee_id,
      assignee_name: t.assignee_name,
      deadline_step: t.deadline_step,
      verdict: t.verdict,
      finding: t.finding,
      amount_confirmed: yuan(t.amount_confirmed_fen),
      amount_recovered: yuan(t.amount_recovered_fen)!,
      disposals: t.disposals,
      allowed_actions: allowedActions(t.status, t.card),
    };
    return { ...lead, registry_facts: readableFacts(lead.evidence.facts), history, triage, attachments: await this.attachments.list(leadId) };
  }

  /**
   * The lead with ID numbers and accounts in full, for one who states why; the reveal itself is
   * an audited event.
   */
  async reveal(leadId: string, reason: string): Promise<ExportedLead & { registry_facts: ReadableFact[] }> {
    const lead = await this.execute(leadId);
    await this.audit.record({ action: 'lead.reveal', subjectType: 'lead', subjectId: leadId, regionCode: lead.region_code, reason, data: { fields: ['id_number', 'bank_account'] } });
    const { history: _history, triage: _triage, attachments: _attachments, ...rest } = lead;
    return rest;
  }
}

function allowedStep(step: string): LeadAction | null {
  return (LEAD_ACTIONS as string[]).includes(step) ? (step as LeadAction) : null;
}

export { ExportLeadsCommand };
