import type { RuleDefinition } from '../rule.js';

/** A hit: the payment `s` to a person connected (`c`) to an official, who is the evidence. */
const HIT = `s.id AS disbursement_id, s.id_number, s.program_code, NULL AS period, NULL AS bank_account,
  jsonb_build_array(jsonb_build_object('registry', 'village-officials', 'import_id', c.official_import_id::text,
    'official_id_number', c.official_id_number, 'official_name', c.official_name, 'role', c.official_role, 'region_code', c.official_region_code,
    'relation', CASE WHEN c.self THEN '村干部本人（' || coalesce(c.official_role, '村干部') || '）'
                     ELSE '村干部 ' || coalesce(c.official_name, '') || '（' || coalesce(c.official_role, '村干部') || '）的家庭成员' END)) AS facts`;

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
  // Who is connected to an official, with the official's row, is derived at each import of the
  // officials or the household members (reg_official_connections, keyed by the connected person).
  // A batch's run looks each of its payments' recipients up there (OFFSET 0 keeps it a lookup:
  // the planner would rather scan every connection than probe a few thousand times; Citus refuses
  // it, docs/scale-out.md item 12); a full check joins the whole table, on Citus a join of
  // co-located shards.
  sql: `
    SELECT ${HIT} FROM :scope s
    JOIN programs p ON p.code = s.program_code AND p.means_tested
    CROSS JOIN LATERAL (SELECT * FROM reg_official_connections c WHERE c.id_number = s.id_number OFFSET 0) c
    WHERE NOT :complete AND left(c.official_region_code, 6) = left(s.region_code, 6)
    UNION ALL
    SELECT ${HIT} FROM :scope s
    JOIN programs p ON p.code = s.program_code AND p.means_tested
    JOIN reg_official_connections c ON c.id_number = s.id_number AND left(c.official_region_code, 6) = left(s.region_code, 6)
    WHERE :complete`,
};
