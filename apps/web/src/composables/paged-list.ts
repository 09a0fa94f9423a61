import { reactive, ref, type Ref } from 'vue';
import { ElMessage } from 'element-plus';
import { ApiError } from '@/api/client';

/** One page of a newest-first list: `next` is the `before` of the following page (null at the end). */
export interface Page<T> {
  items: T[];
  next: string | null;
  total?: number;
}

/**
 * A list read a page at a time with 加载更多 (the API's keyset paging): the rows so far, the
 * cursor, the total when the API counts it, and the API's field errors for the search form.
 */
export function usePagedList<T>(fetchPage: (before: string | undefined) => Promise<Page<T>>) {
  const rows = ref([]) as Ref<T[]>;
  const next = ref<string | null>(null);
  const total = ref(0);
  const loading = ref(false);
  const errors = reactive<Record<string, string>>({});

  /** The first page again (a new search), or the following one (`more`). */
  async function load(more = false): Promise<void> {
    loading.value = true;
    for (const k of Object.keys(errors)) delete errors[k];
    try {
      const page = await fetchPage(more ? (next.value ?? undefined) : undefined);
      rows.value = more ? [...rows.value, ...page.items] : page.items;
      next.value = page.next;
      total.value = page.total ?? rows.value.length;
    } catch (err) {
      if (err instanceof ApiError) Object.assign(errors, err.fieldErrors);
      ElMessage.error((err as Error).message);
    } finally {
      loading.value = false;
    }
  }

  return { rows, next, total, loading, errors, load };
}
