import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 户籍人口 (CONTRACT §3.2 residents): who lives in which township, from when to when. R13
 * (应享未享) reads it for the people a universal program owes and never paid.
 */
export class ResidentsRegistry1795410000000 implements MigrationInterface {
  name = 'ResidentsRegistry1795410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reg_residents (
        id_number varchar(18) COLLATE "C" NOT NULL,
        region_code varchar(9) COLLATE "C" NOT NULL,
        from_date date NOT NULL,
        name text,
        household_id text,
        to_date date,
        import_id bigint NOT NULL,
        PRIMARY KEY (id_number, region_code, from_date)
      )`);
    // R13 reads a county's residents for the months it paid.
    await q.query(`CREATE INDEX idx_reg_residents_county ON reg_residents (left(region_code, 6))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reg_residents`);
  }
}
