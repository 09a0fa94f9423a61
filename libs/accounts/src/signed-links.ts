import { Injectable } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuthError, Clock, type Actor, type Role } from '@sunlight/common';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { AppMetaService } from '@sunlight/database';

/** How long a signed link works: long enough to open a tab or start a download, no longer. */
export const LINK_TTL_SECONDS = 60;

/** What a link's token carries (short keys: it travels in a URL). */
interface LinkClaims {
  /** user id */
  u: string;
  /** session id */
  s: string;
  /** role when signed */
  r: string;
  /** region when signed */
  g: string;
  /** expiry, seconds since the epoch */
  e: number;
}

export interface SignedLink {
  token: string;
  /** ISO 8601 */
  expiresAt: string;
}

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * Short-lived signed links, for what a browser opens by itself (a printable notice in a new tab,
 * a CSV download) where it cannot add the console's bearer token. A link is an HMAC-SHA256 over
 * its claims and the exact path and query it opens, bound to the user and session that asked for
 * it and to their role and region at that moment; it works for LINK_TTL_SECONDS. When it is used,
 * the session must still be live and the user active with the same role and region, as a bearer
 * token would be checked.
 *
 * The key is derived from the access tokens' key (SUNLIGHT_JWT_SECRET, or the one TokenService
 * made at the first start and keeps in the database), so rotating that key ends every link too,
 * and no token of one kind passes for the other.
 */
@Injectable()
export class SignedLinks {
  private key?: Promise<Buffer>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly meta: AppMetaService,
    @InjectConfig() private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** A token for `path` (path and query, exactly as it will be requested) for this actor. */
  async sign(actor: Actor, path: string): Promise<SignedLink> {
    if (!actor.sessionId || actor.scope === null) throw new AuthError();
    const expires = Math.floor(this.clock.now().getTime() / 1000) + LINK_TTL_SECONDS;
    const claims: LinkClaims = { u: actor.userId, s: actor.sessionId, r: actor.role, g: actor.scope, e: expires };
    const payload = b64(JSON.stringify(claims));
    return { token: `${payload}.${b64(mac(await this.secret(), payload, path))}`, expiresAt: new Date(expires * 1000).toISOString() };
  }

  /**
   * The actor a token was signed for, if it was signed for `path`, has not expired, and its
   * session, user, role and region are as they were; an AuthError otherwise (never saying which).
   */
  async verify(token: string, path: string): Promise<Actor> {
    const [payload, signature, extra] = String(token ?? '').split('.');
    if (!payload || !signature || extra !== undefined || payload.length > 400) throw new AuthError();
    const expected = mac(await this.secret(), payload, path);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AuthError();
    let claims: LinkClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw new AuthError();
    }
    if (typeof claims.e !== 'number' || claims.e * 1000 <= this.clock.now().getTime()) throw new AuthError();
    if (!/^\d{1,18}$/.test(String(claims.u)) || !/^[0-9a-f-]{36}$/.test(String(claims.s))) throw new AuthError();
    const [row] = await this.dataSource.query(
      `SELECT u.id::text, u.username, u.role, u.region_code FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = $1 AND u.id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`,
      [claims.s, claims.u],
    );
    if (!row || row.role !== claims.r || row.region_code !== claims.g) throw new AuthError();
    return { userId: row.id, username: row.username, role: row.role as Role, scope: row.region_code, sessionId: claims.s };
  }

  /** HMAC-SHA256(access-token key, purpose): a key of its own, derived, never stored. */
  private secret(): Promise<Buffer> {
    this.key ??= (async () => {
      // The access tokens' key, found as TokenService finds it (and made the same way if no one
      // has signed in yet).
      let secret = this.config.jwtSecret;
      if (!secret) {
        secret = await this.meta.get<string>('jwt-secret');
        if (!secret) {
          await this.meta.setIfAbsent('jwt-secret', randomBytes(48).toString('base64url'));
          secret = (await this.meta.get<string>('jwt-secret'))!;
        }
      }
      return signedLinkKey(secret);
    })();
    return this.key;
  }
}

/** The links' key derived from the access tokens' key (exported for tests that forge links). */
export function signedLinkKey(jwtSecret: string): Buffer {
  return createHmac('sha256', jwtSecret).update('sunlight signed link v1').digest();
}

function mac(key: Buffer, payload: string, path: string): Buffer {
  return createHmac('sha256', key).update(`${payload}\n${path}`).digest();
}
