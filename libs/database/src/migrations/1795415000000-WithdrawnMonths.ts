import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A month judged missed (R13) can be paid after all by a batch that arrived after the check. The
 * next full check withdraws it from a lead nobody has judged yet, keeping the row: withdrawn_at
 * and withdrawn_by_run say when and which run. A month is attached once per lead (its primary
 * key), and at most once un-withdrawn per key, so a withdrawn key can be raised again.
 */
export class WithdrawnMonths1795415000000 implements MigrationInterface {
  name = 'WithdrawnMonths1795415000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE lead_missed_months ADD COLUMN withdrawn_at timestamptz, ADD COLUMN withdrawn_by_run bigint`);
    await q.query(`ALTER TABLE lead_missed_months DROP CONSTRAINT lead_missed_months_pkey, ADD PRIMARY KEY (lead_id, month)`);
    await q.query(`CREATE UNIQUE INDEX idx_lead_missed_months_key ON lead_missed_months (lead_key, month) WHERE withdrawn_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_lead_missed_months_key`);
    await q.query(`DELETE FROM lead_missed_months WHERE withdrawn_at IS NOT NULL`);
    await q.query(`ALTER TABLE lead_missed_months DROP CONSTRAINT lead_missed_months_pkey, ADD PRIMARY KEY (lead_key, month)`);
    await q.query(`ALTER TABLE lead_missed_months DROP COLUMN withdrawn_at, DROP COLUMN withdrawn_by_run`);
  }
}
