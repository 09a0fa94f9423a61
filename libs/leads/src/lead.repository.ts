import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { scopeSql, TIME_ZONE } from '@sunlight/common';
import type { LeadOutcome, LeadStatus, WarningCard } from './lead-types.js';

/** A lead as the lifecycle reads and changes it (column names as in the table; fen as text). */
export interface LeadStepRow {
  id: string;
  status: LeadStatus;
  outcome: LeadOutcome | null;
  verdict: 'confirmed' | 'dismissed' | null;
  card: WarningCard | null;
  deadline_step: string | null;
  /** YYYY-MM-DD */
  due_on: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  finding: string | null;
  amount_confirmed_fen: string | null;
  amount_recovered_fen: string;
  disposals: string[];
  region_code: string;
  verified_at: Date | null;
  rectified_at: Date | null;
}

/** What one step may change on a lead. */
export interface LeadChanges {
  status?: LeadStatus;
  outcome?: LeadOutcome;
  verdict?: 'confirmed' | 'dismissed';
  finding?: string | null;
  amount_confirmed_fen?: string;
  amount_recovered_fen?: string;
  disposals?: string[];
  assignee_id?: string;
  assignee_name?: string;
  deadline_step?: string;
  due_on?: string | null;
  verified_at?: Date;
  rectified_at?: Date;
  closed_at?: Date;
  card?: null;
  card_since?: null;
}

/** The triage fields of one lead (its detail page). */
export interface LeadTriageRow {
  assignee_id: string | null;
  assignee_name: string | null;
  deadline_step: string | null;
  verdict: 'confirmed' | 'dismissed' | null;
  finding: string | null;
  amount_confirmed_fen: string | null;
  amount_recovered_fen: string;
  disposals: string[];
  card: WarningCard | null;
  status: LeadStatus;
}

/** The leads raised in a region subtree during a period, counted (fen as text). */
export interface CohortTotalsRow {
  raised: number;
  verified: number;
  confirmed: number;
  dismissed: number;
  rectified: number;
  confirmed_rectified: number;
  at_risk: string;
  confirmed_fen: string;
  recovered_fen: string;
  blue: number;
  yellow: number;
  red: number;
}

/** A region subtree and the first and last day (Asia/Shanghai) on which its leads were raised. */
export interface Cohort {
  region: string;
  from: string;
  to: string;
}

/** A card a sweep sets (or would set) on a lead. */
export interface CardChangeRow {
  id: string;
  region_code: string;
  before: WarningCard | null;
  after: WarningCard;
  /** YYYY-MM-DD */
  due_on: string;
}

/** The card rules of config/deadlines.json, in working days. */
export interface CardRules {
  blueBefore: number;
  redAfter: number;
}

const STEP_COLUMNS = `id::text, status, outcome, verdict, card, deadline_step, to_char(due_on, 'YYYY-MM-DD') AS due_on, assignee_id::text, assignee_name,
  finding, amount_confirmed_fen::text, amount_recovered_fen::text, disposals, region_code, verified_at, rectified_at`;

const rank = (card: string) => `coalesce(array_position(ARRAY['blue', 'yellow', 'red'], ${card}::text), 0)`;

/**
 * The cards a sweep for day $1 raises: blue when a lead's deadline is $2 working days away or
 * fewer, yellow once it has passed, red when passed by $3; only ever up, so open leads already
 * red are not looked at. Set-based over the working-day calendar table.
 */
const CARD_CHANGES = `WITH t AS (SELECT workday_index AS idx FROM calendar_days WHERE day = $1::date),
  computed AS (
    SELECT l.id, l.region_code, l.due_on, l.card AS before,
           CASE WHEN $1::date > l.due_on AND t.idx - c.workday_index >= $3 THEN 'red'
                WHEN $1::date > l.due_on THEN 'yellow'
                WHEN c.workday_index - t.idx <= $2 THEN 'blue' END AS card
    FROM leads l JOIN calendar_days c ON c.day = l.due_on CROSS JOIN t
    WHERE l.status NOT IN ('dismissed', 'closed') AND l.due_on IS NOT NULL
      AND l.due_on <= (SELECT max(day) FROM calendar_days, t WHERE workday_index <= t.idx + $2)
      AND l.card IS DISTINCT FROM 'red'
  ),
  changes AS (SELECT * FROM computed WHERE card IS NOT NULL AND ${rank('card')} > ${rank('before')})`;

