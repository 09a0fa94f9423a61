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
  // A batch's run reads each person and program of the batch over the span of period units it
  // touches (usually one month, an index range). A full check counts every payment's group once,
  // in the order of the partitions' (id_number, program_code, period) indexes, read index-only:
  // a hash or a sort of the whole history (some 60 M rows for a province-year) would spill far
  // beyond memory. (A window's count, unlike GROUP BY, can't be hashed.) Either way only the
  // groups of two or more are read again, each by index (OFFSET 0 keeps the lookup per group).
  sql: `
    WITH units AS (
      SELECT s.id_number, s.program_code, p.frequency,
             min(CASE p.frequency WHEN 'monthly' THEN s.period WHEN 'yearly' THEN left(s.period, 4) || '-01' ELSE '0000-00' END) AS first,
             max(CASE p.frequency WHEN 'monthly' THEN s.period WHEN 'yearly' THEN left(s.period, 4) || '-12' ELSE '9999-99' END) AS last
      FROM :scope s JOIN programs p ON p.code = s.program_code
      WHERE NOT :complete
      GROUP BY s.id_number, s.program_code, p.frequency
    ),
    duplicated AS MATERIALIZED (
      SELECT d.id_number, d.program_code, u.frequency,
             CASE u.frequency WHEN 'monthly' THEN d.period WHEN 'yearly' THEN left(d.period, 4) ELSE '' END AS unit
      FROM units u
      JOIN disbursements d ON d.id_number = u.id_number AND d.program_code = u.program_code AND d.period BETWEEN u.first AND u.last
      GROUP BY 1, 2, 3, 4 HAVING count(*) >= 2
      UNION ALL
      SELECT DISTINCT id_number, program_code, frequency, unit
      FROM (
        SELECT d.id_number, d.program_code, p.frequency, CASE p.frequency WHEN 'monthly' THEN d.period WHEN 'yearly' THEN left(d.period, 4) ELSE '' END AS unit,
               count(*) OVER (PARTITION BY d.id_number, d.program_code, CASE p.frequency WHEN 'monthly' THEN d.period WHEN 'yearly' THEN left(d.period, 4) ELSE '' END) AS payments
        FROM disbursements d JOIN programs p ON p.code = d.program_code
        WHERE :complete
      ) counted
      WHERE payments >= 2
    )
    SELECT d.id AS disbursement_id, d.id_number, d.program_code, nullif(g.unit, '') AS period, NULL AS bank_account, NULL::jsonb AS facts
    FROM duplicated g
    CROSS JOIN LATERAL (
      SELECT d.id, d.id_number, d.program_code FROM disbursements d
      WHERE d.id_number = g.id_number AND d.program_code = g.program_code
        AND CASE g.frequency WHEN 'monthly' THEN d.period WHEN 'yearly' THEN left(d.period, 4) ELSE '' END = g.unit
      OFFSET 0
    ) d`,
};
