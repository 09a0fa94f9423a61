// Loads a population, then per rule: a backtest, the rule's part of a full check, and a backtest
// again, in a process of its own:   node dist/bench/backtest-worker.js DIR   (DATABASE_URL set)
import 'reflect-metadata';
import { BacktestRule, BacktestRuleCommand, RequestChecks, RequestChecksCommand, RuleCatalogue } from '@sunlight/rules';
import { repeatRule, runnableRules } from '../libs/rules/src/rule-catalogue.js';
import { loadPopulation, workerApp } from './worker-app.js';
import { CheckEngine } from '../libs/rules/src/check-engine.js';

const [dir] = process.argv.slice(2);
const { app, close } = await workerApp();
const ms = (start: bigint) => Math.round(Number(process.hrtime.bigint() - start) / 1e6);
const say = (line: string) => process.stderr.write(`  ${line}\n`);

const { payments } = await loadPopulation(app, dir);
say(`${payments} payments loaded`);

// One full run's context; its rules are applied one at a time here, so each is timed alone.
const live = await app.get(RuleCatalogue).live();
const runId = await app.get(RequestChecks).execute(new RequestChecksCommand('all', 'manual', 'bench'));
const context = { runId, batchIds: null, dueOn: '2030-01-01', registrySnapshot: {}, repeatRule: repeatRule(live) };
const engine = app.get(CheckEngine, { strict: false });
const backtest = app.get(BacktestRule);
// A first round warms the caches, so that the first rules measured are not the cold ones.
for (const rule of runnableRules(live)) await backtest.execute(new BacktestRuleCommand(rule));
const perRule: Record<string, { backtestMs: number; checkMs: number; backtestAfterMs: number; ratio: number; ratioAfter: number; keys: number; hits: number }> = {};
for (const rule of runnableRules(live)) {
  let t = process.hrtime.bigint();
  const before = await backtest.execute(new BacktestRuleCommand(rule));
  const backtestMs = ms(t);
  t = process.hrtime.bigint();
  const outcome = await engine.apply(rule, context);
  const checkMs = ms(t);
  t = process.hrtime.bigint();
  const after = await backtest.execute(new BacktestRuleCommand(rule));
  const backtestAfterMs = ms(t);
  if (before.added !== (outcome.raised[rule.code] ?? 0) || after.added !== 0) throw new Error(`${rule.code}: the backtest said ${before.added} new keys, the check raised ${outcome.raised[rule.code] ?? 0}`);
  perRule[rule.code] = { backtestMs, checkMs, backtestAfterMs, ratio: Number((backtestMs / Math.max(checkMs, 1)).toFixed(2)), ratioAfter: Number((backtestAfterMs / Math.max(checkMs, 1)).toFixed(2)), keys: before.keys, hits: before.hits };
  say(`${rule.code}: backtest ${backtestMs} ms, check ${checkMs} ms, backtest after ${backtestAfterMs} ms (${before.keys} keys)`);
}
await close();
const total = (f: 'backtestMs' | 'checkMs' | 'backtestAfterMs') => Object.values(perRule).reduce((s, r) => s + r[f], 0);
process.stdout.write(
  JSON.stringify({
    payments,
    perRule,
    total: { backtestMs: total('backtestMs'), checkMs: total('checkMs'), backtestAfterMs: total('backtestAfterMs'), ratio: Number((total('backtestMs') / total('checkMs')).toFixed(2)) },
    targets: { ratio: 'each rule ≤ 1: a backtest costs no more than the rule in a full check' },
  }) + '\n',
);
