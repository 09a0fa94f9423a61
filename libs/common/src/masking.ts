/**
 * Personal data shown to people is masked unless revealed on purpose:
 * ID 4210**********1234, bank account 6222 **** **** 1234.
 */

export function maskIdNumber(id: string | null | undefined): string | null {
  if (!id) return id ?? null;
  if (id.length <= 8) return '*'.repeat(id.length);
  return id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4);
}

export function maskBankAccount(account: string | null | undefined): string | null {
  if (!account) return account ?? null;
  if (account.length <= 8) return '*'.repeat(account.length);
  return `${account.slice(0, 4)} **** **** ${account.slice(-4)}`;
}

/** Short form for sentences: 4210…1234. */
export function abbreviateIdNumber(id: string): string {
  return id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : id;
}

const DIGIT = '[0-9\\uff10-\\uff19]';
/** What people put between the groups of a long number: spaces (also full-width), hyphens and dashes, dots. */
const SEPARATOR = '[ \\t\\u00a0\\u3000.\\uff0e\\-\\u2010-\\u2015\\u2212\\uff0d]{1,3}';
/** Digits in groups, perhaps ending in an ID number's X; never part of a longer digit run. */
const NUMBER_RUN = new RegExp(`(?<!${DIGIT})${DIGIT}+(?:${SEPARATOR}${DIGIT}+)*[Xx\\uff38]?(?!${DIGIT})`, 'g');
const SEPARATOR_SPLIT = new RegExp(`(${SEPARATOR})`);

/**
 * Masks anything shaped like an ID number or a bank account inside free text (logs, messages,
 * rejected values), also when written in groups: 4210 2119 8001 0112 34, 421021-19800101-1234,
 * full-width digits or spaces, dots. Shorter numbers (dates, amounts, counts, region codes,
 * 11-digit phone numbers) are left as they are.
 */
export function maskPersonalData(text: string): string {
  return fewerDigitsThanMasked(text) ? text : text.replace(NUMBER_RUN, maskNumberRun);
}

/**
 * Fewer digits in all than the shortest number masked (an account of 12): the text comes back
 * as it is, without the pattern's work (most of what an answer or a log line holds).
 */
function fewerDigitsThanMasked(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (((c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19)) && ++digits >= 12) return false;
  }
  return true;
}

/**
 * A run of digit groups is cut into candidates: a group shorter than 3 digits (01 of a date, 56
 * of an amount) ends a candidate, so "2024-01-01 4210 2119 …" still finds the ID number after
 * the date. Each candidate is masked on its own.
 */
function maskNumberRun(run: string): string {
  const parts = run.split(SEPARATOR_SPLIT); // groups at even places, separators between
  let out = '';
  let start = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const last = i === parts.length - 1;
    if (parts[i].length < 3 || last) {
      out += maskCandidate(parts.slice(start, i + 1)) + (last ? '' : parts[i + 1]);
      start = i + 2;
    }
  }
  return out;
}

/** `parts`: groups with their separators between. */
function maskCandidate(parts: string[]): string {
  const groups = parts.filter((_, i) => i % 2 === 0);
  const chars = groups.join('').replace(/[\uff10-\uff19\uff38]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).toUpperCase();
  if (/^\d{17}[\dX]$/.test(chars)) return `${chars.slice(0, 4)}**********${chars.slice(-4)}`;
  // A short last group joins only an ID number: 1234.56 or "… 12" stay amounts and counts.
  if (groups.length > 1 && groups[groups.length - 1].length < 3) return maskCandidate(parts.slice(0, -2)) + parts.slice(-2).join('');
  // Groups of at most 3 digits are no account (an IP address, a long list of small numbers).
  if (groups.length > 1 && !groups.some((g) => g.length >= 4)) return parts.join('');
  if (/^\d{12,30}$/.test(chars)) return `${chars.slice(0, 4)}****${chars.slice(-4)}`;
  return parts.join('');
}
