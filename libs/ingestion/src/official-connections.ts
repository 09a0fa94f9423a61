import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RegistryKind } from './types.js';

/** The registries reg_official_connections is derived from. */
const SOURCES: readonly RegistryKind[] = ['village-officials', 'household-members'];

/**
 * Each person connected to a village official, as the two registries say now: the official, and
 * every other member of a household the official belongs to (the one household-members lists the
 * official in, or the official's own household_id); with each of the official's rows.
 */
const DERIVED = `
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
  SELECT p.person AS id_number, o.id_number AS official_id_number, o.region_code AS official_region_code, p.self,
         o.name AS official_name, o.role AS official_role, o.import_id AS official_import_id
  FROM people p JOIN reg_village_officials o ON o.id_number = p.official`;

const KEY = ['id_number', 'official_id_number', 'official_region_code', 'self'];
const FACTS = ['official_name', 'official_role', 'official_import_id'];
const COLUMNS = [...KEY, ...FACTS].join(', ');

/**
 * reg_official_connections: each person connected to a village official, with the official's row.
 * R03 (优亲厚友) looks each payment's recipient up in it by id_number. Brought up to date in the
 * transaction that stores an import of either source: the rows no longer derived are deleted,
 * the new ones inserted and those whose official's row changed updated, rather than the table
 * rewritten (the embedded database has no autovacuum for dead rows, and the application's role
 * may not VACUUM the owner's tables). An officials import stamps every row it loads with its
 * import, so it does update each of its officials' connections: the evidence names that import.
 */
@Injectable()
export class OfficialConnections {
  static readonly TABLE = 'reg_official_connections';

  static derivesFrom(kind: RegistryKind): boolean {
    return SOURCES.includes(kind);
  }

  async update(em: EntityManager): Promise<void> {
    // Two imports of the sources at once would each miss the other's rows: one at a time.
    await em.query(`LOCK TABLE reg_official_connections IN SHARE ROW EXCLUSIVE MODE`);
    await em.query(`CREATE TEMP TABLE derived_connections ON COMMIT DROP AS ${DERIVED}`);
    await em.query(`
      DELETE FROM reg_official_connections c
      WHERE NOT EXISTS (SELECT 1 FROM derived_connections d WHERE ${KEY.map((k) => `d.${k} = c.${k}`).join(' AND ')})`);
    await em.query(`
      INSERT INTO reg_official_connections AS c (${COLUMNS}) SELECT ${COLUMNS} FROM derived_connections
      ON CONFLICT (${KEY.join(', ')}) DO UPDATE SET ${FACTS.map((f) => `${f} = EXCLUDED.${f}`).join(', ')}
      WHERE (${FACTS.map((f) => `c.${f}`).join(', ')}) IS DISTINCT FROM (${FACTS.map((f) => `EXCLUDED.${f}`).join(', ')})`);
  }
}
