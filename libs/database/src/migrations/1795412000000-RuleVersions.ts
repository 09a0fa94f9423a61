import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rule and program settings as versions (issue 14): every change is a draft with an author and a reason,
 * decided by a second admin (maker-checker). An approved version is live from `effective_from`
 * ('-infinity' for the seeded version 1); the live version of a rule at T is the approved one with
 * the greatest effective_from ≤ T. Drafts get their version number when approved; a rejected
 * draft has none. The id is the change id the CLI and API name.
 */
export class RuleVersions1795412000000 implements MigrationInterface {
  name = 'RuleVersions1795412000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rule_versions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        rule_code varchar(16) COLLATE "C" NOT NULL,
        version integer,
        base_version integer,
        enabled boolean NOT NULL,
        severity varchar(8) NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        status varchar(10) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        effective_from timestamptz,
        author_id text NOT NULL,
        author text NOT NULL,
        reason text NOT NULL,
        checker_id text,
        checker text,
        decided_at timestamptz,
        decision_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'approved') = (version IS NOT NULL AND effective_from IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_rule_versions_version ON rule_versions (rule_code, version) WHERE version IS NOT NULL`);
    await q.query(`CREATE INDEX idx_rule_versions_live ON rule_versions (rule_code, effective_from) WHERE status = 'approved'`);
    await q.query(`CREATE INDEX idx_rule_versions_pending ON rule_versions (created_at) WHERE status = 'pending'`);
    // The same for programs' settings (libs/programs); the live version is copied into `programs`,
    // which the rules' statements join.
    await q.query(`
      CREATE TABLE program_versions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        program_code varchar(16) COLLATE "C" NOT NULL,
        version integer,
        base_version integer,
        cap_fen bigint NOT NULL CHECK (cap_fen > 0),
        min_age smallint,
        max_age smallint,
        means_tested boolean NOT NULL,
        universal boolean NOT NULL,
        status varchar(10) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        effective_from timestamptz,
        author_id text NOT NULL,
        author text NOT NULL,
        reason text NOT NULL,
        checker_id text,
        checker text,
        decided_at timestamptz,
        decision_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'approved') = (version IS NOT NULL AND effective_from IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_program_versions_version ON program_versions (program_code, version) WHERE version IS NOT NULL`);
    await q.query(`CREATE INDEX idx_program_versions_live ON program_versions (program_code, effective_from) WHERE status = 'approved'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE program_versions`);
    await q.query(`DROP TABLE rule_versions`);
  }
}
