import type { RuleSettings } from './rule-versions.repository.js';

/** One field that differs between two versions of a rule. */
export interface FieldChange {
  /** `enabled`, `severity` or `params.NAME`. */
  field: string;
  from: boolean | string | number | null;
  to: boolean | string | number | null;
}

/** The fields that differ from `from` to `to`, in a stable order (enabled, severity, params by name). */
export function diffSettings(from: RuleSettings, to: RuleSettings): FieldChange[] {
  const changes: FieldChange[] = [];
  if (from.enabled !== to.enabled) changes.push({ field: 'enabled', from: from.enabled, to: to.enabled });
  if (from.severity !== to.severity) changes.push({ field: 'severity', from: from.severity, to: to.severity });
  const names = [...new Set([...Object.keys(from.params), ...Object.keys(to.params)])].sort();
  for (const name of names) {
    const a = from.params[name] ?? null;
    const b = to.params[name] ?? null;
    if (a !== b) changes.push({ field: `params.${name}`, from: a, to: b });
  }
  return changes;
}
