import type { RuleDefinition } from '../rule.js';

/**
 * R01 已故人员领取: the recipient is in `deceased` and the payment's period is more than
 * :graceMonths months after the month of death (0, the default: any month after it).
 */
export const R01: RuleDefinition = {
  code: 'R01',
  version: 1,
  name: { zh: '已故人员领取', en: 'deceased recipient' },
  severity: 'high',
  amount: 'sum',
  repeatAmount: 'sum',
  parameters: {
    graceMonths: { type: 'integer', min: 0, max: 12, default: 0, description: '死亡当月之后的宽限月数：发放月份须晚于死亡月份超过此数才算（月）' },
  },
  explanation: '{name} ({id}) 于 {fact.death_date} 死亡，{periods} 仍领取{program} {count} 笔，共 {total} 元',
  sql: `
    SELECT s.id AS disbursement_id, s.id_number, s.program_code, NULL AS period, NULL AS bank_account,
           jsonb_build_array(jsonb_build_object('registry', 'deceased', 'import_id', d.import_id::text,
             'id_number', d.id_number, 'name', d.name, 'death_date', d.death_date)) AS facts
    FROM :scope s
    JOIN reg_deceased d ON d.id_number = s.id_number
    WHERE s.period > to_char(d.death_date + :graceMonths * interval '1 month', 'YYYY-MM')`,
};
