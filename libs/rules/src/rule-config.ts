import path from 'node:path';
import { readJsonFile } from '@sunlight/config';
import type { ActiveRule, RuleDefinition } from './rule.js';

interface RuleOverride {
  enabled?: boolean;
  severity?: 'low' | 'medium' | 'high';
  params?: Record<string, number>;
}

/**
 * Applies config/rules.json to the catalogue: rules are enabled, disabled and re-parameterised
 * there without code changes. A mistake names the rule and the setting.
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
    if (o.severity !== undefined && !['low', 'medium', 'high'].includes(o.severity)) throw new Error(`${where}.severity must be low, medium or high`);
    const params = { ...(rule.params ?? {}) };
    for (const [name, value] of Object.entries(o.params ?? {})) {
      if (!(name in params)) throw new Error(`${where}.params.${name} is not a parameter of ${rule.code} (it has: ${Object.keys(params).join(', ') || 'none'})`);
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${where}.params.${name} must be a number`);
      params[name] = value;
    }
    return { ...rule, enabled: o.enabled ?? true, severity: o.severity ?? rule.severity, params };
  });
}

/** The rule's statement with :scope and its :parameters filled in. */
export function ruleStatement(rule: ActiveRule, scope: string): string {
  if (!rule.sql) throw new Error(`rule ${rule.code} has no statement`);
  return rule.sql.replace(/(?<!:):([a-zA-Z]\w*)/g, (match, name: string) => {
    if (name === 'scope') return scope;
    if (!(name in rule.params)) throw new Error(`rule ${rule.code}: unknown parameter :${name}`);
    return String(Number(rule.params[name]));
  });
}
