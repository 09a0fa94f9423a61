import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '@/api/schema';
import { session } from '@/stores/session';

/**
 * The typed API client. `schema.d.ts` is generated at build time from the API's own OpenAPI
 * document (scripts/build.mjs), so a renamed field fails `vue-tsc` instead of a page.
 */
export const api = createClient<paths>({ baseUrl: '' });

/** An API refusal, with the message in Chinese and, for bad input, the field it concerns. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** field → message, from `errors: [{ field, message }]` or a 422's `details.column`. */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const errors = this.body.errors;
    if (Array.isArray(errors)) for (const e of errors as { field?: string; message?: string }[]) if (e.field) out[e.field] ??= e.message ?? this.message;
    const details = this.body.details as { column?: string } | undefined;
    if (details?.column) out[details.column] ??= this.message;
    return out;
  }
}

const retried = new WeakSet<Request>();
const originals = new WeakMap<Request, Request>();

const auth: Middleware = {
  async onRequest({ request }) {
    const token = await session.freshAccessToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    originals.set(request, request.clone());
    return request;
  },
  async onResponse({ request, response }) {
    // An access token can expire between the check above and the server: refresh once, retry once.
    if (response.status !== 401 || retried.has(request) || !session.refreshToken.value) return response;
    const original = originals.get(request);
    if (!original || !(await session.refresh())) return response;
    const again = original.clone();
    retried.add(again);
    again.headers.set('Authorization', `Bearer ${session.accessToken.value}`);
    return fetch(again);
  },
};
api.use(auth);

/** Turns openapi-fetch's `{ data, error, response }` into the data or a thrown ApiError. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const body = (error && typeof error === 'object' ? error : {}) as Record<string, unknown>;
  const raw = body.message;
  const message = Array.isArray(raw) ? raw.join('；') : typeof raw === 'string' ? raw : `请求失败（${response.status}）`;
  if (response.status === 401 && session.user.value) session.expired();
  throw new ApiError(response.status, message, body);
}

/** For what openapi-fetch does not cover: multipart uploads with progress (XMLHttpRequest). */
export function upload<T>(url: string, form: FormData, onProgress: (percent: number) => void): Promise<T> {
  return session.freshAccessToken().then(
    (token) =>
      new Promise<T>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', url);
        if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
        xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
        xhr.onload = () => {
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(xhr.responseText || '{}');
          } catch {
            /* not JSON: keep the status */
          }
          if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
          else reject(new ApiError(xhr.status, typeof body.message === 'string' ? body.message : `上传失败（${xhr.status}）`, body));
        };
        xhr.onerror = () => reject(new ApiError(0, '网络错误，上传未完成'));
        xhr.send(form);
      }),
  );
}
