import { RegionLevel } from './region-types.js';

/**
 * Region codes as CONTRACT §1 accepts them: province 2 digits (or padded 420000), city 4 digits
 * (or 421000), county 6 digits, township 9 digits. Returns the canonical short form, or null.
 */
export function normalizeRegionCode(input: string): string | null {
  const code = input.trim();
  if (/^\d{2}$/.test(code) || /^\d{4}$/.test(code) || /^\d{9}$/.test(code)) return code;
  if (/^\d{6}$/.test(code)) {
    if (code.endsWith('0000')) return code.slice(0, 2);
    if (code.endsWith('00')) return code.slice(0, 4);
    return code;
  }
  return null;
}

export function regionLevel(code: string): RegionLevel {
  switch (code.length) {
    case 2:
      return RegionLevel.Province;
    case 4:
      return RegionLevel.City;
    case 6:
      return RegionLevel.County;
    default:
      return RegionLevel.Township;
  }
}

/** True when `code` lies in the subtree of `scope` ('' is the whole country). */
export function inScope(scope: string, code: string): boolean {
  return code.startsWith(scope);
}

/**
 * SQL condition keeping rows of a region subtree; codes are digits and the columns use the "C"
 * collation, so the LIKE prefix is an index range scan.
 */
export function scopeCondition(column: string, scope: string): string {
  if (!/^\d*$/.test(scope)) throw new Error(`bad region scope ${scope}`);
  return scope === '' ? 'TRUE' : `${column} LIKE '${scope}%'`;
}

/** The county (6 digits) a township or county code belongs to. */
export function countyOf(code: string): string {
  return code.slice(0, 6);
}

/** The smallest region containing both codes: their common prefix cut to a level (9, 6, 4, 2 or ''). */
export function commonRegion(a: string, b: string): string {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return [9, 6, 4, 2, 0].map((len) => a.slice(0, len)).find((prefix) => prefix.length <= n)!;
}

/** How long the codes one level below a region are ('' → provinces 2, 42 → cities 4, 4210 → counties 6, 421087 → townships 9); null below a township. */
export function childCodeLength(code: string): 2 | 4 | 6 | 9 | null {
  switch (code.length) {
    case 0:
      return 2;
    case 2:
      return 4;
    case 4:
      return 6;
    case 6:
      return 9;
    default:
      return null;
  }
}
