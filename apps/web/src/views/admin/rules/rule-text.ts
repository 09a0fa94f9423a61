import type { components } from '@/api/schema';
import { label } from '@/stores/labels';

export type Rule = components['schemas']['RuleDto'];
export type RuleParameter = components['schemas']['RuleParameterDto'];
export type RuleVersion = components['schemas']['RuleVersionDto'];
export type FieldChange = components['schemas']['FieldChangeDto'];

/** How a rule's settings read to people: one place for the rules pages. */

export const enabledText = (enabled: boolean) => (enabled ? '启用' : '停用');

export const severityType = (s: string) => (s === 'high' ? 'danger' : s === 'medium' ? 'warning' : 'info');

/** A version's state as a tag colour (its text comes from the labels). */
export const stateType = (s: string) => (s === 'live' ? 'success' : s === 'pending' || s === 'scheduled' ? 'warning' : s === 'rejected' ? 'danger' : 'info');

/** '整数，2–100' */
export function parameterRange(p: Pick<RuleParameter, 'type' | 'min' | 'max'>): string {
  return `${p.type === 'integer' ? '整数' : '数值'}，${p.min}–${p.max}`;
}

/** What is wrong with a typed value of a parameter, checked here before the API checks it again. */
export function parameterProblem(p: Pick<RuleParameter, 'type' | 'min' | 'max'>, text: string): string | null {
  const t = text.trim();
  if (t === '') return '请输入取值';
  if (!/^-?\d+(\.\d+)?$/.test(t)) return '应为数字';
  const value = Number(t);
  if (p.type === 'integer' && !Number.isInteger(value)) return '应为整数';
  if (value < p.min || value > p.max) return `应在 ${p.min}–${p.max} 之间`;
  return null;
}

/** A diff's field ('enabled', 'severity', 'params.minIds') as people say it. */
export function fieldName(field: string, parameters: RuleParameter[] = []): string {
  if (field === 'enabled') return '启用';
  if (field === 'severity') return '严重程度';
  const name = field.startsWith('params.') ? field.slice('params.'.length) : field;
  const p = parameters.find((x) => x.name === name);
  return p ? `${p.label}（${name}）` : name;
}

/** A diff's value as people say it; a parameter the other version lacks is a dash. */
export function fieldValue(field: string, value: FieldChange['from']): string {
  if (value === null || value === undefined) return '—';
  if (field === 'enabled') return enabledText(Boolean(value));
  if (field === 'severity') return label('severity', String(value));
  return String(value);
}

/** A version's parameters in one line: 'minIds=4，minHouseholds=2'. */
export const paramsText = (params: Record<string, number>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join('，');
