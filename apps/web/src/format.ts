import { formatYuan, yuanToFen } from '@common/money';
import { TIME_ZONE } from '@common/time-zone';

/** How the console writes instants, money and dates: one place, shared by every page. */

const MINUTE = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** '2026-11-30T16:58:00.751Z' → '2026-12-01 00:58' (Asia/Shanghai). Empty for no value. */
export function formatTime(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const instant = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(instant.getTime())) return String(value);
  return MINUTE.format(instant).replace('T', ' ');
}

/** A calendar date stays as written ('2026-11-30'); a timestamp is cut to its Shanghai day. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : formatTime(value).slice(0, 10);
}

/** Fen (integer, as the API sends it) → '12,345.67'. */
export function formatMoney(fen: string | number | bigint | null | undefined): string {
  if (fen === null || fen === undefined || fen === '') return '';
  return formatYuan(fen);
}

/** Yuan as some answers send it ('12345.6') → '12,345.60'; anything else as it came. */
export function formatYuanText(yuan: string | null | undefined): string {
  if (yuan === null || yuan === undefined || yuan === '') return '';
  const fen = yuanToFen(yuan);
  return fen === null ? yuan : formatYuan(fen);
}

/** What a person types in 元 ('1,234.5') → fen as a string for the API, or null when it is not an amount. */
export function parseYuan(text: string): string | null {
  const fen = yuanToFen(text.replace(/[,，\s]/g, ''));
  return fen === null ? null : fen.toString();
}

/** A month key '2026-11' → '2026年11月'. */
export function formatMonth(month: string): string {
  const m = /^(\d{4})-(\d{2})/.exec(month);
  return m ? `${m[1]}年${Number(m[2])}月` : month;
}
