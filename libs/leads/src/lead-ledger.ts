import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '@sunlight/audit';
import { Clock } from '@sunlight/common';
import type { Severity } from './lead-types.js';
import { UNJUDGED_STATUSES } from './triage/lifecycle.js';

/** The rule a lead is raised under, as it is stored on the lead. */
export interface LedgerRule {
  code: string;
  version: number;
  severity: Severity;
}

/**
 * What a rule's evidence is: the payments that meet it (lead_evidence), or, for a rule that
 * finds an absence (R13), the months someone was owed and not paid (lead_missed_months).
 */
export type EvidenceKind = 'payments' | 'missed-months';

/** One rule's hits, to be keyed and attached to leads (CONTRACT §4). */
export interface RecordHitsCommand {
  /**
   * A statement answering one row per hit payment, with the columns
   *   disbursement_id, id_number, program_code, period, bank_account, facts
   * where id_number … bank_account are the key fields (NULL when not part of the key) and facts
   * is a jsonb array of the registry records behind the hit (or NULL). For missed-months
   * evidence, one row per person and month missed: disbursement_id is NULL and the row adds
   *   missed_month (YYYY-MM), name, region_code, amount_fen (what the month was worth).
   */
  hitsSql: string;
  /** Payments, unless the rule finds an absence. */
  evidence?: EvidenceKind;
  /** Parameters of hitsSql ($1 …). */
  hitsParams?: unknown[];
  /** The rule that hit: its leads' rule and key prefix. */
  rule: LedgerRule;
  /** The rule a repeat is raised under (R12) when a key's newest lead was rectified. */
  repeat: LedgerRule;
  /**
   * The amount at risk of one lead, as an aggregate over all its evidence; the fragment may use
   * `d` (the evidence payments, disbursements; or the months missed, lead_missed_months, whose
   * amount_fen is what each was worth), `p` (their programs) and `l2` (the lead). `repeatAmountSql` is the same for a repeat, over its own evidence.
   */
  amountSql: string;
  repeatAmountSql: string;
  /** Due date (YYYY-MM-DD) of a newly raised lead. */
  dueOn: string;
  runId: string;
  /** Registry kind → import id the leads were raised or updated on. */
  registrySnapshot: Record<string, string>;
  /**
   * The statement ran over all stored data, so what it no longer finds is no longer true. An
   * absence can be disproved by data that arrived since (a month paid by a later batch): such
   * items are withdrawn from the leads not yet judged (see EVIDENCE's `withdraw`).
   */
  complete?: boolean;
}

/** A backtest's hits: the statement and how its leads would be keyed and summed. */
export interface PreviewHitsCommand {
  hitsSql: string;
  hitsParams?: unknown[];
  evidence?: EvidenceKind;
  rule: Pick<LedgerRule, 'code'>;
  /** A new lead's amount at risk over its evidence (see RecordHitsCommand.amountSql; no `l2`). */
  amountSql: string;
  /** How many added and dropped keys to list (the largest amounts first). */
  sampleSize?: number;
}

/** The hits of a rule version in shadow, to keep apart from the leads. */
export interface ShadowHitsCommand {
  hitsSql: string;
  evidence?: EvidenceKind;
  rule: Pick<LedgerRule, 'code'>;
  version: number;
  runId: string;
}

/** A lead key as its fields, with what the backtest or the present lead says of it. */
export interface PreviewKey {
  key: string;
  id_number: string | null;
  program_code: string | null;
  period: string | null;
  bank_account: string | null;
  /** Added keys: their amount at risk (fen) and evidence items. */
  amountFen?: bigint;
  items?: number;
  /** Dropped keys: the key's newest lead. */
  leadId?: string;
  status?: string;
}

export interface HitsPreview {
  /** Payments hit (for an absence rule: person-months missed). */
  hits: number;
  keys: number;
  amountFen: bigint;
  /** Keys no lead of the rule has yet, and what raising them would put at risk. */
  added: number;
  addedAmountFen: bigint;
  /** Keys of the rule's present leads that this version no longer finds. */
  dropped: number;
  /** Of its keys, how many already have a lead closed rectified (confirmed) or dismissed. */
  confirmed: number;
  dismissed: number;
  addedKeys: PreviewKey[];
  droppedKeys: PreviewKey[];
}

