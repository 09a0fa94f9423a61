import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CheckRunSummary } from './check-run-types.js';
import type { RuleOutcome } from './check-engine.js';

/** One rule's part in a check run (a check_run_rules row). */
export interface RuleResultRow {
  rule_code: string;
  /** New leads by rule code (the rule's own, R12 for repeats). */
  raised: Record<string, number>;
  updated: number;
  lead_ids: string[];
  error: string | null;
}

/**
 * The per-rule record of a check run. A rule's row is written in the transaction that applies
 * the rule, so a run whose worker died knows exactly which rules took effect, and its totals
 * are the sum of the rows whatever process wrote them.
 */
@Injectable()
export class CheckRunResults {
  constructor(private readonly dataSource: DataSource) {}

  /** The rule's result in this run, if it already took effect (read under the rule's lock). */
  async find(em: EntityManager, runId: string, ruleCode: string): Promise<RuleResultRow | undefined> {
    const [row] = await em.query(
      `SELECT rule_code, raised, updated, lead_ids::text[] AS lead_ids, error FROM check_run_rules WHERE run_id = $1 AND rule_code = $2`,
      [runId, ruleCode],
    );
    return row;
  }

  /** Inside the rule's transaction: what it did. */
  async record(em: EntityManager, runId: string, ruleCode: string, outcome: RuleOutcome): Promise<void> {
    await em.query(
      `INSERT INTO check_run_rules (run_id, rule_code, raised, updated, lead_ids) VALUES ($1, $2, $3, $4, $5::bigint[])`,
      [runId, ruleCode, JSON.stringify(outcome.raised), outcome.updated, outcome.leadIds],
    );
  }

  /** A rule that failed (its transaction rolled back): reported, not retried within the run. */
  async recordFailure(runId: string, ruleCode: string, error: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO check_run_rules (run_id, rule_code, error) VALUES ($1, $2, $3) ON CONFLICT (run_id, rule_code) DO NOTHING`,
      [runId, ruleCode, error],
    );
  }

  async all(runId: string): Promise<RuleResultRow[]> {
    return this.dataSource.query(
      `SELECT rule_code, raised, updated, lead_ids::text[] AS lead_ids, error FROM check_run_rules WHERE run_id = $1 ORDER BY rule_code`,
      [runId],
    );
  }
}

/** A run's totals: the sum of its rules' rows. */
export function summarize(rows: RuleResultRow[]): CheckRunSummary {
  const summary: CheckRunSummary = { leadsRaised: 0, leadsUpdated: 0, byRule: {}, updatedByRule: {}, failedRules: {} };
  for (const row of rows) {
    if (row.error !== null) summary.failedRules[row.rule_code] = row.error;
    for (const [code, n] of Object.entries(row.raised)) {
      summary.byRule[code] = (summary.byRule[code] ?? 0) + n;
      summary.leadsRaised += n;
    }
    if (row.updated) summary.updatedByRule[row.rule_code] = row.updated;
    summary.leadsUpdated += row.updated;
  }
  return summary;
}
