import { ref } from 'vue';
import { api, unwrap } from '@/api/client';
import type { components } from '@/api/schema';

/** Every name for a code comes from GET /api/labels: the console keeps no copy of its own. */
export type Labels = components['schemas']['LabelsDto'];
export type LabelKind = keyof Labels;

const labels = ref<Labels | null>(null);
let loading: Promise<Labels> | null = null;

export function loadLabels(): Promise<Labels> {
  loading ??= unwrap(api.GET('/api/labels')).then((answer) => (labels.value = answer as Labels)).catch((err) => {
    loading = null;
    throw err;
  });
  return loading;
}

/** The Chinese name of a code, or the code itself while the labels are loading or unknown. */
export function label(kind: LabelKind, code: string | null | undefined): string {
  if (code === null || code === undefined) return '';
  const names = labels.value?.[kind] as Record<string, string> | undefined;
  return names?.[code] ?? code;
}

/** The `{ value, label }` options of a kind, for selects and filters. */
export function options(kind: LabelKind): { value: string; label: string }[] {
  const names = (labels.value?.[kind] ?? {}) as Record<string, string>;
  return Object.entries(names).map(([value, text]) => ({ value, label: text }));
}

export function resetLabels(): void {
  labels.value = null;
  loading = null;
}

export { labels };
