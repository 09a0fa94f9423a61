import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RuleDefinition } from './rule.js';
import { configureRules, ruleStatement } from './rule-config.js';

const rule: RuleDefinition = {
  code: 'R99',
  version: 1,
  name: { zh: '测试', en: 'test' },
  severity: 'low',
  amount: 'sum',
  repeatAmount: 'sum',
  params: { minIds: 3 },
  explanation: '',
  sql: `SELECT s.id::bigint FROM :scope s WHERE s.amount_fen > :minIds AND s.period::date IS NOT NULL`,
};

function configDir(rules: unknown): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rules-'));
  writeFileSync(path.join(dir, 'rules.json'), JSON.stringify({ rules }));
  return dir;
}

describe('rule configuration', () => {
  it('fills :scope and parameters, leaving ::casts alone', () => {
    const [active] = configureRules([rule], configDir({ R99: { params: { minIds: 4 } } }));
    expect(ruleStatement(active, 'disbursements')).toBe('SELECT s.id::bigint FROM disbursements s WHERE s.amount_fen > 4 AND s.period::date IS NOT NULL');
  });

  it('disables and re-grades rules without code changes', () => {
    const [active] = configureRules([rule], configDir({ R99: { enabled: false, severity: 'high' } }));
    expect(active).toMatchObject({ enabled: false, severity: 'high' });
  });

  it('names the mistake in the file', () => {
    expect(() => configureRules([rule], configDir({ R98: {} }))).toThrow(/unknown rule R98/);
    expect(() => configureRules([rule], configDir({ R99: { params: { minHouseholds: 2 } } }))).toThrow(/minHouseholds is not a parameter of R99/);
    expect(() => configureRules([rule], configDir({ R99: { params: { minIds: 'three' } } }))).toThrow(/must be a number/);
  });
});
