import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { abbreviateIdNumber, formatYuan, maskBankAccount } from '@sunlight/common';
import type { RuleDefinition } from './rule.js';

/** What a lead's sentence may say; `{fact.x}` reads field x of the lead's first registry fact. */
export interface ExplanationFacts {
  name: string;
  id: string;
  program: string;
  count: number;
  total: string;
  amountAtRisk: string;
  periods: string;
  periodUnit: string;
  account: string;
  persons: number;
  repeatOf: string;
  repeatRuleName: string;
  fact: Record<string, unknown>;
}

export function renderExplanation(template: string, facts: ExplanationFacts): string {
  return template.replace(/\{([\w.]+)\}/g, (_, key: string) => {
    const value = key.startsWith('fact.') ? facts.fact[key.slice(5)] : (facts as unknown as Record<string, unknown>)[key];
    return value === undefined || value === null ? '' : String(value);
  });
}

/** Writes each lead's one-sentence explanation from its evidence, in pages. */
@Injectable()
export class Explanations {
  constructor(private readonly dataSource: DataSource) {}

  async rewrite(leadIds: string[], rules: RuleDefinition[]): Promise<void> {
    const byCode = new Map(rules.map((r) => [r.code, r]));
    for (let i = 0; i < leadIds.length; i += 2000) {
      const page = leadIds.slice(i, i + 2000);
      const rows: Summary[] = await this.dataSource.query(
        `SELECT l.id::text, l.rule_code, l.name, l.id_number, l.program_code, l.period, l.bank_account, l.amount_at_risk_fen::text,
                l.repeat_of::text, l.repeat_rule, pr.name AS program_name, pr.frequency,
                count(*)::int AS count, sum(d.amount_fen)::text AS total_fen,
                min(d.period) AS first_period, max(d.period) AS last_period,
                count(DISTINCT d.id_number)::int AS persons,
                string_agg(DISTINCT p2.name, '、') AS program_names,
                (array_agg(e.facts ORDER BY e.disbursement_id) FILTER (WHERE e.facts IS NOT NULL))[1] AS facts
         FROM leads l
         JOIN lead_evidence e ON e.lead_id = l.id
         JOIN disbursements d ON d.id = e.disbursement_id
         LEFT JOIN programs p2 ON p2.code = d.program_code
         LEFT JOIN programs pr ON pr.code = l.program_code
         WHERE l.id = ANY($1::bigint[])
         GROUP BY l.id, pr.name, pr.frequency`,
        [page],
      );
      const texts = rows.map((row) => {
        const rule = byCode.get(row.rule_code);
        return rule ? renderExplanation(rule.explanation, toFacts(row, byCode)) : '';
      });
      await this.dataSource.query(
        `UPDATE leads l SET explanation = v.text FROM unnest($1::bigint[], $2::text[]) AS v(id, text) WHERE l.id = v.id`,
        [rows.map((r) => r.id), texts],
      );
    }
  }
}

interface Summary {
  id: string;
  rule_code: string;
  name: string | null;
  id_number: string | null;
  program_code: string | null;
  period: string | null;
  bank_account: string | null;
  amount_at_risk_fen: string;
  repeat_of: string | null;
  repeat_rule: string | null;
  program_name: string | null;
  frequency: string | null;
  count: number;
  total_fen: string;
  first_period: string;
  last_period: string;
  persons: number;
  program_names: string | null;
  facts: Record<string, unknown>[] | null;
}

function toFacts(row: Summary, rules: Map<string, RuleDefinition>): ExplanationFacts {
  const periodUnit = row.period ?? (row.frequency === 'one-off' ? '终身' : '');
  return {
    name: row.name ?? '',
    id: row.id_number ? abbreviateIdNumber(row.id_number) : '',
    program: row.program_name ?? row.program_names ?? '',
    count: row.count,
    total: formatYuan(row.total_fen),
    amountAtRisk: formatYuan(row.amount_at_risk_fen),
    periods: row.first_period === row.last_period ? row.first_period : `${row.first_period} 至 ${row.last_period}`,
    periodUnit: periodUnit.length === 4 ? ` ${periodUnit} 年度` : periodUnit === '终身' ? '一次性项目的终身' : ` ${periodUnit} `,
    account: maskBankAccount(row.bank_account) ?? '',
    persons: row.persons,
    repeatOf: row.repeat_of ?? '',
    repeatRuleName: row.repeat_rule ? `${row.repeat_rule} ${rules.get(row.repeat_rule)?.name.zh ?? ''}` : '',
    fact: row.facts?.[0] ?? {},
  };
}
