import { InputError } from './errors.js';
import { cleanCell } from './text.js';

/** Money is integer fen (分). These helpers are the only place yuan strings meet fen. */

const YUAN = /^(\d{1,12})(?:\.(\d{1,2}))?$/;

/** '650.5' → 65050n; returns null for anything that is not a plain non-negative yuan amount. */
export function yuanToFen(text: string): bigint | null {
  const m = YUAN.exec(text.trim());
  if (!m) return null;
  return BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
}

/** 65050n (or '65050') → '650.50'. */
export function fenToYuan(fen: bigint | string | number): string {
  let v = BigInt(fen);
  const sign = v < 0n ? '-' : '';
  if (v < 0n) v = -v;
  return `${sign}${v / 100n}.${(v % 100n).toString().padStart(2, '0')}`;
}

/** 360000n → '3,600.00' for sentences people read. */
export function formatYuan(fen: bigint | string | number): string {
  const [int, dec] = fenToYuan(fen).split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${dec}`;
}

/** The largest amount a payment, or an amount a person types, may have: 10,000,000 yuan (CONTRACT §3.1). */
export const MAX_AMOUNT_FEN = 1_000_000_000n;

const AMOUNT_EXPECTED = '元，大于 0，最多两位小数，不超过 10,000,000，如 6,201.54';

function amountError(field: string, label: string, value: string, reason: string): InputError {
  return new InputError(`${label}（${field}）${reason}，收到 "${value}"`, { column: field, value, expected: AMOUNT_EXPECTED });
}

/**
 * An amount a person typed, read by the rules of a file's amount column (CONTRACT §3.1, checked
 * in the same order): surrounding spaces trimmed, full-width digits folded, thousands separators
 * dropped ("6,201.54"); a number of yuan, more than 0, at most 2 decimals, at most 10,000,000.
 * `field` and `label` name the field in the error, e.g. ('amountConfirmed', '查实金额').
 */
export function parseAmount(text: unknown, field: string, label: string): bigint {
  const value = typeof text === 'string' || typeof text === 'number' ? String(text) : '';
  const cleaned = (cleanCell(value) ?? '').replace(/,/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) throw amountError(field, label, value, '应为以元为单位的金额数字');
  if (cleaned.startsWith('-')) throw amountError(field, label, value, '应大于 0');
  if (/\.\d{3,}$/.test(cleaned)) throw amountError(field, label, value, '最多两位小数');
  const fen = yuanToFen(cleaned) ?? MAX_AMOUNT_FEN + 1n; // more integer digits than any fen amount we keep
  return checkAmountFen(fen, field, label, value);
}

/** An amount already in fen, within the limits of parseAmount (for callers that hold fen). */
export function checkAmountFen(fen: bigint, field: string, label: string, value = fenToYuan(fen)): bigint {
  if (fen <= 0n) throw amountError(field, label, value, '应大于 0');
  if (fen > MAX_AMOUNT_FEN) throw amountError(field, label, value, '不能超过 10,000,000 元');
  return fen;
}