/**
 * The cohort's leads: in the actor's scope (decided per call), under the region $1, raised from
 * day $2 to day $3 (Asia/Shanghai).
 */
export function cohortCondition(): string {
  return `${scopeSql('region_code')} AND region_code LIKE $1 || '%'
    AND created_at >= ($2::date)::timestamp AT TIME ZONE '${TIME_ZONE}'
    AND created_at < ($3::date + 1)::timestamp AT TIME ZONE '${TIME_ZONE}'`;
}
export function cohortSql(from = 'FROM leads'): string {
  return `${from}
  WHERE ${cohortCondition()}`;
}
export const cohortParams = (c: Cohort) => [c.region, c.from, c.to];

/** The columns of a CohortTotalsRow, aggregated over the leads of a cohort (or of a group of it). */
export const COHORT_FIGURES = `count(id)::int AS raised,
              count(verdict)::int AS verified,
              count(*) FILTER (WHERE verdict = 'confirmed')::int AS confirmed,
              count(*) FILTER (WHERE verdict = 'dismissed')::int AS dismissed,
              count(*) FILTER (WHERE outcome = 'rectified')::int AS rectified,
              count(*) FILTER (WHERE outcome = 'rectified' AND verdict = 'confirmed')::int AS confirmed_rectified,
              coalesce(sum(amount_at_risk_fen), 0)::text AS at_risk,
              coalesce(sum(amount_confirmed_fen), 0)::text AS confirmed_fen,
              coalesce(sum(amount_recovered_fen), 0)::text AS recovered_fen,
              count(*) FILTER (WHERE card = 'blue' AND status NOT IN ('dismissed', 'closed'))::int AS blue,
              count(*) FILTER (WHERE card = 'yellow' AND status NOT IN ('dismissed', 'closed'))::int AS yellow,
              count(*) FILTER (WHERE card = 'red' AND status NOT IN ('dismissed', 'closed'))::int AS red`;

/**
 * The SQL of the lead table for the lifecycle, the card sweep, the detail page, notices and
 * statistics, one named method a question (the queue and the export still hold their own).
 * Methods taking an EntityManager run inside the caller's transaction.
 */
