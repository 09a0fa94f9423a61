export * from './rule.js';
export * from './check-run-types.js';
export * from './check-runs.js';
export * from './rule-catalogue.js';
export * from './run-checks.usecase.js';
export * from './request-checks.usecase.js';
export * from './rules.module.js';
export { RULE_CATALOGUE } from './catalogue/index.js';
export * from './backtest-rule.usecase.js';
