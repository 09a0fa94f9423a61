import { Lead } from './lead.entity.js';
import { LeadEvidence } from './lead-evidence.entity.js';

export { Lead, LeadEvidence };
export type { LeadStatus, LeadOutcome, WarningCard, Severity } from './lead.entity.js';

export const ENTITIES = [Lead, LeadEvidence];
