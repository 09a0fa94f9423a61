/**
 * Resident ID numbers (GB 11643-1999): 17 digits and a check character.
 * Ingestion only rejects malformed numbers; a well-formed number with a wrong check digit
 * or an impossible birth date is stored and raised by rule R10.
 */

export const ID_NUMBER_FORMAT = /^\d{17}[\dX]$/;

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function idNumberCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const digit = first17.charCodeAt(i) - 48;
    // The generator draws tens of millions: a digit's code is much cheaper than Number().
    sum += (digit >= 0 && digit <= 9 ? digit : Number(first17[i])) * WEIGHTS[i];
  }
  return CHECK[sum % 11];
}

export function isWellFormedIdNumber(id: string): boolean {
  return ID_NUMBER_FORMAT.test(id);
}

export function hasValidCheckDigit(id: string): boolean {
  return isWellFormedIdNumber(id) && idNumberCheckCharacter(id.slice(0, 17)) === id[17];
}

/** 'YYYY-MM-DD' of the birth date encoded in the number, or null when it is no real date. */
export function birthDateOf(id: string): string | null {
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1850 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return id.slice(6, 10) + '-' + id.slice(10, 12) + '-' + id.slice(12, 14);
}

/** Completes a 17-digit stem with its check character (used by the test-data generator). */
export function withCheckDigit(first17: string): string {
  return first17 + idNumberCheckCharacter(first17);
}
