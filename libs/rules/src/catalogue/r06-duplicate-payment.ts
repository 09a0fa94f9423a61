import type { RuleDefinition } from '../rule.js';

/**
 * R06 重复发放: two or more payments to the same person for the same program in the same period
 * unit (month, year or lifetime by the program's frequency), whatever batch or region they came
 * from. Evidence is every payment of the group; the amount at risk is the group less its
 * largest payment.
 */
export const R06: RuleDefinition = {
  code: 'R06',
  version: 1,
  name: { zh: '重复发放', en: 'duplicate payment' },
  severity: 'medium',
  amount: 'sum-less-max',
  repeatAmount: 'sum',
  explanation: '{name} ({id}) 在{periodUnit}重复领取{program} {count} 笔，共 {total} 元，多发 {amountAtRisk} 元',
  sql: `
    WITH touched AS (SELECT DISTINCT s.id_number, s.program_code FROM :scope s),
    payments AS (
      SELECT d.id, d.id_number, d.program_code,
             CASE p.frequency WHEN 'monthly' THEN d.period WHEN 'yearly' THEN left(d.period, 4) END AS unit
      FROM disbursements d
      JOIN touched t ON t.id_number = d.id_number AND t.program_code = d.program_code
      JOIN programs p ON p.code = d.program_code
    ),
    grouped AS (
      SELECT id, id_number, program_code, unit, count(*) OVER (PARTITION BY id_number, program_code, unit) AS payments
      FROM payments
    )
    SELECT id AS disbursement_id, id_number, program_code, unit AS period, NULL AS bank_account, NULL::jsonb AS facts
    FROM grouped WHERE payments >= 2`,
};
