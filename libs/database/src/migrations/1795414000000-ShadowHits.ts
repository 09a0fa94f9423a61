import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The would-be leads of a rule version in shadow (issue 14): an approved version waiting for its
 * day runs beside the live one in every check until then, and its hits are kept here, apart from
 * the leads, for the page that compares the two before it goes live.
 */
export class ShadowHits1795414000000 implements MigrationInterface {
  name = 'ShadowHits1795414000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE shadow_hits (
        rule_code varchar(8) NOT NULL,
        version integer NOT NULL,
        lead_key text COLLATE "C" NOT NULL,
        item text COLLATE "C" NOT NULL,
        disbursement_id bigint,
        missed_month varchar(7),
        id_number varchar(18),
        program_code varchar(16),
        period varchar(7),
        bank_account varchar(30),
        amount_fen bigint,
        run_id bigint NOT NULL,
        found_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (rule_code, version, lead_key, item)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE shadow_hits`);
  }
}
