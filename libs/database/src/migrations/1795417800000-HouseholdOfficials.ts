import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * reg_household_officials: the households a village official belongs to (the one household-members
 * lists the official in, and the official's own household_id), derived from those two registries
 * and rebuilt by every import of either (libs/ingestion, HouseholdOfficials). R03 (优亲厚友) asks it
 * once per recipient's household, instead of listing the household's members and looking each
 * one up among the officials, and its full check starts from it with statistics of its own.
 * Filled here from the registries as they stand.
 */
export class HouseholdOfficials1795417800000 implements MigrationInterface {
  name = 'HouseholdOfficials1795417800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reg_household_officials (
        household_id text NOT NULL,
        official_id_number varchar(18) COLLATE "C" NOT NULL,
        PRIMARY KEY (household_id, official_id_number)
      )`);
    await q.query(`
      INSERT INTO reg_household_officials (household_id, official_id_number)
      SELECT hm.household_id, o.id_number FROM reg_village_officials o JOIN reg_household_members hm ON hm.id_number = o.id_number
      UNION
      SELECT o.household_id, o.id_number FROM reg_village_officials o WHERE o.household_id IS NOT NULL`);
    await q.query(`ANALYZE reg_household_officials`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reg_household_officials`);
  }
}
