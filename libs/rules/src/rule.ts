import type { EvidenceKind, Severity } from '@sunlight/leads';

/**
 * How a lead's amount at risk (涉及金额) follows from its evidence payments `d` and their
 * programs `p` (CONTRACT §4): aggregates the lead ledger evaluates over one lead's evidence
 * (LeadLedger.recordHits names the aliases it offers). The engine knows these strategies, never
 * the rules using them.
 */
export type AmountStrategy = 'sum' | 'sum-less-max' | 'over-cap' | 'missed-cap';

/** How each strategy reads to people (the rules page). */
export const AMOUNT_LABELS: Record<AmountStrategy, string> = {
  sum: '证据款项合计',
  'sum-less-max': '合计减去最大一笔',
  'over-cap': '超出项目标准的部分',
  'missed-cap': '未领取月份按项目标准合计',
};

export const AMOUNT_SQL: Record<AmountStrategy, string> = {
  sum: 'sum(d.amount_fen)',
  'sum-less-max': 'sum(d.amount_fen) - max(d.amount_fen)',
  'over-cap': 'sum(GREATEST(d.amount_fen - p.cap_fen, 0))',
  // Months missed (d: lead_missed_months), each worth the program's cap when it was found.
  'missed-cap': 'sum(d.amount_fen)',
};

/**
 * A cross-check rule: data plus one set-based SQL statement.
 *
 * The statement selects from `:scope` (the payments under check: all of them, or those of some
 * batches) and returns one row per payment that meets the rule, with the columns
 *   disbursement_id, id_number, program_code, period, bank_account, facts
 * where id_number … bank_account are the rule's key fields (NULL when not part of its key) and
 * facts is a jsonb array of the registry records behind the hit (or NULL). Rule parameters are
 * written :name and replaced by their (numeric) values. `:complete` is the literal true when the
 * scope is every stored payment and false otherwise: a statement may take a cheaper path for a
 * full check (`WHERE :complete` on one branch of a UNION ALL, `NOT :complete` on the other), and
 * the planner drops the branch whose condition is a constant false before running anything.
 */
export interface RuleDefinition {
  code: string;
  /** The version seeded into rule_versions; the live version is the database's (RuleCatalogue.live). */
  version: number;
  name: { zh: string; en: string };
  severity: Severity;
  /**
   * What the statement's rows are: payments that meet the rule (the default), or months someone
   * was owed and not paid (a rule that finds an absence; see LeadLedger's RecordHitsCommand).
   */
  evidence?: EvidenceKind;
  /**
   * 'all': the rule is judged over all stored data only, never in a batch's own check. An absence
   * (R13: paid nowhere) can't be told from one batch: the month's other batches may pay it.
   */
  judgedOver?: 'all';
  /** Amount at risk of a lead of this rule. */
  amount: AmountStrategy;
  /** Amount at risk of an R12 repeat of this rule, over its new evidence alone. */
  repeatAmount: AmountStrategy;
  /**
   * The rule's parameters: type, range, default and meaning. A version's values are checked
   * against them (validateParams); the defaults keep CONTRACT §4 exactly.
   */
  parameters?: Record<string, RuleParameter>;
  /** One sentence in Chinese; see explanations.ts for the placeholders. */
  explanation: string;
  /** The statement; absent only for R12, which the engine raises on other rules' keys. */
  sql?: string;
}

/** One parameter a rule declares. */
export interface RuleParameter {
  type: 'integer' | 'number';
  min: number;
  max: number;
  default: number;
  /** What it means, in Chinese (the rules page, error messages). */
  description: string;
}

/** A rule as one of its versions sets it: enabled, severity, parameter values, and the version. */
export interface ActiveRule extends RuleDefinition {
  enabled: boolean;
  params: Record<string, number>;
}

/** The parameter defaults of a rule. */
export function parameterDefaults(rule: RuleDefinition): Record<string, number> {
  return Object.fromEntries(Object.entries(rule.parameters ?? {}).map(([name, p]) => [name, p.default]));
}
