import { FULL_WIDTH, HALF_WIDTH, TRIMMED } from '@sunlight/common';
import { isIdentifier, type ColumnSpec } from './columns.js';
import type { HeaderMap } from './header.js';

/**
 * Validation happens in SQL, set-based, on the all-text staging table that COPY filled: each
 * column is normalized (trimmed, full-width folded) and checked, and every failed check becomes
 * a {c: column, v: value, r: reason} object in the row's `errs` array.
 */

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const TRIM_SQL = `E'${[...TRIMMED].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}'`;

/** Normalized cell of a column (NULL when empty or when the file lacks the column). */
export function normalizedExpr(spec: ColumnSpec, header: HeaderMap): string {
  const pos = header.positions.get(spec.name);
  if (pos === undefined) return 'NULL::text';
  let expr = cleanCellSql(`s.c${pos + 1}`);
  if (spec.type === 'id_number') expr = `upper(${expr})`;
  if (spec.type === 'amount') expr = `replace(${expr}, ',', '')`; // "1,200.00" as Excel formats it
  return expr;
}

/** A staging cell trimmed and folded (NULL when empty), as every column starts. */
export function cleanCellSql(cell: string): string {
  return `NULLIF(btrim(${fold(cell)}, ${TRIM_SQL}), '')`;
}

/** Is `v` a real date written YYYY-MM-DD (years 1900–2199)? Never raises, unlike ::date. */
export function isDateSql(v: string): string {
  return `(CASE WHEN ${v} !~ '^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' THEN false
    ELSE substr(${v}, 9, 2)::int <= extract(day from to_date(substr(${v}, 1, 7) || '-01', 'YYYY-MM-DD') + interval '1 month - 1 day') END)`;
}

export interface CheckContext {
  /** The uploader's region: region codes must lie inside it ('' = anywhere). */
  scope: string;
  /** Known program codes, for the message. */
  programCodes: string[];
}

type Check = [ok: string, reason: string];

function checksFor(spec: ColumnSpec, v: string, ctx: CheckContext): Check[] {
  switch (spec.type) {
    case 'text':
      return [];
    case 'region':
    case 'any-region': {
      const checks: Check[] = [
        [`${v} ~ '^[0-9]{6}([0-9]{3})?$'`, '应为 6 位县级或 9 位乡镇级行政区划代码 (expected a 6-digit county or 9-digit township code)'],
        [`rg.code IS NOT NULL`, '行政区划代码不存在 (unknown region code)'],
      ];
      if (spec.type === 'region' && ctx.scope) {
        checks.push([`${v} LIKE ${sqlString(ctx.scope + '%')}`, `不在上传单位辖区 ${ctx.scope} 内 (outside the uploader's region ${ctx.scope})`]);
      }
      return checks;
    }
    case 'program':
      return [[`pr.code IS NOT NULL`, `项目代码不在资金项目目录中 (unknown program; expected one of ${ctx.programCodes.join(', ')})`]];
    case 'month':
      return [[`${v} ~ '^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])$'`, '应为 YYYY-MM 格式的月份 (expected a month YYYY-MM)']];
    case 'id_number':
      return [[`${v} ~ '^[0-9]{17}[0-9X]$'`, '应为 18 位身份证号：17 位数字加一位数字或 X (expected 17 digits then a digit or X)']];
    case 'amount':
      return [
        [`${v} ~ '^-?[0-9]+(\\.[0-9]+)?$'`, '应为以元为单位的金额数字 (expected an amount in yuan)'],
        [`${v} !~ '^-' AND ${v}::numeric > 0`, '金额应大于 0 (expected more than 0)'],
        [`${v} ~ '^[0-9]+(\\.[0-9]{1,2})?$'`, '金额最多两位小数 (expected at most 2 decimals)'],
        [`${v}::numeric <= 10000000`, '金额不能超过 10,000,000 元 (expected at most 10,000,000)'],
      ];
    case 'bank_account':
      return [[`${v} ~ '^[0-9]{12,30}$'`, '应为 12–30 位数字 (expected 12 to 30 digits)']];
    case 'date':
      return [[isDateSql(v), '应为 YYYY-MM-DD 格式的真实日期 (expected a real date YYYY-MM-DD)']];
  }
}