@Injectable()
export class LeadRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One lead in the actor's scope, locked for the rest of the transaction. */
  async lockInScope(em: EntityManager, id: string): Promise<LeadStepRow | undefined> {
    const [row] = await em.query(`SELECT ${STEP_COLUMNS} FROM leads WHERE id = $1 AND ${scopeSql('region_code')} FOR UPDATE`, [id]);
    return row;
  }

  /** Leads in the actor's scope, locked in id order (two bulk steps never deadlock). */
  lockAllInScope(em: EntityManager, ids: string[]): Promise<LeadStepRow[]> {
    return em.query(`SELECT ${STEP_COLUMNS} FROM leads WHERE id = ANY($1::bigint[]) AND ${scopeSql('region_code')} ORDER BY leads.id FOR UPDATE`, [ids]);
  }

  /** Writes a step's changes and answers the lead as it is now. */
  async change(em: EntityManager, id: string, changes: LeadChanges): Promise<LeadStepRow> {
    // The column names are LeadChanges' keys, never input.
    const columns = Object.keys(changes) as (keyof LeadChanges)[];
    const [row] = await em.query(
      `WITH u AS (UPDATE leads SET ${columns.map((c, i) => `${c} = $${i + 2}, `).join('')}updated_at = now() WHERE id = $1 RETURNING ${STEP_COLUMNS}) SELECT * FROM u`,
      [id, ...columns.map((c) => changes[c])],
    );
    return row;
  }

  /**
   * What the lead's evidence adds up to: its payments, or its amount at risk when that is more
   * (a lead of money owed but never paid has no payments of its own).
   */
  async evidenceTotalFen(em: EntityManager, id: string): Promise<bigint> {
    const [row] = await em.query(
      `SELECT greatest(l.amount_at_risk_fen, coalesce((SELECT sum(d.amount_fen) FROM lead_evidence e JOIN disbursements d ON d.id = e.disbursement_id WHERE e.lead_id = l.id), 0))::text AS fen
       FROM leads l WHERE l.id = $1`,
      [id],
    );
    return BigInt(row.fen);
  }

  /** Is the lead there, and inside the actor's scope? */
  async isVisible(id: string): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT 1 FROM leads WHERE id = $1 AND ${scopeSql('region_code')}`, [id]);
    return !!row;
  }

  /** The regions of those of `ids` in the actor's scope (one row a lead found). */
  regionsInScope(ids: string[]): Promise<{ id: string; region_code: string }[]> {
    return this.dataSource.query(`SELECT id::text, region_code FROM leads WHERE id = ANY($1::bigint[]) AND ${scopeSql('region_code')}`, [ids]);
  }

  async triageOf(id: string): Promise<LeadTriageRow | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT assignee_id::text, assignee_name, deadline_step, verdict, finding, amount_confirmed_fen::text, amount_recovered_fen::text, disposals, card, status
       FROM leads WHERE id = $1`,
      [id],
    );
    return row;
  }

  /** Of `ids`, those in the actor's scope and under `regionCode`. */
  async visibleUnder(em: EntityManager, ids: string[], regionCode: string): Promise<string[]> {
    const rows = await em.query(`SELECT id::text FROM leads WHERE id = ANY($1::bigint[]) AND ${scopeSql('region_code')} AND region_code LIKE $2 || '%'`, [ids, regionCode]);
    return rows.map((r: { id: string }) => r.id);
  }

  async cohortTotals(cohort: Cohort): Promise<CohortTotalsRow> {
    const [row] = await this.dataSource.query(
      `SELECT ${COHORT_FIGURES}
       ${cohortSql()}`,
      cohortParams(cohort),
    );
    return row;
  }

  /** Leads of the cohort per current status. */
  cohortStatuses(cohort: Cohort): Promise<{ status: LeadStatus; n: number }[]> {
    return this.dataSource.query(`SELECT status, count(*)::int AS n ${cohortSql()} GROUP BY status`, cohortParams(cohort));
  }

  /** Leads of the cohort per disposal (a lead with two counts under both). */
  cohortDisposals(cohort: Cohort): Promise<{ disposal: string; n: number }[]> {
    return this.dataSource.query(`SELECT d AS disposal, count(*)::int AS n ${cohortSql('FROM leads, unnest(disposals) AS d')} GROUP BY d`, cohortParams(cohort));
  }

  /** The cards a sweep of `day` would set, changing nothing. */
  cardChanges(em: EntityManager, day: string, rules: CardRules): Promise<CardChangeRow[]> {
    return em.query(`${CARD_CHANGES} SELECT id::text, region_code, before, card AS after, to_char(due_on, 'YYYY-MM-DD') AS due_on FROM changes ORDER BY changes.id`, [day, rules.blueBefore, rules.redAfter]);
  }

  /**
   * Sets the cards of a sweep of `day`, and answers those set. The rank is checked again on the
   * row being updated: a card raised meanwhile by another sweep is not lowered.
   */
  raiseCards(em: EntityManager, day: string, rules: CardRules, since: Date): Promise<CardChangeRow[]> {
    return em.query(
      `${CARD_CHANGES},
       u AS (
         UPDATE leads l SET card = changes.card, card_since = $4, updated_at = now()
         FROM changes
         WHERE l.id = changes.id AND ${rank('changes.card')} > ${rank('l.card')}
         RETURNING l.id::text, l.region_code, changes.before, changes.card AS after, to_char(l.due_on, 'YYYY-MM-DD') AS due_on
       )
       SELECT * FROM u ORDER BY id::bigint`,
      [day, rules.blueBefore, rules.redAfter, since],
    );
  }
}
