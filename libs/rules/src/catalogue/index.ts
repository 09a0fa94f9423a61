import type { RuleDefinition } from '../rule.js';
import { R01 } from './r01-deceased.js';
import { R02 } from './r02-public-payroll.js';
import { R03 } from './r03-officials.js';
import { R04 } from './r04-vehicle.js';
import { R05 } from './r05-business.js';
import { R06 } from './r06-duplicate-payment.js';
import { R07 } from './r07-over-standard.js';
import { R08 } from './r08-account-holder.js';
import { R09 } from './r09-shared-account.js';
import { R10 } from './r10-invalid-id.js';
import { R11 } from './r11-age.js';
import { R12 } from './r12-repeat.js';
import { R13 } from './r13-entitled-not-paid.js';

/** Every rule Sunlight knows, in code order. Adding a rule is adding a file and a line here. */
export const RULE_CATALOGUE: RuleDefinition[] = [R01, R02, R03, R04, R05, R06, R07, R08, R09, R10, R11, R12, R13];
