import type { RuleDefinition } from '../rule.js';
import { PERIOD_START } from './periods.js';

/** R11 年龄不符: the age at the period start, from the ID's birth date, is outside the program's age range. */
export const R11: RuleDefinition = {
  code: 'R11',
  version: 1,
  name: { zh: '年龄不符', en: "age outside the program's range" },
  severity: 'medium',
  amount: 'sum',
  repeatAmount: 'sum',
  explanation: '{name} ({id}) {periods} 年龄 {fact.age} 岁，不在{program}的年龄范围（{fact.range}）内，领取 {count} 笔，共 {total} 元',
  // Age only grows: if any payment of a person's program is out of range, the first period (too
  // young) or the last (too old) is. So each person and program is judged once, from their first
  // and last period, and only the few out of range are read again, payment by payment, by index.
  // (OFFSET 0 keeps each birth date computed once, where it is written.)
  sql: `
    WITH spans AS (
      SELECT s.id_number, s.program_code, p.min_age, p.max_age, min(s.period) AS first, max(s.period) AS last
      FROM :scope s
      JOIN programs p ON p.code = s.program_code AND (p.min_age IS NOT NULL OR p.max_age IS NOT NULL)
      GROUP BY 1, 2, 3, 4
    ),
    suspects AS MATERIALIZED (
      SELECT g.id_number, g.program_code, g.min_age, g.max_age, b.birth
      FROM spans g CROSS JOIN LATERAL (SELECT sl_id_birth_date(g.id_number) AS birth OFFSET 0) b
      WHERE b.birth IS NOT NULL
        AND (extract(year FROM age((g.first || '-01')::date, b.birth)) < g.min_age
          OR extract(year FROM age((g.last || '-01')::date, b.birth)) > g.max_age)
    )
    SELECT s.id AS disbursement_id, s.id_number, s.program_code, NULL AS period, NULL AS bank_account,
           jsonb_build_array(jsonb_build_object('birth_date', g.birth, 'age', a.age,
             'range', coalesce(g.min_age::text, '') || '–' || coalesce(g.max_age::text, '') || ' 岁')) AS facts
    FROM suspects g
    CROSS JOIN LATERAL (
      SELECT s.id, s.id_number, s.program_code, s.period FROM :scope s
      WHERE s.id_number = g.id_number AND s.program_code = g.program_code
      OFFSET 0
    ) s
    CROSS JOIN LATERAL (SELECT extract(year FROM age(${PERIOD_START}, g.birth))::int AS age) a
    WHERE a.age < g.min_age OR a.age > g.max_age`,
};
