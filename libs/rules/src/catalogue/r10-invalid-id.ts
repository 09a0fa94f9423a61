import type { RuleDefinition } from '../rule.js';

/**
 * R10 身份证号无效: the check digit (GB 11643) fails, the birth date is not a real date or lies
 * after the payment, or the first two digits are no province code. (Malformed numbers never get
 * this far: ingestion rejects them.)
 */
export const R10: RuleDefinition = {
  code: 'R10',
  version: 1,
  name: { zh: '身份证号无效', en: 'invalid ID number' },
  severity: 'low',
  amount: 'sum',
  repeatAmount: 'sum',
  explanation: '{name} 的身份证号 {id} {fact.problem}，领取{program} {count} 笔，共 {total} 元',
  // Each person is judged once, from their earliest payment (the checks computed once each:
  // OFFSET 0 keeps the planner from copying them into every condition that reads them), and only
  // the few found wrong are read again, by index: the ID's checks are costly expressions, and
  // evaluated on every payment of a full check (or once per parallel worker) they were most of
  // its time.
  sql: `
    WITH people AS MATERIALIZED (
      SELECT i.id_number, v.birth, v.check_ok, v.province_ok
      FROM (SELECT s.id_number, min(s.paid_on) AS first_paid FROM :scope s GROUP BY s.id_number) i
      CROSS JOIN LATERAL (
        SELECT sl_id_birth_date(i.id_number) AS birth, sl_id_check_ok(i.id_number) AS check_ok,
               left(i.id_number, 2) IN (SELECT code FROM regions WHERE level = 1 UNION ALL VALUES ('71'), ('81'), ('82')) AS province_ok
        OFFSET 0
      ) v
      WHERE NOT v.check_ok OR v.birth IS NULL OR NOT v.province_ok OR v.birth > i.first_paid
    )
    SELECT s.id AS disbursement_id, s.id_number, NULL AS program_code, NULL AS period, NULL AS bank_account,
           jsonb_build_array(jsonb_build_object('problem', CASE
             WHEN NOT p.check_ok THEN '校验码错误'
             WHEN p.birth IS NULL THEN '出生日期不存在'
             WHEN NOT p.province_ok THEN '前两位不是省级行政区划代码'
             ELSE '出生日期晚于发放日期' END)) AS facts
    FROM people p
    CROSS JOIN LATERAL (SELECT s.id, s.id_number, s.paid_on FROM :scope s WHERE s.id_number = p.id_number OFFSET 0) s
    WHERE NOT p.check_ok OR p.birth IS NULL OR NOT p.province_ok OR p.birth > s.paid_on`,
};
