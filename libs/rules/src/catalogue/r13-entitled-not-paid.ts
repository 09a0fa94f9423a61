import type { RuleDefinition } from '../rule.js';

/** The first and last day of month `m.month` (`YYYY-MM`). */
const MONTH_START = `(m.month || '-01')::date`;
const MONTH_END = `((m.month || '-01')::date + interval '1 month - 1 day')::date`;

/**
 * R13 应享未享: a universal program (owed to everyone of its age range), a month M in which a
 * county paid it to anyone, and a resident of that county then, of the age at the start of M,
 * not dead before the end of M, whom no county paid that program for M.
 *
 * Judged over all stored data only (a full check): a batch's own check can't tell an absence,
 * since the month's other batches may still pay it. Evidence is one row per person and month
 * missed, worth the program's cap.
 */
export const R13: RuleDefinition = {
  code: 'R13',
  version: 1,
  name: { zh: '应享未享', en: 'entitled but not paid' },
  severity: 'medium',
  evidence: 'missed-months',
  judgedOver: 'all',
  amount: 'missed-cap',
  repeatAmount: 'missed-cap',
  explanation: '{name} ({id}) 户籍在本县，年满 {fact.age} 岁，应享{program}，{periods} 本县发放期间未领取，共 {count} 个月，应发 {total} 元',
  sql: `
    WITH paid AS (
      SELECT DISTINCT left(s.region_code, 6) AS county, s.program_code, s.period AS month
      FROM :scope s JOIN programs p ON p.code = s.program_code AND p.universal
    )
    SELECT NULL::bigint AS disbursement_id, r.id_number, m.program_code, NULL AS period, NULL AS bank_account,
           jsonb_build_array(jsonb_build_object('registry', 'residents', 'import_id', r.import_id::text,
             'id_number', r.id_number, 'name', r.name, 'region_code', r.region_code, 'household_id', r.household_id,
             'from_date', r.from_date, 'to_date', r.to_date, 'age', a.age)) AS facts,
           m.month AS missed_month, r.name, r.region_code, p.cap_fen AS amount_fen
    FROM paid m
    JOIN programs p ON p.code = m.program_code
    JOIN reg_residents r ON left(r.region_code, 6) = m.county
     AND r.from_date <= ${MONTH_END} AND (r.to_date IS NULL OR r.to_date >= ${MONTH_START})
    CROSS JOIN LATERAL (SELECT extract(year FROM age(${MONTH_START}, sl_id_birth_date(r.id_number)))::int AS age) a
    WHERE a.age >= coalesce(p.min_age, 0) AND a.age <= coalesce(p.max_age, 200)
      AND NOT EXISTS (SELECT 1 FROM reg_deceased d WHERE d.id_number = r.id_number AND d.death_date <= ${MONTH_END})
      AND NOT EXISTS (SELECT 1 FROM disbursements x WHERE x.id_number = r.id_number AND x.program_code = m.program_code AND x.period = m.month)`,
};
