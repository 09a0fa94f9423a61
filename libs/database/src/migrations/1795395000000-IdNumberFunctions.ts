import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an ID number (GB 11643) says, in SQL, for the rules (R10, R11). They never raise: an
 * impossible date is NULL, so that one bad number cannot stop a check run. Same rules as
 * libs/common/src/id-number.ts.
 */
export class IdNumberFunctions1795395000000 implements MigrationInterface {
  name = 'IdNumberFunctions1795395000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION sl_id_check_ok(id text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN id !~ '^[0-9]{17}[0-9X]$' THEN false ELSE
          substr('10X98765432', ((
              substr(id, 1, 1)::int * 7 + substr(id, 2, 1)::int * 9 + substr(id, 3, 1)::int * 10 + substr(id, 4, 1)::int * 5
            + substr(id, 5, 1)::int * 8 + substr(id, 6, 1)::int * 4 + substr(id, 7, 1)::int * 2 + substr(id, 8, 1)::int * 1
            + substr(id, 9, 1)::int * 6 + substr(id, 10, 1)::int * 3 + substr(id, 11, 1)::int * 7 + substr(id, 12, 1)::int * 9
            + substr(id, 13, 1)::int * 10 + substr(id, 14, 1)::int * 5 + substr(id, 15, 1)::int * 8 + substr(id, 16, 1)::int * 4
            + substr(id, 17, 1)::int * 2) % 11) + 1, 1) = substr(id, 18, 1)
        END
      $$`);
    await q.query(`
      CREATE FUNCTION sl_id_birth_date(id text) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE
          WHEN substr(id, 7, 8) !~ '^(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$' THEN NULL
          WHEN substr(id, 13, 2)::int > extract(day FROM make_date(substr(id, 7, 4)::int, substr(id, 11, 2)::int, 1) + interval '1 month - 1 day') THEN NULL
          ELSE make_date(substr(id, 7, 4)::int, substr(id, 11, 2)::int, substr(id, 13, 2)::int)
        END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION sl_id_birth_date(text); DROP FUNCTION sl_id_check_ok(text)`);
  }
}
