import { ref } from 'vue';
import { api, unwrap } from '@/api/client';

/** How many rule changes wait for this admin's decision (the sidebar's badge on 待我审批). */
export const approvalsWaiting = ref(0);

export async function refreshApprovalsWaiting(): Promise<void> {
  try {
    const pending = await unwrap(api.GET('/api/rule-changes', { params: { query: { status: 'pending' } } }));
    approvalsWaiting.value = pending.filter((c) => c.mayDecide).length;
  } catch {
    /* a badge is no reason to complain: the page itself says what went wrong */
  }
}
