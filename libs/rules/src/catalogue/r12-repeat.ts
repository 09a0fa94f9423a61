import type { RuleDefinition } from '../rule.js';

/**
 * R12 应改未改: any rule finds new evidence for a key whose earlier lead was closed as rectified.
 * It has no statement of its own: the engine raises it while applying the other rules. Its
 * amount follows the original rule's repeatAmount.
 */
export const R12: RuleDefinition = {
  code: 'R12',
  version: 1,
  name: { zh: '应改未改', en: 'came back after rectification' },
  severity: 'high',
  amount: 'sum',
  repeatAmount: 'sum',
  explanation: '应改未改：{name} ({id}) 的线索 #{repeatOf} ({repeatRuleName}) 已整改，此后又发现{program} {count} 笔，共 {total} 元',
};
