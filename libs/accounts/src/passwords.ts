import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { InputError } from '@sunlight/common';
import { InjectConfig, type AppConfig } from '@sunlight/config';

/**
 * Password hashes: argon2id, slow for a guesser, fine for a login. The cost of new hashes is
 * configured (by default 64 MiB and 3 passes, the library's own); a hash carries its own cost,
 * so changing it leaves every stored password working.
 */
@Injectable()
export class Passwords {
  private dummy: Promise<string> | undefined;

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  hash(password: string): Promise<string> {
    const { memoryKib, passes } = this.config.passwordHash;
    return argon2.hash(password, { type: argon2.argon2id, memoryCost: memoryKib, timeCost: passes });
  }

  verify(hash: string, password: string): Promise<boolean> {
    return argon2.verify(hash, password).catch(() => false);
  }

  /** Spends a wrong password's time, so that an unknown user takes as long to refuse as a known one. */
  async verifyNobody(password: string): Promise<void> {
    await this.verify(await (this.dummy ??= this.hash('no user has this password')), password);
  }
}

/** The password policy, as people read it (the console shows it beside every password field). */
export const PASSWORD_POLICY = '密码至少 10 位，且须同时含字母和数字';

/** Refuses a password the policy does not allow; `field`: the request field that carried it. */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  if (password.length < 10 || !/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    throw new InputError(`${PASSWORD_POLICY} (at least 10 characters, letters and digits)`, { column: field, expected: '10+ characters with letters and digits' });
  }
}
