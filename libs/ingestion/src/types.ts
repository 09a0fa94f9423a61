// Values of the ingestion tables' varchar columns (see libs/database/src/migrations/README.md).

/** disbursement_batches.status (and registry_imports.status, which takes the same values). */
export type BatchStatus = 'pending' | 'importing' | 'stored' | 'rejected' | 'failed';

/** registry_imports.kind: the six reference registries (比对库), one reg_* table each. */
export type RegistryKind = 'deceased' | 'public-employees' | 'village-officials' | 'household-members' | 'vehicles' | 'businesses' | 'residents';
