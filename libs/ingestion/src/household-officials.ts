import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RegistryKind } from './types.js';

/** The registries reg_household_officials is derived from. */
const SOURCES: readonly RegistryKind[] = ['village-officials', 'household-members'];

/** Each household a village official belongs to, as the two registries say now. */
const DERIVED = `
  SELECT hm.household_id, o.id_number AS official_id_number
  FROM reg_village_officials o JOIN reg_household_members hm ON hm.id_number = o.id_number
  UNION
  SELECT o.household_id, o.id_number FROM reg_village_officials o WHERE o.household_id IS NOT NULL`;

/**
 * reg_household_officials: each household a village official belongs to (the one household-members
 * lists the official in, and the official's own household_id). R03 (优亲厚友) asks it once per
 * recipient's household instead of listing the household's members and looking each one up
 * among the officials. Brought up to date in the transaction that stores an import of either
 * source: the rows no longer derived are deleted, the new ones inserted, so that an import
 * rewrites only what changed (the embedded database has no autovacuum for dead rows, and the
 * application's role may not VACUUM the owner's tables).
 */
@Injectable()
export class HouseholdOfficials {
  static readonly TABLE = 'reg_household_officials';

  static derivesFrom(kind: RegistryKind): boolean {
    return SOURCES.includes(kind);
  }

  async update(em: EntityManager): Promise<void> {
    // Two imports of the sources at once would each miss the other's rows: one at a time.
    await em.query(`LOCK TABLE reg_household_officials IN SHARE ROW EXCLUSIVE MODE`);
    await em.query(`
      DELETE FROM reg_household_officials ho
      WHERE NOT EXISTS (SELECT 1 FROM (${DERIVED}) d WHERE d.household_id = ho.household_id AND d.official_id_number = ho.official_id_number)`);
    await em.query(`INSERT INTO reg_household_officials (household_id, official_id_number) ${DERIVED} ON CONFLICT DO NOTHING`);
  }
}
