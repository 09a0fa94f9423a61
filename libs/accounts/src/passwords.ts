import argon2 from 'argon2';
import { InputError } from '@sunlight/common';

/** argon2id, the library's defaults (64 MiB, 3 passes): slow for a guesser, fine for a login. */
export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });
export const verifyPassword = (hash: string, password: string) => argon2.verify(hash, password).catch(() => false);

/** A hash of nothing, so that an unknown user takes as long to refuse as a wrong password. */
let dummy: Promise<string> | undefined;
export const dummyHash = () => (dummy ??= hashPassword('no user has this password'));

/** The password policy, as people read it (the console shows it beside every password field). */
export const PASSWORD_POLICY = '密码至少 10 位，且须同时含字母和数字';

/** Refuses a password the policy does not allow; `field`: the request field that carried it. */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  if (password.length < 10 || !/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    throw new InputError(`${PASSWORD_POLICY} (at least 10 characters, letters and digits)`, { column: field, expected: '10+ characters with letters and digits' });
  }
}
