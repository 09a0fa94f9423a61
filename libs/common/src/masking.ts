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

const ID_NUMBER = /(?<!\d)(\d{4})\d{10}(\d{3}[\dXx])(?!\d)/g;
const LONG_DIGITS = /(?<!\d)(\d{4})\d{4,22}(\d{4})(?!\d)/g;

/** Masks anything shaped like an ID number or a bank account inside free text (logs, messages). */
export function maskPersonalData(text: string): string {
  return text.replace(ID_NUMBER, '$1**********$2').replace(LONG_DIGITS, '$1****$2');
}
