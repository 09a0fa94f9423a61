import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * reg_official_connections replaces reg_household_officials: every person connected to a village
 * official (the official, and each member of a household the official belongs to), with the
 * official's row (region, name, role, import). R03 (优亲厚友) then asks one index per recipient,
 * by the recipient's id_number, instead of three (the officials, the recipient's household, the
 * officials' households); and on Citus it is distributed by id_number like the payments, so R03
 * runs shard by shard instead of repartitioning by household. Derived from the officials and the
 * household members, brought up to date by every import of either (libs/ingestion,
 * OfficialConnections); filled here from the registries as they stand.
 */
export class OfficialConnections1795417900000 implements MigrationInterface {
  name = 'OfficialConnections1795417900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reg_official_connections (
        id_number varchar(18) COLLATE "C" NOT NULL,
        official_id_number varchar(18) COLLATE "C" NOT NULL,
        official_region_code varchar(9) COLLATE "C" NOT NULL,
        self boolean NOT NULL,
        official_name text,
        official_role text,
        official_import_id bigint NOT NULL,
        PRIMARY KEY (id_number, official_id_number, official_region_code, self)
      )`);
    await q.query(`
      INSERT INTO reg_official_connections (id_number, official_id_number, official_region_code, self, official_name, official_role, official_import_id)
      WITH households AS (
        SELECT hm.household_id, o.id_number AS official FROM reg_village_officials o JOIN reg_household_members hm ON hm.id_number = o.id_number
        UNION
        SELECT o.household_id, o.id_number FROM reg_village_officials o WHERE o.household_id IS NOT NULL
      ),
      people AS (
        SELECT o.id_number AS person, o.id_number AS official, true AS self FROM reg_village_officials o
        UNION
        SELECT m.id_number, h.official, false FROM households h JOIN reg_household_members m ON m.household_id = h.household_id AND m.id_number <> h.official
      )
      SELECT p.person, o.id_number, o.region_code, p.self, o.name, o.role, o.import_id
      FROM people p JOIN reg_village_officials o ON o.id_number = p.official`);
    await q.query(`ANALYZE reg_official_connections`);
    // reg_household_officials stays, no longer written, for the processes of the previous release
    // that still run during an upgrade (their R03 and their registry imports use it); the next
    // release's migrations drop it.
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reg_official_connections`);
  }
}
