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
  // Who is connected to an official: the recipient is one, or the recipient's household is one
  // an official belongs to (reg_household_officials, derived from the officials and the
  // household members at import). A batch's run starts from the recipients under check and looks
  // up only their households; a full check starts from the officials' households and lists their
  // members, instead of collecting every means-tested recipient of the history.
  sql: `
    WITH recipients AS (
      SELECT DISTINCT s.id_number FROM :scope s JOIN programs p ON p.code = s.program_code AND p.means_tested
      WHERE NOT :complete
    ),
    connections AS (
      SELECT r.id_number AS recipient, o.id_number AS official, true AS self
      FROM recipients r JOIN reg_village_officials o ON o.id_number = r.id_number
      WHERE NOT :complete
      UNION
      SELECT hm.id_number, ho.official_id_number, false
      FROM recipients r
      JOIN reg_household_members hm ON hm.id_number = r.id_number
      JOIN reg_household_officials ho ON ho.household_id = hm.household_id AND ho.official_id_number <> hm.id_number
      WHERE NOT :complete
      UNION
      SELECT o.id_number, o.id_number, true FROM reg_village_officials o
      WHERE :complete
      UNION
      SELECT member.id_number, ho.official_id_number, false
      FROM reg_household_officials ho
      JOIN reg_household_members member ON member.household_id = ho.household_id AND member.id_number <> ho.official_id_number
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
