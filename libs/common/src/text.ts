/**
 * Input text as finance staff type it in Excel: full-width digits and letters folded to
 * half-width, surrounding (also full-width) spaces trimmed. The SQL side of ingestion applies
 * the same folding with translate(); FULL_WIDTH and HALF_WIDTH are shared so both agree.
 */

export const HALF_WIDTH = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const FULL_WIDTH = Array.from(HALF_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
/** Characters trimmed around every cell: ASCII whitespace, ideographic space, no-break space, BOM. */
export const TRIMMED = ' \t\r\n\u3000\u00a0\ufeff';

export function foldWidth(text: string): string {
  return text.replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

export function cleanCell(text: string | null | undefined): string | null {
  if (text == null) return null;
  const trimmed = trimChars(foldWidth(String(text)), TRIMMED);
  return trimmed === '' ? null : trimmed;
}

function trimChars(text: string, chars: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && chars.includes(text[start])) start++;
  while (end > start && chars.includes(text[end - 1])) end--;
  return text.slice(start, end);
}

/**
 * A CSV cell for Excel: quoted, and a leading = + - @ (or tab, CR) neutralised with an
 * apostrophe, so that a value never runs as a formula (CSV injection).
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe inside HTML elements and quoted attributes (mail, printed notices). */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]);
}