interface PreviewKeyRow {
  lead_key: string;
  amount_fen?: string;
  items?: number;
  lead_id?: string;
  status?: string;
}

function keyOf(row: PreviewKeyRow): PreviewKey {
  const [, idNumber, program, period, account] = row.lead_key.split('|');
  const key: PreviewKey = { key: row.lead_key, id_number: idNumber || null, program_code: program || null, period: period || null, bank_account: account || null };
  if (row.amount_fen !== undefined) Object.assign(key, { amountFen: BigInt(row.amount_fen), items: row.items });
  if (row.lead_id !== undefined) Object.assign(key, { leadId: row.lead_id, status: row.status });
  return key;
}

/** What one rule's hits did to the leads. */
export interface RecordedHits {
  /** New leads of the rule. */
  raised: number;
  /** New repeats (leads of `repeat`) of rectified leads. */
  repeats: number;
  /** Existing leads that received new evidence. */
  updated: number;
  /** Leads closed because every item they were raised for was withdrawn (outcome `withdrawn`). */
  withdrawn: number;
  /** Every lead raised, updated or with items withdrawn. */
  leadIds: string[];
}

/** What a lead's one-sentence explanation is written from (fen as text). */
export interface ExplanationInputRow {
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
  /** Evidence payments, their sum, first and last period, distinct recipients and programs. */
  count: number;
  total_fen: string;
  first_period: string;
  last_period: string;
  persons: number;
  program_names: string | null;
  /** The registry facts of the first evidence payment that has any. */
  facts: Record<string, unknown>[] | null;
}

/** Where one kind of evidence lives, as the fragments of recordHits's statements. */
interface Evidence {
  /** Columns of rule_hits beyond the key, from the statement's row `h`. */
  hitColumns: string;
  /** The evidence item's columns in rule_hits and fresh. */
  item: string;
  /** True when `h`'s item is already attached to a lead of its key. */
  attached: string;
  /** The first hit of each key: who and where, for the new lead. */
  firsts: string;
  attach: string;
  /** The table the items are attached in. */
  table: 'lead_evidence' | 'lead_missed_months';
  /** The lead's evidence as `d`, its programs as `p`, the lead as `l2`, for lead `t.lead_id`. */
  amountFrom: string;
  /** Each key's distinct items in rule_hits as `d` with `h.lead_key`, their programs as `p` (a preview's amounts). */
  previewItems: string;
  /**
   * For evidence later data can disprove (an absence): marks withdrawn the items of the leads of
   * rule $1 (their key's prefix, as an index range) in `statuses` $3 that rule_hits no longer has, by run $2,
   * answering the lead_id of each. Null where a found item stays found (a payment that was made).
   */
  withdraw: string | null;
}

