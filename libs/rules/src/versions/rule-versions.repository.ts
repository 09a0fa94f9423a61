import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Severity } from '@sunlight/leads';

export type RuleChangeStatus = 'pending' | 'approved' | 'rejected';

/** What a version sets. */
export interface RuleSettings {
  enabled: boolean;
  severity: Severity;
  params: Record<string, number>;
}

/** One row of rule_versions: a draft, or a decided change (approved ones carry their version). */
export interface RuleVersionRow extends RuleSettings {
  id: string;
  ruleCode: string;
  version: number | null;
  baseVersion: number | null;
  status: RuleChangeStatus;
  /** When an approved version goes live; null: since the start (the seeded version 1) or not approved. */
  effectiveFrom: Date | null;
  authorId: string;
  author: string;
  reason: string;
  checkerId: string | null;
  checker: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  createdAt: Date;
}

/** A rule's live version: its settings and number. */
export interface LiveRuleVersion extends RuleSettings {
  ruleCode: string;
  version: number;
  effectiveFrom: Date | null;
}

export interface NewDraft extends RuleSettings {
  ruleCode: string;
  baseVersion: number;
  authorId: string;
  author: string;
  reason: string;
}

const COLUMNS = `id::text, rule_code AS "ruleCode", version, base_version AS "baseVersion", enabled, severity, params, status,
  CASE WHEN isfinite(effective_from) THEN effective_from END AS "effectiveFrom", author_id AS "authorId", author, reason,
  checker_id AS "checkerId", checker, decided_at AS "decidedAt", decision_reason AS "decisionReason", created_at AS "createdAt"`;

const ID = /^\d{1,18}$/;

/** The rule_versions table (libs/rules owns it): one named method a question. */
@Injectable()
export class RuleVersions {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Version 1 (approved, live since the start, by 'system') of every rule that has no version
   * yet; a rule that has one is left alone. Safe when several processes start at once.
   */
  async seedFirstVersions(rules: (RuleSettings & { ruleCode: string })[]): Promise<number> {
    const rows = await this.dataSource.query(
      `INSERT INTO rule_versions (rule_code, version, enabled, severity, params, status, effective_from, author_id, author, reason, checker_id, checker, decided_at)
       SELECT r.code, 1, r.enabled, r.severity, r.params, 'approved', '-infinity', 'system', 'system', '初始版本（config/rules.json 与规则默认值）', 'system', 'system', now()
       FROM unnest($1::text[], $2::boolean[], $3::text[], $4::jsonb[]) AS r(code, enabled, severity, params)
       WHERE NOT EXISTS (SELECT 1 FROM rule_versions v WHERE v.rule_code = r.code AND v.version IS NOT NULL)
       ON CONFLICT DO NOTHING RETURNING id`,
      [rules.map((r) => r.ruleCode), rules.map((r) => r.enabled), rules.map((r) => r.severity), rules.map((r) => JSON.stringify(r.params))],
    );
    return rows.length;
  }

  /** The live version of each rule at `at`: the approved one with the greatest effective_from ≤ at. */
  liveAt(at: Date): Promise<LiveRuleVersion[]> {
    return this.dataSource.query(
      `SELECT DISTINCT ON (rule_code) rule_code AS "ruleCode", version, enabled, severity, params,
              CASE WHEN isfinite(effective_from) THEN effective_from END AS "effectiveFrom"
       FROM rule_versions WHERE status = 'approved' AND effective_from <= $1
       ORDER BY rule_code, effective_from DESC, version DESC`,
      [at],
    );
  }

  /** Approved versions waiting for their day at `at`: they run in shadow until then. */
  scheduledAt(at: Date): Promise<LiveRuleVersion[]> {
    return this.dataSource.query(
      `SELECT rule_code AS "ruleCode", version, enabled, severity, params, effective_from AS "effectiveFrom"
       FROM rule_versions WHERE status = 'approved' AND effective_from > $1 ORDER BY rule_code, version`,
      [at],
    );
  }

  /** Brings an approved version's day forward to `at` (it goes live now); false when it is not waiting. */
  async bringForward(em: EntityManager, id: string, at: Date): Promise<boolean> {
    const [{ moved }] = await em.query(
      `WITH u AS (UPDATE rule_versions SET effective_from = $2 WHERE id = $1 AND status = 'approved' AND effective_from > $2 RETURNING 1)
       SELECT count(*) > 0 AS moved FROM u`,
      [id, at],
    );
    return moved;
  }

  /** Every version and draft of a rule, newest first (by the table's id: the output's id is text). */
  history(ruleCode: string): Promise<RuleVersionRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM rule_versions WHERE rule_code = $1 ORDER BY rule_versions.id DESC`, [ruleCode]);
  }

  /** Changes by status (all when none), newest first. */
  changes(status?: RuleChangeStatus): Promise<RuleVersionRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM rule_versions WHERE author_id <> 'system' AND ($1::text IS NULL OR status = $1) ORDER BY rule_versions.id DESC`, [status ?? null]);
  }

  async find(id: string, em: EntityManager = this.dataSource.manager, lock = false): Promise<RuleVersionRow | undefined> {
    if (!ID.test(id)) return undefined;
    const [row] = await em.query(`SELECT ${COLUMNS} FROM rule_versions WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  }

  async findVersion(ruleCode: string, version: number): Promise<RuleVersionRow | undefined> {
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM rule_versions WHERE rule_code = $1 AND version = $2`, [ruleCode, version]);
    return row;
  }

  async insertDraft(em: EntityManager, draft: NewDraft): Promise<string> {
    const [row] = await em.query(
      `INSERT INTO rule_versions (rule_code, base_version, enabled, severity, params, author_id, author, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id::text`,
      [draft.ruleCode, draft.baseVersion, draft.enabled, draft.severity, JSON.stringify(draft.params), draft.authorId, draft.author, draft.reason],
    );
    return row.id;
  }

  /** Approves a pending draft, numbering it after the rule's newest version; answers the number. */
  async approve(em: EntityManager, id: string, checker: { id: string; name: string }, effectiveFrom: Date): Promise<number> {
    // One approval of a rule at a time, so that two never take the same number.
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('sunlight:rule-version:' || (SELECT rule_code FROM rule_versions WHERE id = $1)))`, [id]);
    const [row] = await em.query(
      // (In a WITH: TypeORM answers an UPDATE's rows and count, a SELECT's rows.)
      `WITH u AS (
         UPDATE rule_versions SET status = 'approved', effective_from = $2, checker_id = $3, checker = $4, decided_at = now(),
           version = (SELECT coalesce(max(v.version), 0) + 1 FROM rule_versions v WHERE v.rule_code = rule_versions.rule_code)
         WHERE id = $1 AND status = 'pending' RETURNING version)
       SELECT version FROM u`,
      [id, effectiveFrom, checker.id, checker.name],
    );
    return row.version;
  }

  async reject(em: EntityManager, id: string, checker: { id: string; name: string }, reason: string): Promise<void> {
    await em.query(
      `UPDATE rule_versions SET status = 'rejected', checker_id = $2, checker = $3, decided_at = now(), decision_reason = $4 WHERE id = $1 AND status = 'pending'`,
      [id, checker.id, checker.name, reason],
    );
  }
}
