import { InputError, TIME_ZONE } from '@sunlight/common';
import { REGISTRY_KINDS } from './columns.js';
import type { BatchStatus } from './types.js';

/** The search form above the batch and registry-import lists; every filter optional, ANDed. */
export interface ImportFilters {
  /** Any of these statuses. */
  statuses?: string[];
  /** Registry kinds (registry imports only). */
  kinds?: string[];
  /** Part of the file name, as typed. */
  fileName?: string;
  /** Uploaded (imported) by this user name. */
  by?: string;
  /** Uploaded on or after / on or before this day (YYYY-MM-DD, Asia/Shanghai). */
  from?: string;
  to?: string;
}

const STATUSES: BatchStatus[] = ['pending', 'importing', 'stored', 'rejected', 'failed'];

/**
 * The filters as SQL conditions on `byColumn` (uploaded_by / imported_by) and created_at, every
 * value a bound parameter numbered after `params`' current ones. Bad values answer 422 naming
 * the filter and what it expects.
 */
export function importConditions(filters: ImportFilters, byColumn: string, params: unknown[]): string[] {
  const conditions: string[] = [];
  const bind = (value: unknown) => (params.push(value), `$${params.length}`);
  const statuses = filters.statuses?.filter(Boolean) ?? [];
  const bad = statuses.find((s) => !STATUSES.includes(s as BatchStatus));
  if (bad !== undefined) throw new InputError(`筛选条件 status 的值 "${bad}" 无效`, { column: 'status', value: bad, expected: STATUSES.join(' | ') });
  if (statuses.length) conditions.push(`status = ANY(${bind(statuses)}::text[])`);
  const kinds = filters.kinds?.filter(Boolean) ?? [];
  const badKind = kinds.find((k) => !(REGISTRY_KINDS as string[]).includes(k));
  if (badKind !== undefined) throw new InputError(`筛选条件 kind 的值 "${badKind}" 无效`, { column: 'kind', value: badKind, expected: REGISTRY_KINDS.join(' | ') });
  if (kinds.length) conditions.push(`kind = ANY(${bind(kinds)}::text[])`);
  const name = filters.fileName?.trim();
  if (name) {
    if (name.length > 200) throw new InputError('筛选条件 fileName 过长（不超过 200 个字符）', { column: 'fileName', expected: '≤ 200 characters' });
    conditions.push(`strpos(lower(file_name), lower(${bind(name)})) > 0`);
  }
  if (filters.by) conditions.push(`${byColumn} = ${bind(filters.by)}`);
  for (const [key, value, op] of [['from', filters.from, '>='], ['to', filters.to, '<']] as const) {
    if (!value) continue;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new InputError(`筛选条件 ${key} 的值 "${value}" 不是日期`, { column: key, value, expected: 'YYYY-MM-DD' });
    const day = key === 'to' ? `(${bind(value)}::date + 1)` : `${bind(value)}::date`;
    conditions.push(`created_at ${op} (${day})::timestamp AT TIME ZONE '${TIME_ZONE}'`);
  }
  return conditions;
}
