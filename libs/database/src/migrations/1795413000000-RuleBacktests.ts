import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A backtest someone asked for (issue 14): which rule, the live version or a change, its progress
 * and its figures. It runs as a job; the row is what the console polls.
 */
export class RuleBacktests1795413000000 implements MigrationInterface {
  name = 'RuleBacktests1795413000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rule_backtests (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        rule_code varchar(8) NOT NULL,
        change_id bigint,
        version integer,
        status varchar(16) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        stage varchar(16),
        result jsonb,
        error text,
        requested_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX idx_rule_backtests_rule ON rule_backtests (rule_code, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rule_backtests`);
  }
}
