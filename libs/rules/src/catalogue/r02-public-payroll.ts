import type { RuleDefinition } from '../rule.js';
import { overlapsPeriod } from './periods.js';

/**
 * R02 财政供养人员领取: a means-tested program, and an employment record of the recipient overlaps
 * the period (from ≤ period end, to empty or ≥ period start).
 */
export const R02: RuleDefinition = {
  code: 'R02',
  version: 1,
  name: { zh: '财政供养人员领取', en: 'public-payroll recipient' },
  severity: 'high',
  amount: 'sum',
  repeatAmount: 'sum',
  explanation: '{name} ({id}) 系财政供养人员（{fact.employer}，{fact.from_date} 起），{periods} 领取{program} {count} 笔，共 {total} 元',
  sql: `
    SELECT s.id AS disbursement_id, s.id_number, s.program_code, NULL AS period, NULL AS bank_account,
           jsonb_build_array(jsonb_build_object('registry', 'public-employees', 'import_id', e.import_id::text,
             'id_number', e.id_number, 'name', e.name, 'employer', e.employer, 'from_date', e.from_date, 'to_date', e.to_date)) AS facts
    FROM :scope s
    JOIN programs p ON p.code = s.program_code AND p.means_tested
    JOIN reg_public_employees e ON e.id_number = s.id_number
    WHERE ${overlapsPeriod('e.from_date', 'e.to_date')}`,
};
