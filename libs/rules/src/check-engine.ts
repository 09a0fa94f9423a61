import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { batchCondition } from '@sunlight/ingestion';
import { CheckRunResults } from './check-run-results.js';
import { AMOUNT_SQL, type ActiveRule } from './rule.js';
import { ruleStatement } from './rule-config.js';

export interface RunContext {
  runId: string;
  /** Payments under check: 'all', or the ids of some batches. */
  batchIds: string[] | null;
  /** Due date of a newly raised lead. */
  dueOn: string;
  /** Registry kind → import id current for this run. */
  registrySnapshot: Record<string, string>;
  repeatRule: ActiveRule;
}

export interface RuleOutcome {
  /** New leads by rule code (the rule's own, and R12 for repeats). */
  raised: Record<string, number>;
  /** Existing leads that received new evidence. */
  updated: number;
  /** Every lead raised or updated (their explanations are rewritten). */
  leadIds: string[];
}

/**
 * Applies one rule, set-based, in one transaction:
 *  1. the rule's statement lists its hits (payment + key fields + registry facts);
 *  2. hits already attached to a lead of their key are dropped (re-running raises nothing);
 *  3. each remaining key goes to its newest lead, or a new lead when there is none, or an R12
 *     repeat when the newest was rectified (a dismissed lead keeps and counts the evidence);
 *  4. amounts and counts of the touched leads are recomputed from all their evidence.
 * The rule's advisory lock keeps two runs of the same rule from raising the same key twice. The
 * outcome is recorded for the run in the same transaction; a rule this run already applied (a
 * worker died after it) answers its recorded outcome and changes nothing.
 */
@Injectable()
export class CheckEngine {
  constructor(
    private readonly dataSource: DataSource,
    private readonly results: CheckRunResults,
  ) {}

