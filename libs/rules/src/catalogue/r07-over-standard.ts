import type { RuleDefinition } from '../rule.js';

/**
 * R07 超标准发放: one payment's amount is above its program's cap by more than :toleranceYuan
 * (0, the default: above it at all). Amount at risk: what is above the cap.
 */
export const R07: RuleDefinition = {
  code: 'R07',
  version: 1,
  name: { zh: '超标准发放', en: 'over the standard' },
  severity: 'medium',
  amount: 'over-cap',
  repeatAmount: 'over-cap',
  parameters: {
    toleranceYuan: { type: 'number', min: 0, max: 100000, default: 0, description: '容差：超出标准多于此数才算（元）' },
  },
  explanation: '{name} ({id}) {periods} 领取{program} {total} 元，超过标准 {fact.cap} 元，超出 {amountAtRisk} 元',
  sql: `
    SELECT s.id AS disbursement_id, s.id_number, s.program_code, s.period, NULL AS bank_account,
           jsonb_build_array(jsonb_build_object('program', p.code, 'cap', to_char(p.cap_fen / 100.0, 'FM999999990.00'))) AS facts
    FROM :scope s
    JOIN programs p ON p.code = s.program_code
    WHERE s.amount_fen > p.cap_fen + round(:toleranceYuan * 100)::bigint`,
};
