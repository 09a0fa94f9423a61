import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RuleDefinition } from './rule.js';
import { InputError } from '@sunlight/common';
import { configureRules, ruleStatement, validateParams } from './rule-config.js';

const rule: RuleDefinition = {
  code: 'R99',
  version: 1,
  name: { zh: '测试', en: 'test' },
  severity: 'low',
  amount: 'sum',
  repeatAmount: 'sum',
  parameters: { minIds: { type: 'integer', min: 2, max: 10, default: 3, description: '至少（个）' } },
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

  it('fills :complete with whether the scope is every stored payment', () => {
    const [active] = configureRules([{ ...rule, sql: 'SELECT 1 FROM :scope s WHERE :complete OR s.id > :minIds' }], configDir({}));
    expect(ruleStatement(active, 'disbursements')).toBe('SELECT 1 FROM disbursements s WHERE true OR s.id > 3');
    expect(ruleStatement(active, '(SELECT * FROM disbursements WHERE id < 9)')).toBe('SELECT 1 FROM (SELECT * FROM disbursements WHERE id < 9) s WHERE false OR s.id > 3');
  });

  it('disables and re-grades rules without code changes', () => {
    const [active] = configureRules([rule], configDir({ R99: { enabled: false, severity: 'high' } }));
    expect(active).toMatchObject({ enabled: false, severity: 'high' });
  });

  it('names the mistake in the file', () => {
    expect(() => configureRules([rule], configDir({ R98: {} }))).toThrow(/unknown rule R98/);
    expect(() => configureRules([rule], configDir({ R99: { params: { minHouseholds: 2 } } }))).toThrow(/minHouseholds is not a parameter of R99/);
    expect(() => configureRules([rule], configDir({ R99: { params: { minIds: 'three' } } }))).toThrow(/minIds.*应为整数 2–10/);
  });
});

describe('parameter values of a version', () => {
  it('answers the given values over the defaults', () => {
    expect(validateParams(rule, {})).toEqual({ minIds: 3 });
    expect(validateParams(rule, { minIds: 4 })).toEqual({ minIds: 4 });
  });

  it('refuses an unknown parameter, a wrong type or a value out of range, naming the parameter and the range', () => {
    expect(() => validateParams(rule, { minHouseholds: 2 })).toThrow(/params\.minHouseholds: R99 没有参数 minHouseholds（可用参数：minIds）/);
    expect(() => validateParams(rule, { minIds: 2.5 })).toThrow(/params\.minIds（至少（个））应为整数 2–10，得到 2\.5/);
    expect(() => validateParams(rule, { minIds: 11 })).toThrow(/应为整数 2–10，得到 11/);
    expect(() => validateParams(rule, { minIds: '4' })).toThrow(/应为整数 2–10，得到 "4"/);
    try {
      validateParams(rule, { minIds: 1 });
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).details).toMatchObject({ column: 'params.minIds', expected: '整数 2–10' });
    }
  });
});
