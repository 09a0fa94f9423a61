import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The two lookups a batch's check makes per row carry what they look up, so that they are read
 * from the index alone:
 * - a person's household (R03, R09): `reg_household_members (id_number)` includes `household_id`;
 * - an account's holders (R08, R09): `disbursements (bank_account)` becomes `(bank_account, id_number)`.
 *   A batch's R09 then counts each account's holders in its index, instead of fetching all of the
 *   account's payments (a dozen heap pages each, from a dozen months' batches), and a full check
 *   reads every account's holders in index order, with nothing to sort.
 * Replaced rather than added (same names, the same first key), since every import writes every
 * index. On a province's history this rebuilds the account index of every partition: minutes.
 */
export class CoveringLookupIndexes1795417700000 implements MigrationInterface {
  name = 'CoveringLookupIndexes1795417700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS idx_reg_household_members_person`);
    await q.query(`CREATE INDEX idx_reg_household_members_person ON reg_household_members (id_number) INCLUDE (household_id)`);
    // Dropping the partitioned index drops each partition's; creating it builds each one's again.
    await q.query(`DROP INDEX IF EXISTS idx_disbursements_account`);
    await q.query(`CREATE INDEX idx_disbursements_account ON disbursements (bank_account, id_number) WHERE bank_account IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS idx_disbursements_account`);
    await q.query(`CREATE INDEX idx_disbursements_account ON disbursements (bank_account) WHERE bank_account IS NOT NULL`);
    await q.query(`DROP INDEX IF EXISTS idx_reg_household_members_person`);
    await q.query(`CREATE INDEX idx_reg_household_members_person ON reg_household_members (id_number)`);
  }
}
