import type { RuleDefinition } from '../rule.js';

/**
 * R08 账户名不符: account_holder is given, differs from the name, and nobody of that name is in the
 * recipient's household (by household-members).
 */
export const R08: RuleDefinition = {
  code: 'R08',
  version: 1,
  name: { zh: '账户名不符', en: "account not in the recipient's name" },
  severity: 'low',
  amount: 'sum',
  repeatAmount: 'sum',
  explanation: '{name} ({id}) 的{program} {count} 笔（共 {total} 元）发放到 {fact.account_holder} 名下的账户，户籍家庭成员中无此人',
  // The household lookup runs for each payment into another name's account, by index (OFFSET 0
  // keeps it a lookup): as an anti-join, the planner hashed the household register joined to
  // itself, every member against every other, to test a few thousand payments.
  sql: `
    SELECT s.id AS disbursement_id, s.id_number, s.program_code, NULL AS period, NULL AS bank_account,
           jsonb_build_array(jsonb_build_object('account_holder', s.account_holder,
             'households', (SELECT jsonb_agg(me.household_id) FROM reg_household_members me WHERE me.id_number = s.id_number))) AS facts
    FROM :scope s
    WHERE s.account_holder IS NOT NULL AND s.account_holder <> s.name
      AND NOT EXISTS (
        SELECT 1 FROM reg_household_members me
        JOIN reg_household_members other ON other.household_id = me.household_id
        WHERE me.id_number = s.id_number AND other.name = s.account_holder
        OFFSET 0)`,
};
