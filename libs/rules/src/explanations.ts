import { Injectable } from '@nestjs/common';
import { abbreviateIdNumber, formatYuan, maskBankAccount } from '@sunlight/common';
import { LeadLedger, type ExplanationInputRow } from '@sunlight/leads';
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

/** Writes each lead's one-sentence explanation from its evidence, in pages, through the ledger. */
@Injectable()
export class Explanations {
  constructor(private readonly ledger: LeadLedger) {}

  async rewrite(leadIds: string[], rules: RuleDefinition[]): Promise<void> {
    const byCode = new Map(rules.map((r) => [r.code, r]));
    for (let i = 0; i < leadIds.length; i += 2000) {
      const rows = await this.ledger.explanationInputs(leadIds.slice(i, i + 2000));
      const texts = rows.map((row) => {
        const rule = byCode.get(row.rule_code);
        return rule ? renderExplanation(rule.explanation, toFacts(row, byCode)) : '';
      });
      await this.ledger.setExplanations(rows.map((r) => r.id), texts);
    }
  }
}

function toFacts(row: ExplanationInputRow, rules: Map<string, RuleDefinition>): ExplanationFacts {
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
