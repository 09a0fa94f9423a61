import { DisbursementBatch } from './disbursement-batch.entity.js';
import { Disbursement } from './disbursement.entity.js';
import { RejectedRow } from './rejected-row.entity.js';
import { RegistryImport } from './registry-import.entity.js';
import { Business, DeceasedPerson, HouseholdMember, PublicEmployee, Vehicle, VillageOfficial } from './registries.entity.js';

export { DisbursementBatch, Disbursement, RejectedRow, RegistryImport, Business, DeceasedPerson, HouseholdMember, PublicEmployee, Vehicle, VillageOfficial };

export const ENTITIES = [DisbursementBatch, Disbursement, RejectedRow, RegistryImport, DeceasedPerson, PublicEmployee, VillageOfficial, HouseholdMember, Vehicle, Business];
