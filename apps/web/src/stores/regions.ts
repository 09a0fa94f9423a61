import { reactive } from 'vue';
import { api, unwrap } from '@/api/client';

/** Region names by code (GB/T 2260, from GET /api/regions), kept for the session. */
const names = reactive(new Map<string, string>());
const asked = new Set<string>();

/** Fetches the names of the codes not yet known, in one request (the API takes up to 500). */
export async function loadRegionNames(codes: Iterable<string | null | undefined>): Promise<void> {
  const wanted = [...new Set([...codes].filter((c): c is string => !!c && !asked.has(c)))].slice(0, 500);
  if (!wanted.length) return;
  for (const code of wanted) asked.add(code);
  const found = await unwrap(api.GET('/api/regions', { params: { query: { codes: wanted.join(',') } } })).catch(() => {
    for (const code of wanted) asked.delete(code); // try again next time
    return [];
  });
  for (const r of found) names.set(r.code, r.name);
}

/** A region as people read it: its name, or its code until the name is known (or outside one's scope). */
export function regionName(code: string | null | undefined): string {
  if (!code) return '';
  return names.get(code) ?? code;
}
