import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { fenToYuan, scopeSql } from '@sunlight/common';

/** A lead as `leads export --format jsonl` writes it (CONTRACT §5). */
export interface ExportedLead {
  id: number;
  rule: string;
  rule_version: number;
  severity: string;
  status: string;
  outcome: string | null;
  id_number: string | null;
  name: string | null;
  program_code: string | null;
  period: string | null;
  bank_account: string | null;
  region_code: string;
  amount_at_risk: string;
  evidence_count: number;
  late_evidence_count: number;
  /** R13: no payments; the months owed and not paid (each worth the program's cap then), and the resident's record. */
  /** missed_months: the months owed and not paid (R13); withdrawn_months: those paid after all (not in the amount). */
  evidence: { payments: ExportedPayment[]; facts: unknown[]; missed_months: ExportedMissedMonth[]; withdrawn_months: ExportedMissedMonth[] };
  repeat_of: number | null;
  repeat_rule: string | null;
  card: string | null;
  due_on: string | null;
  explanation: string;
  registry_snapshot: Record<string, string>;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface ExportedPayment {
  batch_id: number;
  row: number;
  region_code: string;
  program_code: string;
  period: string;
  id_number: string;
  name: string;
  household_id: string | null;
  amount: string;
  bank_account: string | null;
  account_holder: string | null;
  paid_on: string;
}

/** A month someone was owed and not paid (R13), with what it was worth in yuan. */
export interface ExportedMissedMonth {
  month: string;
  amount: string;
}

export class ExportLeadsCommand {
  constructor(readonly pageSize = 1000) {}
}

/**
 * Every lead in the actor's scope with its evidence, page by page in id order, so that memory
 * stays flat at a million leads. Full ID numbers and accounts: the CLI is the operator's export
 * on the server; HTTP responses are masked on their way out.
 */
@Injectable()
export class ExportLeads {
  constructor(private readonly dataSource: DataSource) {}

  async *execute(command: ExportLeadsCommand = new ExportLeadsCommand()): AsyncGenerator<ExportedLead> {
    let after = '0';
    for (;;) {
      const leads = await this.dataSource.query(`${LEAD_COLUMNS} WHERE leads.id > $1 AND ${scopeSql('region_code')} ORDER BY leads.id LIMIT $2`, [after, command.pageSize]);
      if (!leads.length) return;
      yield* await this.withEvidence(leads);
      after = leads[leads.length - 1].id;
    }
  }

  /** One lead, whatever the scope (callers check it). */
  async one(leadId: string): Promise<ExportedLead | undefined> {
    const leads = await this.dataSource.query(`${LEAD_COLUMNS} WHERE leads.id = $1`, [leadId]);
    return (await this.withEvidence(leads))[0];
  }

  private async withEvidence(leads: Record<string, any>[]): Promise<ExportedLead[]> {
    {
      const evidence = await this.dataSource.query(
        `SELECT e.lead_id::text, e.facts, d.batch_id::text, d.row_no, d.region_code, d.program_code, d.period,
                d.id_number, d.name, d.household_id, d.amount_fen::text, d.bank_account, d.account_holder, d.paid_on
         FROM lead_evidence e JOIN disbursements d ON d.id = e.disbursement_id
         WHERE e.lead_id = ANY($1::bigint[]) ORDER BY e.lead_id, d.id`,
        [leads.map((l) => l.id)],
      );
      const missed = await this.dataSource.query(
        `SELECT m.lead_id::text, m.month, m.amount_fen::text, m.facts, m.withdrawn_at IS NOT NULL AS withdrawn FROM lead_missed_months m
         WHERE m.lead_id = ANY($1::bigint[]) ORDER BY m.lead_id, m.month`,
        [leads.map((l) => l.id)],
      );
      const byLead = new Map<string, { payments: ExportedPayment[]; facts: unknown[]; missed: ExportedMissedMonth[]; withdrawn: ExportedMissedMonth[]; seen: Set<string> }>();
      const entryOf = (leadId: string) => {
        let entry = byLead.get(leadId);
        if (!entry) byLead.set(leadId, (entry = { payments: [], facts: [], missed: [], withdrawn: [], seen: new Set() }));
        return entry;
      };
      const addFacts = (entry: { facts: unknown[]; seen: Set<string> }, facts: unknown[] | null) => {
        for (const fact of facts ?? []) {
          const key = JSON.stringify(fact);
          if (!entry.seen.has(key)) {
            entry.seen.add(key);
            entry.facts.push(fact);
          }
        }
      };
      for (const m of missed) {
        const entry = entryOf(m.lead_id);
        (m.withdrawn ? entry.withdrawn : entry.missed).push({ month: m.month, amount: fenToYuan(m.amount_fen) });
        // The resident's record, once: each month's copy differs only in the age then.
        if (!entry.facts.length) addFacts(entry, m.facts);
      }
      for (const e of evidence) {
        const entry = entryOf(e.lead_id);
        entry.payments.push({
          batch_id: Number(e.batch_id),
          row: e.row_no,
          region_code: e.region_code,
          program_code: e.program_code,
          period: e.period,
          id_number: e.id_number,
          name: e.name,
          household_id: e.household_id,
          amount: fenToYuan(e.amount_fen),
          bank_account: e.bank_account,
          account_holder: e.account_holder,
          paid_on: e.paid_on,
        });
        addFacts(entry, e.facts as unknown[] | null);
      }
      return leads.map((l) => {
        const entry = byLead.get(l.id);
        return {
          id: Number(l.id),
          rule: l.rule_code,
          rule_version: l.rule_version,
          severity: l.severity,
          status: l.status,
          outcome: l.outcome,
          id_number: l.id_number,
          name: l.name,
          program_code: l.program_code,
          period: l.period,
          bank_account: l.bank_account,
          region_code: l.region_code,
          amount_at_risk: fenToYuan(l.amount_at_risk_fen),
          evidence_count: l.evidence_count,
          late_evidence_count: l.late_evidence_count,
          evidence: { payments: entry?.payments ?? [], facts: entry?.facts ?? [], missed_months: entry?.missed ?? [], withdrawn_months: entry?.withdrawn ?? [] },
          repeat_of: l.repeat_of === null ? null : Number(l.repeat_of),
          repeat_rule: l.repeat_rule,
          card: l.card,
          due_on: l.due_on,
          explanation: l.explanation,
          registry_snapshot: l.registry_snapshot,
          created_at: new Date(l.created_at).toISOString(),
          updated_at: new Date(l.updated_at).toISOString(),
          closed_at: l.closed_at ? new Date(l.closed_at).toISOString() : null,
        };
      });
    }
  }
}

const LEAD_COLUMNS = `SELECT id::text, rule_code, rule_version, severity, status, outcome, id_number, name, program_code, period, bank_account, region_code,
       amount_at_risk_fen::text, evidence_count, late_evidence_count, repeat_of::text, repeat_rule, card, due_on, explanation,
       registry_snapshot, created_at, updated_at, closed_at FROM leads`;