const EVIDENCE: Record<EvidenceKind, Evidence> = {
  payments: {
    hitColumns: `h.disbursement_id::bigint AS disbursement_id, NULL::text AS missed_month, NULL::text AS name, NULL::text AS region_code, NULL::bigint AS amount_fen`,
    item: 'disbursement_id',
    table: 'lead_evidence',
    attached: `SELECT 1 FROM lead_evidence e WHERE e.lead_key = h.lead_key AND e.disbursement_id = h.disbursement_id`,
    firsts: `SELECT DISTINCT ON (f.lead_key) f.lead_key, f.id_number, f.program_code, f.period, f.bank_account, d.name, d.region_code
             FROM fresh f JOIN disbursements d ON d.id = f.disbursement_id
             ORDER BY f.lead_key, f.disbursement_id`,
    attach: `INSERT INTO lead_evidence (lead_key, disbursement_id, lead_id, run_id, facts)
             SELECT f.lead_key, f.disbursement_id, t.lead_id, $1, f.facts FROM fresh f JOIN targets t ON t.lead_key = f.lead_key`,
    amountFrom: `lead_evidence e JOIN leads l2 ON l2.id = e.lead_id
                 JOIN disbursements d ON d.id = e.disbursement_id JOIN programs p ON p.code = d.program_code
                 WHERE e.lead_id = t.lead_id`,
    previewItems: `(SELECT DISTINCT lead_key, disbursement_id FROM rule_hits) h
                   JOIN disbursements d ON d.id = h.disbursement_id JOIN programs p ON p.code = d.program_code`,
    withdraw: null,
  },
  'missed-months': {
    hitColumns: `NULL::bigint AS disbursement_id, h.missed_month::text AS missed_month, h.name::text AS name, h.region_code::text AS region_code, h.amount_fen::bigint AS amount_fen`,
    item: 'missed_month',
    table: 'lead_missed_months',
    attached: `SELECT 1 FROM lead_missed_months e WHERE e.lead_key = h.lead_key AND e.month = h.missed_month AND e.withdrawn_at IS NULL`,
    firsts: `SELECT DISTINCT ON (f.lead_key) f.lead_key, f.id_number, f.program_code, f.period, f.bank_account, f.name, f.region_code
             FROM fresh f ORDER BY f.lead_key, f.missed_month`,
    attach: `INSERT INTO lead_missed_months (lead_key, month, lead_id, run_id, amount_fen, facts)
             SELECT f.lead_key, f.missed_month, t.lead_id, $1, f.amount_fen, f.facts FROM fresh f JOIN targets t ON t.lead_key = f.lead_key
             ON CONFLICT (lead_id, month) DO UPDATE SET withdrawn_at = NULL, withdrawn_by_run = NULL, run_id = EXCLUDED.run_id,
               amount_fen = EXCLUDED.amount_fen, facts = EXCLUDED.facts, attached_at = now()`,
    amountFrom: `lead_missed_months d JOIN leads l2 ON l2.id = d.lead_id JOIN programs p ON p.code = l2.program_code
                 WHERE d.lead_id = t.lead_id AND d.withdrawn_at IS NULL`,
    previewItems: `(SELECT lead_key, missed_month, min(program_code) AS program_code, max(amount_fen) AS amount_fen
                    FROM rule_hits GROUP BY lead_key, missed_month) d
                   JOIN programs p ON p.code = d.program_code CROSS JOIN LATERAL (SELECT d.lead_key) h`,
    withdraw: `WITH gone AS (
                 UPDATE lead_missed_months m SET withdrawn_at = now(), withdrawn_by_run = $2
                 FROM leads l
                 WHERE l.id = m.lead_id AND m.lead_key >= $1 || '|' AND m.lead_key < $1 || '}' AND m.withdrawn_at IS NULL
                   AND l.outcome IS NULL AND l.status = ANY($3::text[])
                   AND NOT EXISTS (SELECT 1 FROM rule_hits h WHERE h.lead_key = m.lead_key AND h.missed_month = m.month)
                 RETURNING m.lead_id)
               SELECT DISTINCT lead_id FROM gone`,
  },
};

/**
 * Each lead `t.lead_id`'s evidence count and amount at risk (`a.evidence`, `a.amount`), recounted
 * from all its evidence; a repeat's amount is over its own evidence, by the repeat strategy of
 * the rule it repeats (`repeatCode`: the parameter naming the repeat rule).
 */
function recount(command: Pick<RecordHitsCommand, 'amountSql' | 'repeatAmountSql'>, evidence: Evidence, repeatCode: string): string {
  const amount = `CASE WHEN min(l2.rule_code) = ${repeatCode} THEN ${command.repeatAmountSql} ELSE ${command.amountSql} END`;
  return `LATERAL (SELECT count(*) AS evidence, coalesce(${amount}, 0) AS amount FROM ${evidence.amountFrom}) a`;
}

/**
 * Writes leads from the hits of a rule and keeps their evidence, counts and amounts: the only
 * writer of `leads` and `lead_evidence` for the checks. Set-based, inside the caller's
 * transaction (which holds the rule's lock and records its outcome).
 */
