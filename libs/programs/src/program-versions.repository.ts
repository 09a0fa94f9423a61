import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export type ProgramChangeStatus = 'pending' | 'approved' | 'rejected';

/** What a program version sets (name and frequency are the catalogue file's, not versioned). */
export interface ProgramSettings {
  /** Largest single payment per period, in fen (a string: bigint in JSON). */
  capFen: string;
  minAge: number | null;
  maxAge: number | null;
  meansTested: boolean;
  universal: boolean;
}

export interface ProgramVersionRow extends ProgramSettings {
  id: string;
  programCode: string;
  version: number | null;
  baseVersion: number | null;
  status: ProgramChangeStatus;
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

export interface LiveProgramVersion extends ProgramSettings {
  programCode: string;
  version: number;
}

export interface NewProgramDraft extends ProgramSettings {
  programCode: string;
  baseVersion: number;
  authorId: string;
  author: string;
  reason: string;
}

const SETTINGS = `cap_fen::text AS "capFen", min_age AS "minAge", max_age AS "maxAge", means_tested AS "meansTested", universal`;
const COLUMNS = `id::text, program_code AS "programCode", version, base_version AS "baseVersion", ${SETTINGS}, status,
  CASE WHEN isfinite(effective_from) THEN effective_from END AS "effectiveFrom", author_id AS "authorId", author, reason,
  checker_id AS "checkerId", checker, decided_at AS "decidedAt", decision_reason AS "decisionReason", created_at AS "createdAt"`;
const LIVE = `SELECT DISTINCT ON (program_code) program_code, version, cap_fen, min_age, max_age, means_tested, universal
  FROM program_versions WHERE status = 'approved' AND effective_from <= $1
  ORDER BY program_code, effective_from DESC, version DESC`;
const ID = /^\d{1,18}$/;

/** The program_versions table, and the copy of the live versions in `programs` (libs/programs owns both). */
@Injectable()
export class ProgramVersions {
  constructor(private readonly dataSource: DataSource) {}

  /** Version 1 (approved, live since the start, by 'system') of every program without one. */
  async seedFirstVersions(programs: (ProgramSettings & { programCode: string })[]): Promise<number> {
    const rows = await this.dataSource.query(
      `INSERT INTO program_versions (program_code, version, cap_fen, min_age, max_age, means_tested, universal, status, effective_from, author_id, author, reason, checker_id, checker, decided_at)
       SELECT p.code, 1, p.cap, p.min_age, p.max_age, p.means_tested, p.universal, 'approved', '-infinity', 'system', 'system', '初始版本（config/programs.json）', 'system', 'system', now()
       FROM unnest($1::text[], $2::bigint[], $3::smallint[], $4::smallint[], $5::boolean[], $6::boolean[]) AS p(code, cap, min_age, max_age, means_tested, universal)
       WHERE NOT EXISTS (SELECT 1 FROM program_versions v WHERE v.program_code = p.code AND v.version IS NOT NULL)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        programs.map((p) => p.programCode),
        programs.map((p) => p.capFen),
        programs.map((p) => p.minAge),
        programs.map((p) => p.maxAge),
        programs.map((p) => p.meansTested),
        programs.map((p) => p.universal),
      ],
    );
    return rows.length;
  }

  liveAt(at: Date): Promise<LiveProgramVersion[]> {
    return this.dataSource.query(
      `SELECT program_code AS "programCode", version, cap_fen::text AS "capFen", min_age AS "minAge", max_age AS "maxAge", means_tested AS "meansTested", universal FROM (${LIVE}) l`,
      [at],
    );
  }

  /** Writes the live versions at `at` into `programs` (what the rules join); answers the programs changed. */
  async applyLive(at: Date): Promise<string[]> {
    const rows: { code: string }[] = await this.dataSource.query(
      `WITH u AS (
         UPDATE programs p SET cap_fen = l.cap_fen, min_age = l.min_age, max_age = l.max_age, means_tested = l.means_tested, universal = l.universal, updated_at = now()
         FROM (${LIVE}) l
         WHERE p.code = l.program_code
           AND (p.cap_fen, p.min_age, p.max_age, p.means_tested, p.universal) IS DISTINCT FROM (l.cap_fen, l.min_age, l.max_age, l.means_tested, l.universal)
         RETURNING p.code)
       SELECT code FROM u`,
      [at],
    );
    return rows.map((r) => r.code);
  }

  changes(status?: ProgramChangeStatus): Promise<ProgramVersionRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM program_versions WHERE author_id <> 'system' AND ($1::text IS NULL OR status = $1) ORDER BY program_versions.id DESC`, [status ?? null]);
  }

  history(programCode: string): Promise<ProgramVersionRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM program_versions WHERE program_code = $1 ORDER BY program_versions.id DESC`, [programCode]);
  }

  async find(id: string, em: EntityManager = this.dataSource.manager, lock = false): Promise<ProgramVersionRow | undefined> {
    if (!ID.test(id)) return undefined;
    const [row] = await em.query(`SELECT ${COLUMNS} FROM program_versions WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  }

  async insertDraft(em: EntityManager, d: NewProgramDraft): Promise<string> {
    const [row] = await em.query(
      `INSERT INTO program_versions (program_code, base_version, cap_fen, min_age, max_age, means_tested, universal, author_id, author, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id::text`,
      [d.programCode, d.baseVersion, d.capFen, d.minAge, d.maxAge, d.meansTested, d.universal, d.authorId, d.author, d.reason],
    );
    return row.id;
  }

  async approve(em: EntityManager, id: string, checker: { id: string; name: string }, effectiveFrom: Date): Promise<number> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('sunlight:program-version:' || (SELECT program_code FROM program_versions WHERE id = $1)))`, [id]);
    const [row] = await em.query(
      `WITH u AS (
         UPDATE program_versions SET status = 'approved', effective_from = $2, checker_id = $3, checker = $4, decided_at = now(),
           version = (SELECT coalesce(max(v.version), 0) + 1 FROM program_versions v WHERE v.program_code = program_versions.program_code)
         WHERE id = $1 AND status = 'pending' RETURNING version)
       SELECT version FROM u`,
      [id, effectiveFrom, checker.id, checker.name],
    );
    return row.version;
  }

  async reject(em: EntityManager, id: string, checker: { id: string; name: string }, reason: string): Promise<void> {
    await em.query(
      `UPDATE program_versions SET status = 'rejected', checker_id = $2, checker = $3, decided_at = now(), decision_reason = $4 WHERE id = $1 AND status = 'pending'`,
      [id, checker.id, checker.name, reason],
    );
  }
}
