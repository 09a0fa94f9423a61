import type { RuleDefinition } from '../rule.js';

/**
 * R03 优亲厚友: a means-tested program, and the recipient is a village official or in the same
 * household as one (the official's household: the one household-members lists the official in,
 * or the official's own household_id; the recipient's: the one household-members lists the
 * recipient in), and that official's region is in the same county as the payment.
 */
export const R03: RuleDefinition = {
  code: 'R03',
  version: 1,
  name: { zh: '优亲厚友', en: "official or official's household" },
  severity: 'high',
  amount: 'sum',
  repeatAmount: 'sum',
  explanation: '{name} ({id}) 为{fact.relation}，{periods} 领取{program} {count} 笔，共 {total} 元',
  // Who is connected to an official: a batch's run starts from the recipients under check and
  // looks up only their households; a full check starts from the officials (a few per village)
  // and their households, instead of collecting every means-tested recipient of the history.
  sql: `
    WITH recipients AS (
      SELECT DISTINCT s.id_number FROM :scope s JOIN programs p ON p.code = s.program_code AND p.means_tested
      WHERE NOT :complete
    ),
    recipient_households AS (
      SELECT hm.id_number, hm.household_id FROM reg_household_members hm JOIN recipients r ON r.id_number = hm.id_number
    ),
    connections AS (
      SELECT r.id_number AS recipient, o.id_number AS official, true AS self
      FROM recipients r JOIN reg_village_officials o ON o.id_number = r.id_number
      WHERE NOT :complete
      UNION
      SELECT rh.id_number, member.id_number, false
      FROM recipient_households rh
      JOIN reg_household_members member ON member.household_id = rh.household_id AND member.id_number <> rh.id_number
      JOIN reg_village_officials o ON o.id_number = member.id_number
      WHERE NOT :complete
      UNION
      SELECT rh.id_number, o.id_number, false
      FROM recipient_households rh JOIN reg_village_officials o ON o.household_id = rh.household_id AND o.id_number <> rh.id_number
      WHERE NOT :complete
      UNION
      SELECT o.id_number, o.id_number, true FROM reg_village_officials o
      WHERE :complete
      UNION
      SELECT member.id_number, o.id_number, false
      FROM reg_village_officials o
      JOIN reg_household_members own ON own.id_number = o.id_number
      JOIN reg_household_members member ON member.household_id = own.household_id AND member.id_number <> o.id_number
      WHERE :complete
      UNION
      SELECT member.id_number, o.id_number, false
      FROM reg_village_officials o JOIN reg_household_members member ON member.household_id = o.household_id AND member.id_number <> o.id_number
      WHERE :complete
    )
    SELECT s.id AS disbursement_id, s.id_number, s.program_code, NULL AS period, NULL AS bank_account,
           jsonb_build_array(jsonb_build_object('registry', 'village-officials', 'import_id', o.import_id::text,
             'official_id_number', o.id_number, 'official_name', o.name, 'role', o.role, 'region_code', o.region_code,
             'relation', CASE WHEN c.self THEN '村干部本人（' || coalesce(o.role, '村干部') || '）'
                              ELSE '村干部 ' || coalesce(o.name, '') || '（' || coalesce(o.role, '村干部') || '）的家庭成员' END)) AS facts
    FROM :scope s
    JOIN programs p ON p.code = s.program_code AND p.means_tested
    JOIN connections c ON c.recipient = s.id_number
    JOIN reg_village_officials o ON o.id_number = c.official AND left(o.region_code, 6) = left(s.region_code, 6)`,
};
