import type { RuleDefinition } from '../rule.js';
import { overlapsPeriod } from './periods.js';

/**
 * R04 有车人员领取: a means-tested program, and a vehicle of the recipient registered on or before
 * the period end and not deregistered before the period start.
 */
export const R04: RuleDefinition = {
  code: 'R04',
  version: 1,
  name: { zh: '有车人员领取', en: 'vehicle owner' },
  severity: 'medium',
  amount: 'sum',
  repeatAmount: 'sum',
  explanation: '{name} ({id}) 名下有车辆 {fact.plate_no}（{fact.registered_on} 登记），{periods} 领取{program} {count} 笔，共 {total} 元',
  sql: `
    SELECT s.id AS disbursement_id, s.id_number, s.program_code, NULL AS period, NULL AS bank_account,
           jsonb_build_array(jsonb_build_object('registry', 'vehicles', 'import_id', v.import_id::text,
             'id_number', v.id_number, 'plate_no', v.plate_no, 'registered_on', v.registered_on, 'deregistered_on', v.deregistered_on)) AS facts
    FROM :scope s
    JOIN programs p ON p.code = s.program_code AND p.means_tested
    JOIN reg_vehicles v ON v.id_number = s.id_number
    WHERE ${overlapsPeriod('v.registered_on', 'v.deregistered_on')}`,
};
