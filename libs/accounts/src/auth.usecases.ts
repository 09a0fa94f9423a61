import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AuthError, shanghaiDateTime, type Actor, type Role } from '@sunlight/common';
import { AuditLog } from '@sunlight/audit';
import { Passwords } from './passwords.js';
import { SessionRepository } from './session.repository.js';
import { ACCESS_TTL_SECONDS, REFRESH_REUSE_SECONDS, REFRESH_TTL_DAYS, TokenService } from './token.service.js';
import { UserRepository } from './user.repository.js';

/** After this many wrong passwords in a row the account locks for LOCK_MINUTES. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

/** Who signed in, as the console shows them. */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  regionCode: string;
  /** The password was set by an admin: the console asks for a new one first. */
  mustChangePassword: boolean;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: SessionUser;
}

/**
 * A locked account: says in Chinese when it unlocks (Asia/Shanghai `HH:mm`), and carries the
 * instant for machines (`lockedUntil`, answered beside the message).
 */
export class AccountLockedError extends AuthError {
  constructor(readonly lockedUntil: Date) {
    const at = shanghaiDateTime(lockedUntil).slice(11);
    super(`连续输错密码，账户已锁定，将于 ${at} 自动解锁，或请管理员解锁 (the account is locked until ${lockedUntil.toISOString()})`, 'locked');
    this.name = 'AccountLockedError';
  }
}

export class LoginCommand {
  constructor(
    readonly username: string,
    readonly password: string,
    readonly userAgent: string | null = null,
    readonly ip: string | null = null,
  ) {}
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface SessionSubject {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  region_code: string;
  must_change_password: boolean;
}

/** Signs in: a session (refresh token) and a short access token. Locks after repeated failures. */
@Injectable()
export class Login {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly tokens: TokenService,
    private readonly audit: AuditLog,
    private readonly passwords: Passwords,
  ) {}

  async execute(command: LoginCommand): Promise<TokenPair> {
    const user = await this.users.forLogin(command.username);
    if (!user || !user.active) {
      await this.passwords.verifyNobody(command.password); // same time as a wrong password
      throw new AuthError('用户名或密码错误 (wrong username or password)');
    }
    if (user.locked_until && new Date(user.locked_until) > new Date()) throw new AccountLockedError(new Date(user.locked_until));
    if (!(await this.passwords.verify(user.password_hash, command.password))) {
      const lockedUntil = await this.users.recordFailedLogin(user.id, MAX_FAILED_LOGINS, LOCK_MINUTES);
      if (lockedUntil) {
        await this.audit.record({ action: 'user.locked', subjectType: 'user', subjectId: user.id, regionCode: user.region_code, data: { username: user.username, lockedUntil: lockedUntil.toISOString() } });
        throw new AccountLockedError(lockedUntil);
      }
      throw new AuthError('用户名或密码错误 (wrong username or password)');
    }
    await this.users.recordLogin(user.id);
    const sessionId = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    await this.sessions.open({ id: sessionId, userId: user.id, refreshHash: sha256(secret), days: REFRESH_TTL_DAYS, userAgent: command.userAgent, ip: command.ip });
    return tokenPair(this.tokens, user, sessionId, secret);
  }
}

export function sessionUser(user: SessionSubject): SessionUser {
  return { id: String(user.id), username: user.username, displayName: user.display_name, role: user.role, regionCode: user.region_code, mustChangePassword: user.must_change_password };
}

async function tokenPair(tokens: TokenService, user: SessionSubject, sessionId: string, secret: string): Promise<TokenPair> {
  return {
    accessToken: await tokens.sign({ sub: String(user.id), sid: sessionId, role: user.role }),
    refreshToken: `${sessionId}.${secret}`,
    tokenType: 'Bearer',
    expiresIn: ACCESS_TTL_SECONDS,
    user: sessionUser(user),
  };
}

/**
 * A new access token for a refresh token, which is replaced (rotation). A refresh token used again
 * after its reuse window means it was copied: the whole session is revoked.
 */
@Injectable()
export class RefreshSession {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly tokens: TokenService,
  ) {}

  async execute(refreshToken: string): Promise<TokenPair> {
    const [sessionId, secret] = String(refreshToken ?? '').split('.');
    if (!sessionId || !secret || !/^[0-9a-f-]{36}$/.test(sessionId)) throw new AuthError();
    const row = await this.sessions.forRefresh(sessionId);
    if (!row || row.revoked_at || new Date(row.expires_at) < new Date() || !row.active) throw new AuthError();
    const next = randomBytes(32).toString('base64url');
    if (!(await this.sessions.rotate(sessionId, sha256(secret), sha256(next), REFRESH_REUSE_SECONDS))) {
      await this.sessions.revoke(sessionId);
      throw new AuthError();
    }
    return tokenPair(this.tokens, row, sessionId, next);
  }
}

/** Ends a session: its refresh token and every access token issued for it stop working. */
@Injectable()
export class Logout {
  constructor(private readonly sessions: SessionRepository) {}

  async execute(actor: Actor): Promise<void> {
    if (actor.sessionId) await this.sessions.revoke(actor.sessionId);
  }
}

/** The signed-in user (GET /api/auth/me). */
@Injectable()
export class CurrentUser {
  constructor(private readonly users: UserRepository) {}

  async execute(actor: Actor): Promise<SessionUser> {
    const row = await this.users.byId(actor.userId);
    if (!row) throw new AuthError();
    return sessionUser(row);
  }
}

/**
 * Turns an access token into the actor of a request: the signature and expiry are checked, then
 * the session (not revoked, not expired) and the user (active) in the database, so that logout
 * and revocation take effect at once.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly tokens: TokenService,
  ) {}

  async authenticate(accessToken: string): Promise<Actor> {
    const claims = await this.tokens.verify(accessToken);
    if (!/^[0-9a-f-]{36}$/.test(claims.sid ?? '') || !/^\d{1,18}$/.test(claims.sub ?? '')) throw new AuthError();
    const row = await this.sessions.liveUser(claims.sid, claims.sub);
    if (!row) throw new AuthError();
    return { userId: row.id, username: row.username, role: row.role, scope: row.region_code, sessionId: claims.sid };
  }
}
