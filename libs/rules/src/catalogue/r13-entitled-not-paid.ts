import type { RuleDefinition } from '../rule.js';

/**
 * R13 应享未享: a universal program (owed to everyone of its age range), a month M in which a
 * county paid it to anyone, and a resident of that county then, of the age at the start of M,
 * not dead before the end of M (its last day: who dies on that day is still owed M), whom no
 * county paid that program for M.
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
  // Who was paid is read once (the universal programs' payments, kept aside), and each
  // resident's birth date once: evaluated on every pairing of a resident with a month, the ID's
  // date parsing and an index probe per pairing made most of a full check's time.
  sql: `
    WITH universal AS MATERIALIZED (
      SELECT s.id_number, s.program_code, s.period, left(s.region_code, 6) AS county
      FROM :scope s JOIN programs p ON p.code = s.program_code AND p.universal
    ),
    owed AS (
      SELECT m.county, m.program_code, m.month, p.cap_fen, coalesce(p.min_age, 0) AS min_age, coalesce(p.max_age, 200) AS max_age,
             (m.month || '-01')::date AS first_day, ((m.month || '-01')::date + interval '1 month - 1 day')::date AS last_day
      FROM (SELECT DISTINCT county, program_code, period AS month FROM universal) m JOIN programs p ON p.code = m.program_code
    ),
    -- Each person's paid months of each program, looked up by person: an anti-join of every
    -- resident-month with every payment sorted both beyond memory.
    paid_months AS (
      SELECT id_number, program_code, array_agg(period) AS months FROM universal GROUP BY id_number, program_code
    ),
    -- Only residents of an age some program owes in some month are paired with the months.
    ages AS (
      SELECT max(first_day) - make_interval(years => min(min_age)) AS youngest, min(first_day) - make_interval(years => max(max_age) + 1) AS oldest
      FROM owed
    ),
    residents AS MATERIALIZED (
      SELECT r.id_number, r.name, r.region_code, left(r.region_code, 6) AS county, r.household_id, r.from_date, r.to_date, r.import_id, r.birth
      FROM (SELECT r.*, sl_id_birth_date(r.id_number) AS birth FROM reg_residents r) r, ages
      WHERE r.birth <= ages.youngest AND r.birth > ages.oldest
    )
    SELECT NULL::bigint AS disbursement_id, r.id_number, m.program_code, NULL AS period, NULL AS bank_account,
           jsonb_build_array(jsonb_build_object('registry', 'residents', 'import_id', r.import_id::text,
             'id_number', r.id_number, 'name', r.name, 'region_code', r.region_code, 'household_id', r.household_id,
             'from_date', r.from_date, 'to_date', r.to_date, 'age', a.age)) AS facts,
           m.month AS missed_month, r.name, r.region_code, m.cap_fen AS amount_fen
    FROM owed m
    JOIN residents r ON r.county = m.county AND r.from_date <= m.last_day AND (r.to_date IS NULL OR r.to_date >= m.first_day)
    LEFT JOIN paid_months pm ON pm.id_number = r.id_number AND pm.program_code = m.program_code
    CROSS JOIN LATERAL (SELECT extract(year FROM age(m.first_day, r.birth))::int AS age) a
    WHERE a.age >= m.min_age AND a.age <= m.max_age
      AND NOT EXISTS (SELECT 1 FROM reg_deceased d WHERE d.id_number = r.id_number AND d.death_date < m.last_day)
      AND NOT (m.month = ANY(coalesce(pm.months, '{}')))`,
};
