import path from 'node:path';
import { InputError } from '@sunlight/common';
import { readJsonFile } from '@sunlight/config';
import { parameterDefaults, type ActiveRule, type RuleDefinition } from './rule.js';
import type { Severity } from '@sunlight/leads';

export const SEVERITIES: Severity[] = ['low', 'medium', 'high'];

interface RuleOverride {
  enabled?: boolean;
  severity?: Severity;
  params?: Record<string, number>;
}

/**
 * Checks parameter values against the rule's declarations and answers them over the defaults.
 * A mistake names the parameter and what was expected (type and range).
 */
export function validateParams(rule: RuleDefinition, values: Record<string, unknown>, where = 'params'): Record<string, number> {
  const declared = rule.parameters ?? {};
  const params = parameterDefaults(rule);
  for (const [name, value] of Object.entries(values)) {
    const spec = declared[name];
    const field = `${where}.${name}`;
    if (!spec) {
      const known = Object.keys(declared).join(', ') || '无 (none)';
      throw new InputError(`${field}: ${rule.code} 没有参数 ${name}（可用参数：${known}） (${name} is not a parameter of ${rule.code})`, { column: field, value: name, expected: known });
    }
    const range = `${spec.type === 'integer' ? '整数' : '数值'} ${spec.min}–${spec.max}`;
    const valid = typeof value === 'number' && Number.isFinite(value) && (spec.type === 'number' || Number.isInteger(value)) && value >= spec.min && value <= spec.max;
    if (!valid) {
      throw new InputError(`${field}（${spec.description}）应为${range}，得到 ${JSON.stringify(value)} (expected ${spec.type} ${spec.min}–${spec.max})`, {
        column: field,
        value: JSON.stringify(value) ?? String(value),
        expected: range,
      });
    }
    params[name] = value;
  }
  return params;
}

/**
 * Applies config/rules.json to the catalogue: the settings version 1 of each rule is seeded with
 * (RuleVersionsSeed). A mistake names the rule and the setting.
 */
export function configureRules(catalogue: RuleDefinition[], configDir: string): ActiveRule[] {
  const file = path.join(configDir, 'rules.json');
  const overrides: Record<string, RuleOverride> = (readJsonFile(file, { optional: true }) as { rules?: Record<string, RuleOverride> } | undefined)?.rules ?? {};
  for (const code of Object.keys(overrides)) {
    if (!catalogue.some((r) => r.code === code)) throw new Error(`${file}: unknown rule ${code} (known: ${catalogue.map((r) => r.code).join(', ')})`);
  }
  return catalogue.map((rule) => {
    const o = overrides[rule.code] ?? {};
    const where = `${file}: rules.${rule.code}`;
    if (o.enabled !== undefined && typeof o.enabled !== 'boolean') throw new Error(`${where}.enabled must be true or false`);
    if (o.severity !== undefined && !SEVERITIES.includes(o.severity)) throw new Error(`${where}.severity must be low, medium or high`);
    let params: Record<string, number>;
    try {
      params = validateParams(rule, o.params ?? {});
    } catch (err) {
      throw new Error(`${where}.${(err as Error).message}`);
    }
    return { ...rule, enabled: o.enabled ?? true, severity: o.severity ?? rule.severity, params };
  });
}

/** The `:scope` of a run over every stored payment. */
export const ALL_PAYMENTS = 'disbursements';

/**
 * The rule's statement with :scope, :complete (whether the scope is every stored payment) and its
 * :parameters filled in.
 */
export function ruleStatement(rule: ActiveRule, scope: string): string {
  if (!rule.sql) throw new Error(`rule ${rule.code} has no statement`);
  return rule.sql.replace(/(?<!:):([a-zA-Z]\w*)/g, (match, name: string) => {
    if (name === 'scope') return scope;
    if (name === 'complete') return String(scope === ALL_PAYMENTS);
    if (!(name in rule.params)) throw new Error(`rule ${rule.code}: unknown parameter :${name}`);
    return String(Number(rule.params[name]));
  });
}
