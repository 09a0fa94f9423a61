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
  sql: `
    SELECT s.id AS disbursement_id, s.id_number, s.program_code, NULL AS period, NULL AS bank_account,
           jsonb_build_array(jsonb_build_object('birth_date', a.birth, 'age', a.age,
             'range', coalesce(p.min_age::text, '') || '–' || coalesce(p.max_age::text, '') || ' 岁')) AS facts
    FROM :scope s
    JOIN programs p ON p.code = s.program_code AND (p.min_age IS NOT NULL OR p.max_age IS NOT NULL)
    CROSS JOIN LATERAL (
      SELECT b.birth, extract(year FROM age(${PERIOD_START}, b.birth))::int AS age
      FROM (SELECT sl_id_birth_date(s.id_number) AS birth) b
    ) a
    WHERE a.birth IS NOT NULL AND (a.age < p.min_age OR a.age > p.max_age)`,
};
