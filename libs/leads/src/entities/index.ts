import { Lead } from './lead.entity.js';
import { LeadEvidence } from './lead-evidence.entity.js';

export { Lead, LeadEvidence };

export const ENTITIES = [Lead, LeadEvidence];
