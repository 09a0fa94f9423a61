import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The evidence of a rule that finds an absence (R13 应享未享): the months a person was owed and
 * not paid, with what each was worth when found (the program's cap then). Payment evidence stays
 * in lead_evidence; a month is attached to a lead once, as a payment is.
 */
export class MissedMonths1795411000000 implements MigrationInterface {
  name = 'MissedMonths1795411000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE lead_missed_months (
        lead_key text COLLATE "C" NOT NULL,
        month varchar(7) COLLATE "C" NOT NULL,
        lead_id bigint NOT NULL,
        run_id bigint,
        amount_fen bigint NOT NULL,
        facts jsonb,
        attached_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (lead_key, month)
      )`);
    await q.query(`CREATE INDEX idx_lead_missed_months_lead ON lead_missed_months (lead_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE lead_missed_months`);
  }
}