/** The reason recorded for an identifier held as a number by a spreadsheet (CONTRACT §3.1). */
export const NUMERIC_IDENTIFIER_REASON =
  '该单元格是数值格式：Excel 只保留 15 位有效数字，长号码的末几位已经丢失。请将该列的单元格格式设为“文本”，重新填写后再导出 (a numeric cell: Excel keeps 15 significant digits, so the last digits are lost; format the column as text and export again)';

/** Does the normalized value `v` pass every check of its column? (`v` not NULL) */
export function validCellSql(spec: ColumnSpec, v: string, ctx: CheckContext): string {
  const checks = checksFor(spec, v, ctx);
  // CASE, not AND: a later check may cast what an earlier one guards (PostgreSQL may reorder AND).
  return checks.length ? `CASE ${checks.map(([ok]) => `WHEN NOT (${ok}) THEN false`).join(' ')} ELSE true END` : 'true';
}

/** One column's error: NULL when the cell is fine. Checks run in order; the first failure wins. */
function errorExpr(spec: ColumnSpec, header: HeaderMap, ctx: CheckContext): string {
  const v = `n.${spec.name}`;
  const err = (reason: string) => `jsonb_build_object('c', ${sqlString(spec.name)}, 'v', ${v}, 'r', ${sqlString(reason)})`;
  const branches = [`WHEN ${v} IS NULL THEN ${spec.required ? err('必填项为空 (required)') : 'NULL'}`];
  const pos = header.positions.get(spec.name);
  // Before the format checks: the digits Excel lost may still look like a valid number.
  if (isIdentifier(spec) && pos !== undefined) branches.push(`WHEN ${pos + 1} = ANY(n.numeric_cells) THEN ${err(NUMERIC_IDENTIFIER_REASON)}`);
  for (const [ok, reason] of checksFor(spec, v, ctx)) branches.push(`WHEN NOT (${ok}) THEN ${err(reason)}`);
  return branches.length === 1 && !spec.required ? 'NULL' : `CASE ${branches.join(' ')} END`;
}

/** SELECT row_no, ragged, <normalized columns> FROM the staging table. */
export function normalizedRowsSql(staging: string, specs: ColumnSpec[], header: HeaderMap): string {
  const normalized = specs.map((spec) => `${normalizedExpr(spec, header)} AS ${spec.name}`).join(',\n  ');
  return `SELECT s.row_no, s.ragged, s.numeric_cells,\n  ${normalized}\n  FROM ${staging} s`;
}

/** Full-width folding only for cells that hold non-ASCII characters (most hold none). */
function fold(cell: string): string {
  return `CASE WHEN octet_length(${cell}) = char_length(${cell}) THEN ${cell} ELSE translate(${cell}, ${sqlString(FULL_WIDTH)}, ${sqlString(HALF_WIDTH)}) END`;
}

/**
 * SELECT row_no, <normalized columns>, errs FROM the staging table. `errs` is an empty array
 * for a valid row. (OFFSET 0 keeps the normalized row from being inlined into every check
 * that reads it: each cell is cleaned once, not once per check.)
 */
export function validatedRowsSql(staging: string, specs: ColumnSpec[], header: HeaderMap, ctx: CheckContext): string {
  const region = specs.find((s) => s.type === 'region' || s.type === 'any-region');
  const program = specs.find((s) => s.type === 'program');
  const errors = [
    `CASE WHEN n.ragged THEN jsonb_build_object('c', NULL, 'v', NULL, 'r', ${sqlString(RAGGED_REASON)}) END`,
    ...specs.map((spec) => errorExpr(spec, header, ctx)).filter((e) => e !== 'NULL'),
  ];
  return `SELECT n.*, array_remove(ARRAY[${errors.join(',\n    ')}]::jsonb[], NULL) AS errs
FROM (${normalizedRowsSql(staging, specs, header)} OFFSET 0) n
${region ? `LEFT JOIN regions rg ON rg.code = n.${region.name} AND rg.level IN (3, 4)` : ''}
${program ? `LEFT JOIN programs pr ON pr.code = n.${program.name}` : ''}`;
}

/** The reason recorded for a row whose number of cells differs from the header's. */
export const RAGGED_REASON = '该行的列数与表头不一致 (the row has a different number of cells than the header)';
