import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError, NotFoundError } from '@sunlight/common';
import { AuditLog } from '@sunlight/audit';
import type { LeadOutcome } from './entities/index.js';

export class CloseLeadCommand {
  constructor(
    readonly leadId: string,
    readonly outcome: LeadOutcome,
    readonly actor: string,
    readonly reason: string | null = null,
  ) {}
}

/**
 * Closes a lead (销号) as rectified or dismissed in one step: the operator's shortcut of
 * CONTRACT §5. The outcome decides what later evidence of the same key does (R12 or counted).
 */
@Injectable()
export class CloseLead {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  async execute(command: CloseLeadCommand): Promise<{ id: string; status: string; outcome: LeadOutcome }> {
    if (!/^\d{1,18}$/.test(command.leadId)) throw new NotFoundError(`线索 ${command.leadId} 不存在 (no such lead)`);
    const [lead] = await this.dataSource.query(`SELECT id::text, status, outcome, region_code FROM leads WHERE id = $1`, [command.leadId]);
    if (!lead) throw new NotFoundError(`线索 ${command.leadId} 不存在 (no such lead)`);
    if (lead.status === 'closed') {
      if (lead.outcome === command.outcome) return { id: lead.id, status: 'closed', outcome: command.outcome };
      throw new ConflictError(`线索 ${command.leadId} 已以“${lead.outcome === 'rectified' ? '已整改' : '查否'}”销号 (already closed as ${lead.outcome})`);
    }
    await this.dataSource.transaction(async (em) => {
      await em.query(`UPDATE leads SET status = 'closed', outcome = $2::text, closed_at = now(), updated_at = now(), due_on = NULL, deadline_step = 'close',
         verdict = coalesce(verdict, CASE $2::text WHEN 'dismissed' THEN 'dismissed' ELSE 'confirmed' END),
         verified_at = coalesce(verified_at, now()),
         rectified_at = CASE WHEN $2::text = 'rectified' THEN coalesce(rectified_at, now()) END
       WHERE id = $1`, [command.leadId, command.outcome]);
      await this.audit.append(em, {
        action: 'lead.close',
        subjectType: 'lead',
        subjectId: lead.id,
        regionCode: lead.region_code,
        reason: command.reason,
        data: { from: lead.status, to: 'closed', outcome: command.outcome, by: command.actor },
      });
    });
    return { id: lead.id, status: 'closed', outcome: command.outcome };
  }
}
