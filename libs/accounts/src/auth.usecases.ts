import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuthError, type Actor, type Role } from '@sunlight/common';
import { AuditLog } from '@sunlight/audit';
import { dummyHash, verifyPassword } from './passwords.js';
import { ACCESS_TTL_SECONDS, REFRESH_TTL_DAYS, TokenService } from './token.service.js';

/** After this many wrong passwords in a row the account locks for LOCK_MINUTES. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: { id: string; username: string; displayName: string; role: Role; regionCode: string };
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

/** Signs in: a session (refresh token) and a short access token. Locks after repeated failures. */
@Injectable()
export class Login {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly audit: AuditLog,
  ) {}

  async execute(command: LoginCommand): Promise<TokenPair> {
    const [user] = await this.dataSource.query(
      `SELECT id::text, username, display_name, role, region_code, password_hash, active, failed_logins, locked_until FROM users WHERE lower(username) = lower($1)`,
      [command.username],
    );
    if (!user || !user.active) {
      await verifyPassword(await dummyHash(), command.password); // same time as a wrong password
      throw new AuthError('用户名或密码错误 (wrong username or password)');
    }
    if (user.locked_until && new Date(user.locked_until) > new Date()) {
      throw new AuthError(`连续输错密码，账户已锁定至 ${new Date(user.locked_until).toISOString()} (the account is locked)`, 'locked');
    }
    if (!(await verifyPassword(user.password_hash, command.password))) {
      const [after] = await this.dataSource.query(
        `WITH u AS (
           UPDATE users SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
                            locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
           WHERE id = $1 RETURNING locked_until)
         SELECT locked_until FROM u`,
        [user.id, MAX_FAILED_LOGINS, LOCK_MINUTES],
      );
      if (after?.locked_until) {
        await this.audit.record({ action: 'user.locked', subjectType: 'user', subjectId: user.id, data: { username: user.username } });
        throw new AuthError(`连续 ${MAX_FAILED_LOGINS} 次输错密码，账户锁定 ${LOCK_MINUTES} 分钟 (the account is locked)`, 'locked');
      }
      throw new AuthError('用户名或密码错误 (wrong username or password)');
    }
    await this.dataSource.query(`UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1`, [user.id]);
    return openSession(this.dataSource, this.tokens, user, command.userAgent, command.ip);
  }
}

async function openSession(dataSource: DataSource, tokens: TokenService, user: Record<string, any>, userAgent: string | null, ip: string | null): Promise<TokenPair> {
  const sessionId = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  await dataSource.query(
    `INSERT INTO sessions (id, user_id, refresh_hash, expires_at, user_agent, ip) VALUES ($1, $2, $3, now() + make_interval(days => $4), $5, $6)`,
    [sessionId, user.id, sha256(secret), REFRESH_TTL_DAYS, userAgent?.slice(0, 200) ?? null, ip],
  );
  return tokenPair(tokens, user, sessionId, secret);
}

async function tokenPair(tokens: TokenService, user: Record<string, any>, sessionId: string, secret: string): Promise<TokenPair> {
  return {
    accessToken: await tokens.sign({ sub: String(user.id), sid: sessionId, role: user.role }),
    refreshToken: `${sessionId}.${secret}`,
    tokenType: 'Bearer',
    expiresIn: ACCESS_TTL_SECONDS,
    user: { id: String(user.id), username: user.username, displayName: user.display_name, role: user.role, regionCode: user.region_code },
  };
}

/**
 * A new access token for a refresh token, which is replaced (rotation). A refresh token used a
 * second time means it was copied: the whole session is revoked.
 */
@Injectable()
export class RefreshSession {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
  ) {}

  async execute(refreshToken: string): Promise<TokenPair> {
    const [sessionId, secret] = String(refreshToken ?? '').split('.');
    if (!sessionId || !secret || !/^[0-9a-f-]{36}$/.test(sessionId)) throw new AuthError();
    const [row] = await this.dataSource.query(
      `SELECT s.refresh_hash, s.revoked_at, s.expires_at, u.id::text, u.username, u.display_name, u.role, u.region_code, u.active
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
      [sessionId],
    );
    if (!row || row.revoked_at || new Date(row.expires_at) < new Date() || !row.active) throw new AuthError();
    if (!timingSafeEqual(Buffer.from(row.refresh_hash), Buffer.from(sha256(secret)))) {
      await this.dataSource.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1`, [sessionId]);
      throw new AuthError();
    }
    const next = randomBytes(32).toString('base64url');
    await this.dataSource.query(`UPDATE sessions SET refresh_hash = $2, last_used_at = now() WHERE id = $1`, [sessionId, sha256(next)]);
    return tokenPair(this.tokens, row, sessionId, next);
  }
}

/** Ends a session: its refresh token and every access token issued for it stop working. */
@Injectable()
export class Logout {
  constructor(private readonly dataSource: DataSource) {}

  async execute(actor: Actor): Promise<void> {
    if (actor.sessionId) await this.dataSource.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [actor.sessionId]);
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
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
  ) {}

  async authenticate(accessToken: string): Promise<Actor> {
    const claims = await this.tokens.verify(accessToken);
    if (!/^[0-9a-f-]{36}$/.test(claims.sid ?? '')) throw new AuthError();
    const [row] = await this.dataSource.query(
      `SELECT u.id::text, u.username, u.role, u.region_code FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = $1 AND u.id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`,
      [claims.sid, claims.sub],
    );
    if (!row) throw new AuthError();
    return { userId: row.id, username: row.username, role: row.role, scope: row.region_code, sessionId: claims.sid };
  }
}
