import type { RuleDefinition } from '../rule.js';
import { overlapsPeriod } from './periods.js';

/**
 * R05 有工商登记人员领取: a means-tested program, and a business of the recipient registered on or
 * before the period end and not deregistered before the period start.
 */
export const R05: RuleDefinition = {
  code: 'R05',
  version: 1,
  name: { zh: '有工商登记人员领取', en: 'business owner' },
  severity: 'medium',
  amount: 'sum',
  repeatAmount: 'sum',
  explanation: '{name} ({id}) 登记有企业“{fact.company}”（{fact.registered_on} 登记），{periods} 领取{program} {count} 笔，共 {total} 元',
  sql: `
    SELECT s.id AS disbursement_id, s.id_number, s.program_code, NULL AS period, NULL AS bank_account,
           jsonb_build_array(jsonb_build_object('registry', 'businesses', 'import_id', b.import_id::text,
             'id_number', b.id_number, 'company', b.company, 'registered_on', b.registered_on, 'deregistered_on', b.deregistered_on)) AS facts
    FROM :scope s
    JOIN programs p ON p.code = s.program_code AND p.means_tested
    JOIN reg_businesses b ON b.id_number = s.id_number
    WHERE ${overlapsPeriod('b.registered_on', 'b.deregistered_on')}`,
};
