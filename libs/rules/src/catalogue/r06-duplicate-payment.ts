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
  // Each person and program is read over the span of period units under check: for a batch's
  // run usually one month (an index range), for a full run the whole history.
  sql: `
    WITH units AS (
      SELECT s.id_number, s.program_code, p.frequency,
             min(CASE p.frequency WHEN 'monthly' THEN s.period WHEN 'yearly' THEN left(s.period, 4) || '-01' ELSE '0000-00' END) AS first,
             max(CASE p.frequency WHEN 'monthly' THEN s.period WHEN 'yearly' THEN left(s.period, 4) || '-12' ELSE '9999-99' END) AS last
      FROM :scope s JOIN programs p ON p.code = s.program_code
      GROUP BY s.id_number, s.program_code, p.frequency
    ),
    payments AS (
      SELECT DISTINCT d.id, d.id_number, d.program_code,
             CASE u.frequency WHEN 'monthly' THEN d.period WHEN 'yearly' THEN left(d.period, 4) END AS unit
      FROM units u
      JOIN disbursements d ON d.id_number = u.id_number AND d.program_code = u.program_code AND d.period BETWEEN u.first AND u.last
    ),
    grouped AS (
      SELECT id, id_number, program_code, unit, count(*) OVER (PARTITION BY id_number, program_code, unit) AS payments
      FROM payments
    )
    SELECT id AS disbursement_id, id_number, program_code, unit AS period, NULL AS bank_account, NULL::jsonb AS facts
    FROM grouped WHERE payments >= 2`,
};
