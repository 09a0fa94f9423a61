import { Injectable } from '@nestjs/common';
import { fenToYuan, NotFoundError } from '@sunlight/common';
import { AuditLog } from '@sunlight/audit';
import { LeadRepository } from './lead.repository.js';
import { ExportLeads, ExportLeadsCommand, type ExportedLead } from './export-leads.usecase.js';
import { allowedActions } from './triage/lifecycle.js';

/**
 * One lead in the actor's scope with its evidence and its history; a lead outside the scope
 * answers "no such lead", so that its existence does not leak.
 */
@Injectable()
export class GetLead {
  constructor(
    private readonly leads: LeadRepository,
    private readonly exportLeads: ExportLeads,
    private readonly audit: AuditLog,
  ) {}

  async execute(leadId: string): Promise<ExportedLead & { history: unknown[]; triage: Record<string, unknown> }> {
    if (!/^\d{1,18}$/.test(leadId)) throw new NotFoundError(`线索 ${leadId} 不存在 (no such lead)`);
    if (!(await this.leads.isVisible(leadId))) throw new NotFoundError(`线索 ${leadId} 不存在 (no such lead)`);
    const lead = await this.exportLeads.one(leadId);
    const history = await this.audit.history('lead', leadId);
    const t = (await this.leads.triageOf(leadId))!;
    const yuan = (fen: string | null) => (fen == null ? null : fenToYuan(fen));
    const triage = {
      assignee_id: t.assignee_id,
      assignee_name: t.assignee_name,
      deadline_step: t.deadline_step,
      verdict: t.verdict,
      finding: t.finding,
      amount_confirmed: yuan(t.amount_confirmed_fen),
      amount_recovered: yuan(t.amount_recovered_fen),
      disposals: t.disposals,
      allowed_actions: allowedActions(t.status, t.card),
    };
    return { ...lead!, history, triage };
  }

  /**
   * The lead with ID numbers and accounts in full, for one who states why; the reveal itself is
   * an audited event.
   */
  async reveal(leadId: string, reason: string): Promise<ExportedLead> {
    const lead = await this.execute(leadId);
    await this.audit.record({ action: 'lead.reveal', subjectType: 'lead', subjectId: leadId, regionCode: lead.region_code, reason, data: { fields: ['id_number', 'bank_account'] } });
    const { history: _history, triage: _triage, ...rest } = lead;
    return rest;
  }
}

export { ExportLeadsCommand };