@Injectable()
export class LeadLedger {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /**
   *  1. the hits are keyed (rule, key fields);
   *  2. hits already attached to a lead of their key are dropped (re-running raises nothing);
   *  3. each remaining key goes to its newest lead, or a new lead when there is none, or a repeat
   *     when the newest was rectified (a dismissed lead keeps and counts the evidence);
   *  4. amounts and counts of the touched leads are recomputed from all their evidence;
   *  5. over all data (`complete`), items an absence rule no longer finds are withdrawn.
   */
  async recordHits(em: EntityManager, command: RecordHitsCommand): Promise<RecordedHits> {
    const { rule, repeat } = command;
    const evidence = EVIDENCE[command.evidence ?? 'payments'];
    const snapshot = JSON.stringify(command.registrySnapshot);
    await this.stageHits(em, command);
    const withdrawn = command.complete && evidence.withdraw ? await this.withdrawUnfound(em, command, evidence) : { closed: 0, leadIds: [] };
    const [{ any }] = await em.query(`SELECT EXISTS (SELECT 1 FROM rule_hits) AS any`);
    if (!any) return { raised: 0, repeats: 0, updated: 0, withdrawn: withdrawn.closed, leadIds: withdrawn.leadIds }; // the usual case for a batch's run
    await em.query(
      `CREATE TEMP TABLE fresh ON COMMIT DROP AS
       SELECT h.lead_key, min(h.disbursement_id) AS disbursement_id, min(h.missed_month) AS missed_month,
              min(h.id_number) AS id_number, min(h.program_code) AS program_code,
              min(h.period) AS period, min(h.bank_account) AS bank_account,
              min(h.name) AS name, min(h.region_code) AS region_code, max(h.amount_fen) AS amount_fen,
              jsonb_agg(DISTINCT f.fact) FILTER (WHERE f.fact IS NOT NULL) AS facts
       FROM rule_hits h
       LEFT JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(h.facts) = 'array' THEN h.facts ELSE '[]'::jsonb END) AS f(fact) ON true
       WHERE NOT EXISTS (${evidence.attached})
       GROUP BY h.lead_key, h.${evidence.item}`,
    );
    await em.query(`ANALYZE fresh`);
    await em.query(
      `CREATE TEMP TABLE targets ON COMMIT DROP AS
       SELECT k.lead_key, k.evidence, cur.id AS lead_id, CASE WHEN cur.outcome = 'rectified' THEN cur.id END AS previous_id, cur.outcome,
              (cur.id IS NULL OR coalesce(cur.outcome IN ('rectified', 'withdrawn'), false)) AS raise, coalesce(cur.generation + 1, 0) AS generation
       FROM (SELECT lead_key, count(*) AS evidence FROM fresh GROUP BY lead_key) k
       LEFT JOIN LATERAL (SELECT id, generation, outcome FROM leads l WHERE l.lead_key = k.lead_key ORDER BY generation DESC LIMIT 1) cur ON true`,
    );
    await em.query(`ANALYZE targets`);
    await em.query(
      `WITH firsts AS (${evidence.firsts}), created AS (
         INSERT INTO leads (rule_code, rule_version, severity, lead_key, generation, id_number, name, program_code, period, bank_account,
                            region_code, repeat_of, repeat_rule, card, card_since, due_on, raised_by_run, registry_snapshot)
         SELECT CASE WHEN t.previous_id IS NULL THEN $1 ELSE $9 END,
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
      [rule.code, rule.version, repeat.version, rule.severity, repeat.severity, command.dueOn, command.runId, snapshot, repeat.code],
    );
    await em.query(evidence.attach, [command.runId]);
    await this.refreshStatistics(em, evidence.table);
    await em.query(
      `UPDATE leads l
       SET evidence_count = a.evidence, amount_at_risk_fen = a.amount, registry_snapshot = $1::jsonb, updated_at = now(),
           late_evidence_count = l.late_evidence_count + CASE WHEN l.outcome = 'dismissed' THEN t.evidence ELSE 0 END
       FROM targets t, ${recount(command, evidence, '$2')}
       WHERE l.id = t.lead_id`,
      [snapshot, repeat.code],
    );
    const [counts] = await em.query(
      `SELECT count(*) FILTER (WHERE raise AND previous_id IS NULL)::int AS raised,
              count(*) FILTER (WHERE raise AND previous_id IS NOT NULL)::int AS repeats,
              count(*) FILTER (WHERE NOT raise)::int AS updated,
              coalesce(array_agg(lead_id::text), '{}') AS lead_ids
       FROM targets`,
    );
    const leadIds = [...new Set([...counts.lead_ids, ...withdrawn.leadIds])];
    return { raised: counts.raised, repeats: counts.repeats, updated: counts.updated, withdrawn: withdrawn.closed, leadIds };
  }

  /**
   * Step 5: the items of unjudged leads that rule_hits no longer has are withdrawn, their leads'
   * amounts recomputed, and a lead left with none is closed as withdrawn (系统撤回), in its
   * history. A judged lead keeps what it was judged on: a month paid after a lead was confirmed
   * or rectified is the rectification, not a mistake of the check.
   */
  private async withdrawUnfound(em: EntityManager, command: RecordHitsCommand, evidence: Evidence): Promise<{ closed: number; leadIds: string[] }> {
    // Every item of the rule's open leads is looked up in the hits: by index, or the anti-join
    // may go quadratic.
    await em.query(`CREATE INDEX ON rule_hits (lead_key, ${evidence.item})`);
    await em.query(`CREATE TEMP TABLE withdrawn_from ON COMMIT DROP AS ${evidence.withdraw}`, [command.rule.code, command.runId, UNJUDGED_STATUSES]);
    await em.query(`ANALYZE withdrawn_from`);
    const changed: { id: string; region_code: string; closed: boolean }[] = await em.query(
      `WITH changed AS (
         UPDATE leads l
         SET evidence_count = a.evidence, amount_at_risk_fen = a.amount, updated_at = now(),
             status = CASE WHEN a.evidence = 0 THEN 'closed' ELSE l.status END,
             outcome = CASE WHEN a.evidence = 0 THEN 'withdrawn' ELSE l.outcome END,
             closed_at = CASE WHEN a.evidence = 0 THEN $2::timestamptz ELSE l.closed_at END,
             due_on = CASE WHEN a.evidence = 0 THEN NULL ELSE l.due_on END
         FROM withdrawn_from t, ${recount(command, evidence, '$1')}
         WHERE l.id = t.lead_id
         RETURNING l.id::text, l.region_code, a.evidence = 0 AS closed)
       SELECT * FROM changed ORDER BY id::bigint`,
      [command.repeat.code, this.clock.now()],
    );
    const closed = changed.filter((c) => c.closed);
    await this.audit.appendMany(
      em,
      closed.map((c) => ({
        action: 'lead.withdraw',
        subjectType: 'lead',
        subjectId: c.id,
        regionCode: c.region_code,
        reason: '复查时已不成立：所列月份均已由其后的批次发放',
        data: { run: command.runId, outcome: 'withdrawn' },
      })),
      undefined,
      this.clock.now(),
    );
    return { closed: closed.length, leadIds: changed.map((c) => c.id) };
  }

  /**
   * After many items were attached, the planner's picture of the lead tables is refreshed at
   * once: the next check's statements join them (a re-check looks up every hit's item), and on
   * stale statistics — autovacuum comes minutes later, and the embedded database has none — a
   * table thought empty was looped over, quadratically (R13's re-check at 5 M: 264 s). Evidence
   * table first, then leads, in every rule, so that two rules' locks never cross.
   */
  private async refreshStatistics(em: EntityManager, table: 'lead_evidence' | 'lead_missed_months'): Promise<void> {
    const [{ items }] = await em.query(`SELECT count(*)::int AS items FROM fresh`);
    if (items < 1000) return;
    await em.query(`ANALYZE ${table}`);
    await em.query(`ANALYZE leads`);
  }

  /** The hits of a rule's statement, keyed, as the temporary table rule_hits (dropped at commit). */
  private async stageHits(em: EntityManager, command: Pick<RecordHitsCommand, 'hitsSql' | 'hitsParams' | 'evidence'> & { rule: Pick<LedgerRule, 'code'> }): Promise<void> {
    const evidence = EVIDENCE[command.evidence ?? 'payments'];
    const hitsParams = command.hitsParams ?? [];
    const codeParam = `$${hitsParams.length + 1}`;
    await em.query(
      `CREATE TEMP TABLE rule_hits ON COMMIT DROP AS
       SELECT ${codeParam} || '|' || coalesce(h.id_number, '') || '|' || coalesce(h.program_code, '') || '|' || coalesce(h.period, '') || '|' || coalesce(h.bank_account, '') AS lead_key,
              h.id_number::text AS id_number, h.program_code::text AS program_code,
              h.period::text AS period, h.bank_account::text AS bank_account, h.facts::jsonb AS facts, ${evidence.hitColumns}
       FROM (${command.hitsSql}) h`,
      [...hitsParams, command.rule.code],
    );
    // The ledger's statements read these temporary tables: planned on guesses (a temporary table
    // has no statistics until analyzed), a re-run's empty work was priced high enough to be
    // JIT-compiled for seconds and joined by nested loops over whole indexes.
    await em.query(`ANALYZE rule_hits`);
  }

  /**
   * What a version of a rule would raise over the payments of its statement, raising nothing
   * (a backtest): its hits and keys with their amounts at risk by `amountSql` as a new lead
   * would have them, compared with the rule's present leads (a key is the same key whatever
   * version found it) and with how staff closed them. Inside the caller's transaction.
   */
  async preview(em: EntityManager, command: PreviewHitsCommand): Promise<HitsPreview> {
    const evidence = EVIDENCE[command.evidence ?? 'payments'];
    await this.stageHits(em, command);
    await em.query(
      `CREATE TEMP TABLE preview_keys ON COMMIT DROP AS
       SELECT h.lead_key, ${command.amountSql} AS amount_fen, count(*) AS items FROM ${evidence.previewItems} GROUP BY h.lead_key`,
    );
    await em.query(
      `CREATE TEMP TABLE present_keys ON COMMIT DROP AS
       SELECT lead_key, bool_or(outcome = 'rectified') AS rectified, bool_or(outcome = 'dismissed') AS dismissed,
              (array_agg(id ORDER BY generation DESC))[1] AS lead_id, (array_agg(status ORDER BY generation DESC))[1] AS status
       FROM leads WHERE split_part(lead_key, '|', 1) = $1 AND outcome IS DISTINCT FROM 'withdrawn' GROUP BY lead_key`,
      [command.rule.code],
    );
    const [figures] = await em.query(
      `SELECT (SELECT count(*) FROM ${evidence.previewItems})::int AS hits,
              count(*)::int AS keys, coalesce(sum(k.amount_fen), 0)::text AS amount_fen,
              count(*) FILTER (WHERE pk.lead_key IS NULL)::int AS added,
              coalesce(sum(k.amount_fen) FILTER (WHERE pk.lead_key IS NULL), 0)::text AS added_amount_fen,
              (SELECT count(*) FROM present_keys pk2 WHERE NOT EXISTS (SELECT 1 FROM preview_keys k2 WHERE k2.lead_key = pk2.lead_key))::int AS dropped,
              count(*) FILTER (WHERE pk.rectified)::int AS confirmed,
              count(*) FILTER (WHERE pk.dismissed)::int AS dismissed
       FROM preview_keys k LEFT JOIN present_keys pk ON pk.lead_key = k.lead_key`,
    );
    const limit = command.sampleSize ?? 200;
    const added: PreviewKeyRow[] = await em.query(
      `SELECT k.lead_key, k.amount_fen::text, k.items::int FROM preview_keys k
       WHERE NOT EXISTS (SELECT 1 FROM present_keys pk WHERE pk.lead_key = k.lead_key)
       ORDER BY k.amount_fen DESC, k.lead_key LIMIT $1`,
      [limit],
    );
    const dropped: PreviewKeyRow[] = await em.query(
      `SELECT pk.lead_key, pk.lead_id::text, pk.status FROM present_keys pk
       WHERE NOT EXISTS (SELECT 1 FROM preview_keys k WHERE k.lead_key = pk.lead_key)
       ORDER BY pk.lead_key LIMIT $1`,
      [limit],
    );
    return {
      hits: figures.hits,
      keys: figures.keys,
      amountFen: BigInt(figures.amount_fen),
      added: figures.added,
      addedAmountFen: BigInt(figures.added_amount_fen),
      dropped: figures.dropped,
      confirmed: figures.confirmed,
      dismissed: figures.dismissed,
      addedKeys: added.map(keyOf),
      droppedKeys: dropped.map(keyOf),
    };
  }

  /**
   * Keeps the hits of a rule version running in shadow, apart from the leads: each payment (or
   * month missed) once per key, whichever run found it first. Inside the caller's transaction.
   */
  async recordShadowHits(em: EntityManager, command: ShadowHitsCommand): Promise<number> {
    await this.stageHits(em, command);
    const [{ kept }] = await em.query(
      `WITH kept AS (
         INSERT INTO shadow_hits (rule_code, version, lead_key, item, disbursement_id, missed_month, id_number, program_code, period, bank_account, amount_fen, run_id)
         SELECT DISTINCT ON (h.lead_key, item) $1, $2, h.lead_key, item, h.disbursement_id, h.missed_month, h.id_number, h.program_code, h.period, h.bank_account, h.amount_fen, $3
         FROM rule_hits h CROSS JOIN LATERAL (SELECT coalesce(h.disbursement_id::text, h.missed_month) AS item) i
         ON CONFLICT DO NOTHING RETURNING 1)
       SELECT count(*)::int AS kept FROM kept`,
      [command.rule.code, command.version, command.runId],
    );
    return kept;
  }

  /** A shadow version's hits as a rule statement's rows, for `preview`: what it found in its checks. */
  shadowHitsSql(): string {
    return `SELECT disbursement_id, id_number, program_code, period, bank_account, NULL::jsonb AS facts,
                   missed_month, NULL::text AS name, NULL::text AS region_code, amount_fen
            FROM shadow_hits WHERE rule_code = $1 AND version = $2`;
  }

  /** The first and last time a shadow version found something, and in how many runs. */
  async shadowSpan(ruleCode: string, version: number): Promise<{ first: Date | null; last: Date | null; runs: number }> {
    const [row] = await this.dataSource.query(
      `SELECT min(found_at) AS first, max(found_at) AS last, count(DISTINCT run_id)::int AS runs FROM shadow_hits WHERE rule_code = $1 AND version = $2`,
      [ruleCode, version],
    );
    return row;
  }

  /**
   * What the explanations of these leads are written from: one row a lead with evidence (its
   * payments, or the months it was owed and not paid, which count as its items and periods).
   */
  explanationInputs(leadIds: string[]): Promise<ExplanationInputRow[]> {
    return this.dataSource.query(
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
       GROUP BY l.id, pr.name, pr.frequency
       UNION ALL
       SELECT l.id::text, l.rule_code, l.name, l.id_number, l.program_code, l.period, l.bank_account, l.amount_at_risk_fen::text,
              l.repeat_of::text, l.repeat_rule, pr.name, pr.frequency,
              count(*)::int, sum(m.amount_fen)::text, min(m.month), max(m.month), 1, pr.name,
              (array_agg(m.facts ORDER BY m.month) FILTER (WHERE m.facts IS NOT NULL))[1]
       FROM leads l
       JOIN lead_missed_months m ON m.lead_id = l.id AND m.withdrawn_at IS NULL
       LEFT JOIN programs pr ON pr.code = l.program_code
       WHERE l.id = ANY($1::bigint[])
       GROUP BY l.id, pr.name, pr.frequency`,
      [leadIds],
    );
  }

  /** Sets the explanation of each lead of `leadIds` to the text at the same place in `texts`. */
  async setExplanations(leadIds: string[], texts: string[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE leads l SET explanation = v.text FROM unnest($1::bigint[], $2::text[]) AS v(id, text) WHERE l.id = v.id`,
      [leadIds, texts],
    );
  }
}
