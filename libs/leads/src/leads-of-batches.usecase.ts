import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InputError, scopeSql } from '@sunlight/common';
import type { LeadOutcome, LeadStatus, Severity } from './lead-types.js';

export class LeadsOfBatchesCommand {
  constructor(
    /** The batches whose payments count (the caller decides whose they are). */
    readonly batchIds: readonly string[],
    readonly limit = 50,
    /** The `next` of the previous page. */
    readonly before?: string,
    readonly statuses: readonly string[] = [],
    readonly rules: readonly string[] = [],
  ) {}
}

/** A lead as the uploader of its payments sees it: what was found and where it stands, no triage internals. */
export interface LeadOfBatchView {
  id: string;
  rule: string;
  severity: Severity;
  status: LeadStatus;
  outcome: LeadOutcome | null;
  name: string | null;
  id_number: string | null;
  program_code: string | null;
  period: string | null;
  region_code: string;
  /** Fen, as text. */
  amount_at_risk_fen: string;
  evidence_count: number;
  explanation: string;
  /** Which of the given batches hold its evidence payments. */
  batch_ids: string[];
  created_at: Date;
  closed_at: Date | null;
}

export interface LeadOfBatchPage {
  items: LeadOfBatchView[];
  /** Leads in all (under the same filters). */
  total: number;
  /** The `before` of the following page; null on the last. */
  next: string | null;
}

const STATUSES: LeadStatus[] = ['new', 'assigned', 'verifying', 'dismissed', 'confirmed', 'disposed', 'rectifying', 'rectified', 'closed'];

/**
 * The leads raised from given disbursement batches — any lead with an evidence payment in one of
 * them — newest first, inside the actor's region, a page at a time (keyset on the id). Read-only:
 * who handles a lead, its findings and deadlines stay with the discipline staff.
 */
@Injectable()
export class LeadsOfBatches {
  constructor(private readonly dataSource: DataSource) {}

  async execute(command: LeadsOfBatchesCommand): Promise<LeadOfBatchPage> {
    const batchIds = command.batchIds.filter((id) => /^\d{1,18}$/.test(id));
    if (!batchIds.length) return { items: [], total: 0, next: null };
    const bad = command.statuses.find((s) => !STATUSES.includes(s as LeadStatus));
    if (bad !== undefined) throw new InputError(`筛选条件 status 的值 "${bad}" 无效`, { column: 'status', value: bad, expected: STATUSES.join(' | ') });
    const badRule = command.rules.find((r) => !/^R\d{2}$/.test(r));
    if (badRule !== undefined) throw new InputError(`筛选条件 rule 的值 "${badRule}" 无效`, { column: 'rule', value: badRule, expected: 'R01…R12' });
    const limit = Math.min(Math.max(Math.trunc(command.limit) || 50, 1), 200);
    const params: unknown[] = [batchIds, command.statuses.length ? command.statuses : null, command.rules.length ? command.rules : null];
    // The leads with an evidence payment in the batches: the batches' partitions, then the evidence by payment.
    const ofBatches = `WITH mine AS (
        SELECT e.lead_id, array_agg(DISTINCT d.batch_id::text ORDER BY d.batch_id::text) AS batch_ids
        FROM disbursements d JOIN lead_evidence e ON e.disbursement_id = d.id
        WHERE d.batch_id = ANY($1::bigint[]) GROUP BY e.lead_id)`;
    const filters = `${scopeSql('l.region_code')} AND ($2::text[] IS NULL OR l.status = ANY($2)) AND ($3::text[] IS NULL OR l.rule_code = ANY($3))`;
    const rows = await this.dataSource.query(
      `${ofBatches}
       SELECT l.id::text, l.rule_code, l.severity, l.status, l.outcome, l.name, l.id_number, l.program_code, l.period, l.region_code,
              l.amount_at_risk_fen::text, l.evidence_count, l.explanation, m.batch_ids, l.created_at, l.closed_at
       FROM mine m JOIN leads l ON l.id = m.lead_id
       WHERE ${filters} AND ($4::bigint IS NULL OR l.id < $4)
       ORDER BY l.id DESC LIMIT $5`,
      [...params, command.before ?? null, limit],
    );
    const [{ total }] = await this.dataSource.query(`${ofBatches} SELECT count(*)::int AS total FROM mine m JOIN leads l ON l.id = m.lead_id WHERE ${filters}`, params);
    const items: LeadOfBatchView[] = rows.map((r: Record<string, any>) => ({
      id: r.id,
      rule: r.rule_code,
      severity: r.severity,
      status: r.status,
      outcome: r.outcome,
      name: r.name,
      id_number: r.id_number,
      program_code: r.program_code,
      period: r.period,
      region_code: r.region_code,
      amount_at_risk_fen: r.amount_at_risk_fen,
      evidence_count: r.evidence_count,
      explanation: r.explanation,
      batch_ids: r.batch_ids,
      created_at: r.created_at,
      closed_at: r.closed_at,
    }));
    return { items, total, next: items.length === limit ? items[items.length - 1].id : null };
  }
}
