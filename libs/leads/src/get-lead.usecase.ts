import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError, scopeSql } from '@sunlight/common';
import { AuditLog } from '@sunlight/audit';
import { ExportLeads, ExportLeadsCommand, type ExportedLead } from './export-leads.usecase.js';

/**
 * One lead in the actor's scope with its evidence and its history; a lead outside the scope
 * answers "no such lead", so that its existence does not leak.
 */
@Injectable()
export class GetLead {
  constructor(
    private readonly dataSource: DataSource,
    private readonly exportLeads: ExportLeads,
    private readonly audit: AuditLog,
  ) {}

  async execute(leadId: string): Promise<ExportedLead & { history: unknown[] }> {
    if (!/^\d{1,18}$/.test(leadId)) throw new NotFoundError(`线索 ${leadId} 不存在 (no such lead)`);
    const [visible] = await this.dataSource.query(`SELECT id FROM leads WHERE id = $1 AND ${scopeSql('region_code')}`, [leadId]);
    if (!visible) throw new NotFoundError(`线索 ${leadId} 不存在 (no such lead)`);
    const lead = await this.exportLeads.one(leadId);
    const history = await this.audit.history('lead', leadId);
    return { ...lead!, history };
  }

  /**
   * The lead with ID numbers and accounts in full, for one who states why; the reveal itself is
   * an audited event.
   */
  async reveal(leadId: string, reason: string): Promise<ExportedLead> {
    const lead = await this.execute(leadId);
    await this.audit.record({ action: 'lead.reveal', subjectType: 'lead', subjectId: leadId, regionCode: lead.region_code, reason, data: { fields: ['id_number', 'bank_account'] } });
    const { history: _history, ...rest } = lead;
    return rest;
  }
}

export { ExportLeadsCommand };
