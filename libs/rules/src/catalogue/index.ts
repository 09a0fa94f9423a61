import type { RuleDefinition } from '../rule.js';
import { R06 } from './r06-duplicate-payment.js';
import { R12 } from './r12-repeat.js';

/** Every rule Sunlight knows, in code order. Adding a rule is adding a file and a line here. */
export const RULE_CATALOGUE: RuleDefinition[] = [R06, R12];
