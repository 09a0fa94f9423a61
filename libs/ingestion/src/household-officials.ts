import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RegistryKind } from './types.js';

/** The registries reg_household_officials is derived from. */
const SOURCES: readonly RegistryKind[] = ['village-officials', 'household-members'];

/**
 * reg_household_officials: each household a village official belongs to (the one household-members
 * lists the official in, and the official's own household_id). R03 (优亲厚友) asks it once per
 * recipient's household instead of listing the household's members and looking each one up
 * among the officials. Rebuilt whole in the transaction that stores an import of either source:
 * a few seconds for a province's three million officials, and no partial state to get wrong.
 */
@Injectable()
export class HouseholdOfficials {
  static derivesFrom(kind: RegistryKind): boolean {
    return SOURCES.includes(kind);
  }

  async rebuild(em: EntityManager): Promise<void> {
    await em.query(`DELETE FROM reg_household_officials`);
    await em.query(`
      INSERT INTO reg_household_officials (household_id, official_id_number)
      SELECT hm.household_id, o.id_number FROM reg_village_officials o JOIN reg_household_members hm ON hm.id_number = o.id_number
      UNION
      SELECT o.household_id, o.id_number FROM reg_village_officials o WHERE o.household_id IS NOT NULL`);
  }
}
