import type { RuleDefinition } from '../rule.js';

/**
 * R09 一卡多人: one bank account received payments for :minIds or more distinct ID numbers from
 * :minHouseholds or more households (an ID with no household record is a household of its own).
 * Evidence: every payment into the account.
 */
export const R09: RuleDefinition = {
  code: 'R09',
  version: 1,
  name: { zh: '一卡多人', en: 'one account, many households' },
  severity: 'high',
  amount: 'sum',
  repeatAmount: 'sum',
  params: { minIds: 3, minHouseholds: 2 },
  explanation: '银行账户 {account} 收到 {fact.persons} 人（{fact.households} 户）的{program} {count} 笔，共 {total} 元',
  sql: `
    WITH touched AS (SELECT DISTINCT s.bank_account FROM :scope s WHERE s.bank_account IS NOT NULL),
    payments AS (
      SELECT d.id, d.bank_account, d.id_number FROM disbursements d JOIN touched t ON t.bank_account = d.bank_account
    ),
    households AS (
      SELECT p.id_number, coalesce(min(hm.household_id), '#' || p.id_number) AS household
      FROM (SELECT DISTINCT id_number FROM payments) p
      LEFT JOIN reg_household_members hm ON hm.id_number = p.id_number
      GROUP BY p.id_number
    ),
    accounts AS (
      SELECT p.bank_account, count(DISTINCT p.id_number) AS persons, count(DISTINCT h.household) AS households
      FROM payments p JOIN households h ON h.id_number = p.id_number
      GROUP BY p.bank_account
      HAVING count(DISTINCT p.id_number) >= :minIds AND count(DISTINCT h.household) >= :minHouseholds
    )
    SELECT p.id AS disbursement_id, NULL AS id_number, NULL AS program_code, NULL AS period, p.bank_account,
           jsonb_build_array(jsonb_build_object('persons', a.persons, 'households', a.households)) AS facts
    FROM payments p JOIN accounts a ON a.bank_account = p.bank_account`,
};
