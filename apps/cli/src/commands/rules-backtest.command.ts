import { BacktestRule, BacktestRuleCommand, RuleCatalogue } from '@sunlight/rules';
import { EXIT_OK, type CliCommand } from '../command.js';

/**
 * `rules backtest CODE [--change ID]` (CONTRACT §5): what the live version of a rule (or a
 * proposed one) would raise over all stored data now, raising nothing.
 */
export const rulesBacktest: CliCommand = {
  words: ['rules', 'backtest'],
  arguments: 1,
  usage: 'rules backtest CODE [--change CHANGE_ID]',
  summary: '回测比对规则：当前版本（或待审批的修改）在全部已存数据上会产生什么，不产生线索 (backtests a rule, raising nothing)',
  options: { change: { type: 'string', help: '待审批（或已审批）的规则变更编号：回测它的设置，而不是当前版本' } },
  async run(app, args, io) {
    const code = String(args.positionals[0]).toUpperCase();
    const change = args.options.change === undefined ? undefined : String(args.options.change);
    const rule = await app.get(RuleCatalogue).forBacktest(code, change);
    const result = await app.get(BacktestRule).execute(new BacktestRuleCommand(rule), (stage) => {
      if (stage === 'hits') io.say(`回测 ${rule.code} ${rule.name.zh} v${rule.version}${change ? `（规则变更 ${change}）` : ''}：在全部已存数据上运行比对语句…`);
    });
    io.say(`  命中 ${result.hits}，线索键 ${result.keys}，涉及金额 ${result.amountAtRisk} 元（${result.ms} ms）`);
    io.say(`  与现有线索相比：新增 ${result.added}（${result.addedAmountAtRisk} 元），不再命中 ${result.dropped}；其中已整改 ${result.confirmed}，已查否 ${result.dismissed}`);
    const { rule: ruleCode, version, hits, keys, amountAtRisk, added, dropped, confirmed, dismissed, addedAmountAtRisk } = result;
    io.result({ rule: ruleCode, version, hits, keys, amountAtRisk, added, dropped, confirmed, dismissed, addedAmountAtRisk });
    return EXIT_OK;
  },
};