  async apply(rule: ActiveRule, ctx: RunContext): Promise<RuleOutcome> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('sunlight:rule:' || $1))`, [rule.code]);
      const done = await this.results.find(em, ctx.runId, rule.code);
      if (done) return { raised: done.raised, updated: done.updated, leadIds: done.lead_ids };
      const outcome = await this.applyLocked(em, rule, ctx);
      await this.results.record(em, ctx.runId, rule.code, outcome);
      return outcome;
    });
  }

  private async applyLocked(em: EntityManager, rule: ActiveRule, ctx: RunContext): Promise<RuleOutcome> {
    const scope = ctx.batchIds ? `(SELECT * FROM disbursements WHERE ${batchCondition(ctx.batchIds)})` : 'disbursements';
    const statement = ruleStatement(rule, scope);
    const amountSql = `CASE WHEN min(l2.rule_code) = 'R12' THEN ${AMOUNT_SQL[rule.repeatAmount]} ELSE ${AMOUNT_SQL[rule.amount]} END`;
    const snapshot = JSON.stringify(ctx.registrySnapshot);
    await em.query(`SET LOCAL work_mem = '128MB'`); // the rules' sorts and hashes stay in memory
    await em.query(
      `CREATE TEMP TABLE rule_hits ON COMMIT DROP AS
       SELECT $1 || '|' || coalesce(h.id_number, '') || '|' || coalesce(h.program_code, '') || '|' || coalesce(h.period, '') || '|' || coalesce(h.bank_account, '') AS lead_key,
              h.disbursement_id::bigint AS disbursement_id, h.id_number::text AS id_number, h.program_code::text AS program_code,
              h.period::text AS period, h.bank_account::text AS bank_account, h.facts::jsonb AS facts
       FROM (${statement}) h`,
      [rule.code],
    );
    const [{ any }] = await em.query(`SELECT EXISTS (SELECT 1 FROM rule_hits) AS any`);
    if (!any) return { raised: {}, updated: 0, leadIds: [] }; // the usual case for a batch's run
    await em.query(
      `CREATE TEMP TABLE fresh ON COMMIT DROP AS
       SELECT h.lead_key, h.disbursement_id, min(h.id_number) AS id_number, min(h.program_code) AS program_code,
              min(h.period) AS period, min(h.bank_account) AS bank_account,
              jsonb_agg(DISTINCT f.fact) FILTER (WHERE f.fact IS NOT NULL) AS facts
       FROM rule_hits h
       LEFT JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(h.facts) = 'array' THEN h.facts ELSE '[]'::jsonb END) AS f(fact) ON true
       WHERE NOT EXISTS (SELECT 1 FROM lead_evidence e WHERE e.lead_key = h.lead_key AND e.disbursement_id = h.disbursement_id)
       GROUP BY h.lead_key, h.disbursement_id`,
    );
    await em.query(
      `CREATE TEMP TABLE targets ON COMMIT DROP AS
       SELECT k.lead_key, k.evidence, cur.id AS lead_id, cur.id AS previous_id, cur.outcome,
              (cur.id IS NULL OR coalesce(cur.outcome = 'rectified', false)) AS raise, coalesce(cur.generation + 1, 0) AS generation
       FROM (SELECT lead_key, count(*) AS evidence FROM fresh GROUP BY lead_key) k
       LEFT JOIN LATERAL (SELECT id, generation, outcome FROM leads l WHERE l.lead_key = k.lead_key ORDER BY generation DESC LIMIT 1) cur ON true`,
    );
    await em.query(
      `WITH firsts AS (
         SELECT DISTINCT ON (f.lead_key) f.lead_key, f.id_number, f.program_code, f.period, f.bank_account, d.name, d.region_code
         FROM fresh f JOIN disbursements d ON d.id = f.disbursement_id
         ORDER BY f.lead_key, f.disbursement_id
       ), created AS (
         INSERT INTO leads (rule_code, rule_version, severity, lead_key, generation, id_number, name, program_code, period, bank_account,
                            region_code, repeat_of, repeat_rule, card, card_since, due_on, raised_by_run, registry_snapshot)
         SELECT CASE WHEN t.previous_id IS NULL THEN $1 ELSE 'R12' END,
                CASE WHEN t.previous_id IS NULL THEN $2::int ELSE $3::int END,
                CASE WHEN t.previous_id IS NULL THEN $4 ELSE $5 END,
                t.lead_key, t.generation, fi.id_number, fi.name, fi.program_code, fi.period, fi.bank_account, fi.region_code,
                t.previous_id, CASE WHEN t.previous_id IS NOT NULL THEN $1 END,
                CASE WHEN t.previous_id IS NOT NULL THEN 'red' END,
                CASE WHEN t.previous_id IS NOT NULL THEN now() END,
                $6::date, $7::bigint, $8::jsonb
         FROM targets t JOIN firsts fi ON fi.lead_key = t.lead_key
         WHERE t.raise
         RETURNING id, lead_key
       )
       UPDATE targets t SET lead_id = created.id FROM created WHERE created.lead_key = t.lead_key`,
      [rule.code, rule.version, ctx.repeatRule.version, rule.severity, ctx.repeatRule.severity, ctx.dueOn, ctx.runId, snapshot],
    );
    await em.query(
      `INSERT INTO lead_evidence (lead_key, disbursement_id, lead_id, run_id, facts)
       SELECT f.lead_key, f.disbursement_id, t.lead_id, $1, f.facts FROM fresh f JOIN targets t ON t.lead_key = f.lead_key`,
      [ctx.runId],
    );
    await em.query(
      `UPDATE leads l
       SET evidence_count = a.evidence, amount_at_risk_fen = a.amount, registry_snapshot = $1::jsonb, updated_at = now(),
           late_evidence_count = l.late_evidence_count + CASE WHEN l.outcome = 'dismissed' THEN t.evidence ELSE 0 END
       FROM targets t,
            LATERAL (SELECT count(*) AS evidence, ${amountSql} AS amount
                     FROM lead_evidence e JOIN leads l2 ON l2.id = e.lead_id
                     JOIN disbursements d ON d.id = e.disbursement_id JOIN programs p ON p.code = d.program_code
                     WHERE e.lead_id = t.lead_id) a
       WHERE l.id = t.lead_id`,
      [snapshot],
    );
    const [counts] = await em.query(
      `SELECT count(*) FILTER (WHERE raise AND previous_id IS NULL)::int AS raised,
              count(*) FILTER (WHERE raise AND previous_id IS NOT NULL)::int AS repeats,
              count(*) FILTER (WHERE NOT raise)::int AS updated,
              coalesce(array_agg(lead_id::text), '{}') AS lead_ids
       FROM targets`,
    );
    const raised: Record<string, number> = {};
    if (counts.raised) raised[rule.code] = counts.raised;
    if (counts.repeats) raised[ctx.repeatRule.code] = counts.repeats;
    return { raised, updated: counts.updated, leadIds: counts.lead_ids };
  }
}

