import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each rule did in a check run, written in the rule's own transaction: a run resumed after
 * its worker died skips the rules already applied, and its totals are the sum of these rows.
 */
export class CheckRunRules1795401000000 implements MigrationInterface {
  name = 'CheckRunRules1795401000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE check_run_rules (
        run_id bigint NOT NULL REFERENCES check_runs (id) ON DELETE CASCADE,
        rule_code varchar(8) NOT NULL,
        raised jsonb NOT NULL DEFAULT '{}',
        updated integer NOT NULL DEFAULT 0,
        lead_ids bigint[] NOT NULL DEFAULT '{}',
        error text,
        finished_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, rule_code)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE check_run_rules`);
  }
}
