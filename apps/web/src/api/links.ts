import { api, unwrap } from '@/api/client';

/**
 * Print pages and downloads the browser opens by itself, where it cannot send the bearer token:
 * the API signs the exact path and query for a minute (POST /api/links), bound to this session.
 * No cookie is involved, so there is nothing for another site to ride on (no CSRF).
 */
export async function signedUrl(path: string): Promise<string> {
  const link = await unwrap(api.POST('/api/links', { body: { path } }));
  return link.url;
}

/**
 * Opens `path` (e.g. a notice's print page) in a new tab. The tab is opened at once, in the
 * click's own turn, so that popup blockers let it through, and pointed at the link when it comes.
 */
export async function openSigned(path: string): Promise<void> {
  const tab = window.open('about:blank', '_blank');
  try {
    const url = await signedUrl(path);
    if (tab) {
      tab.opener = null;
      tab.location.href = url;
    } else {
      window.location.assign(url);
    }
  } catch (err) {
    tab?.close();
    throw err;
  }
}

/** Downloads `path` (a CSV export, an attachment) as a file, under the name the server gives it. */
export async function downloadSigned(path: string): Promise<void> {
  const url = await signedUrl(path);
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
