import { ApiError } from '@/api/client';
import { session } from '@/stores/session';
import { filenameOf } from './figures';

/**
 * Downloads a file the API answers to the signed-in user (the bearer token, which a plain link
 * cannot carry): fetched, then saved under the name the server gives.
 */
export async function downloadFile(url: string, fallbackName: string): Promise<string> {
  const token = await session.freshAccessToken();
  const res = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: string | string[] };
    const message = Array.isArray(body.message) ? body.message.join('；') : (body.message ?? `下载失败（${res.status}）`);
    if (res.status === 401) session.expired();
    throw new ApiError(res.status, message, body as Record<string, unknown>);
  }
  const name = filenameOf(res.headers.get('content-disposition'), fallbackName);
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return name;
}
