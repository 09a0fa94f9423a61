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
  parameters: {
    minIds: { type: 'integer', min: 2, max: 100, default: 3, description: '同一账户收款的身份证号至少（个）' },
    minHouseholds: { type: 'integer', min: 1, max: 100, default: 2, description: '且分属的户至少（户）' },
  },
  explanation: '银行账户 {account} 收到 {fact.persons} 人（{fact.households} 户）的{program} {count} 笔，共 {total} 元',
  // Accounts are first counted by their distinct holders; only those with enough people are
  // looked at further, and only their payments become evidence. The holders are read from the
  // (bank_account, id_number) index alone. A batch's run reads them account by account for the
  // accounts it touches (OFFSET 0 keeps it a lookup per account: joined, the planner would fetch
  // every payment of every account and sort them all); a full check, every account's in one pass.
  sql: `
    WITH touched AS (SELECT DISTINCT s.bank_account FROM :scope s WHERE s.bank_account IS NOT NULL AND NOT :complete),
    holders AS (
      SELECT t.bank_account, h.id_number FROM touched t
      CROSS JOIN LATERAL (SELECT DISTINCT d.id_number FROM disbursements d WHERE d.bank_account = t.bank_account OFFSET 0) h
      WHERE NOT :complete
      UNION ALL
      SELECT DISTINCT d.bank_account, d.id_number FROM disbursements d
      WHERE d.bank_account IS NOT NULL AND :complete
    ),
    crowded AS (
      SELECT bank_account FROM holders GROUP BY bank_account HAVING count(*) >= :minIds
    ),
    households AS (
      SELECT h.bank_account, h.id_number,
             coalesce((SELECT min(hm.household_id) FROM reg_household_members hm WHERE hm.id_number = h.id_number), '#' || h.id_number) AS household
      FROM holders h JOIN crowded c ON c.bank_account = h.bank_account
    ),
    accounts AS (
      SELECT bank_account, count(DISTINCT id_number) AS persons, count(DISTINCT household) AS households
      FROM households GROUP BY bank_account
      HAVING count(DISTINCT household) >= :minHouseholds
    )
    SELECT d.id AS disbursement_id, NULL AS id_number, NULL AS program_code, NULL AS period, d.bank_account,
           jsonb_build_array(jsonb_build_object('persons', a.persons, 'households', a.households)) AS facts
    FROM accounts a JOIN disbursements d ON d.bank_account = a.bank_account`,
};
