import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role } from '@sunlight/common';

/** A session and its user, as refreshing it reads them. */
export interface RefreshRow {
  revoked_at: Date | null;
  expires_at: Date;
  id: string;
  username: string;
  display_name: string;
  role: Role;
  region_code: string;
  active: boolean;
  must_change_password: boolean;
}

/** The user of a live session, as a request's actor. */
export interface SessionUserRow {
  id: string;
  username: string;
  role: Role;
  region_code: string;
}

/** The SQL on `sessions` of signing in, refreshing, signing out and checking an access token. */
@Injectable()
export class SessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async open(session: { id: string; userId: string; refreshHash: string; days: number; userAgent: string | null; ip: string | null }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sessions (id, user_id, refresh_hash, expires_at, user_agent, ip) VALUES ($1, $2, $3, now() + make_interval(days => $4), $5, $6)`,
      [session.id, session.userId, session.refreshHash, session.days, session.userAgent?.slice(0, 200) ?? null, session.ip],
    );
  }

  async forRefresh(sessionId: string): Promise<RefreshRow | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT s.revoked_at, s.expires_at, u.id::text, u.username, u.display_name, u.role, u.region_code, u.active, u.must_change_password
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
      [sessionId],
    );
    return row;
  }

  /**
   * Replaces the refresh token when `presentedHash` is the current one, or the one just replaced
   * within `reuseSeconds`; false when it is neither. One statement, so two tabs refreshing at
   * once cannot both rotate from the same token.
   */
  async rotate(sessionId: string, presentedHash: string, nextHash: string, reuseSeconds: number): Promise<boolean> {
    // A SELECT over the UPDATE: TypeORM answers a bare UPDATE … RETURNING as [rows, count].
    const [{ rotated }] = await this.dataSource.query(
      `WITH rotated AS (
         UPDATE sessions SET previous_refresh_hash = refresh_hash, refresh_hash = $3, rotated_at = now(), last_used_at = now()
         WHERE id = $1 AND revoked_at IS NULL
           AND (refresh_hash = $2 OR (previous_refresh_hash = $2 AND rotated_at > now() - make_interval(secs => $4)))
         RETURNING id)
       SELECT count(*) > 0 AS rotated FROM rotated`,
      [sessionId, presentedHash, nextHash, reuseSeconds],
    );
    return rotated;
  }

  async revoke(sessionId: string): Promise<void> {
    await this.dataSource.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [sessionId]);
  }

  /** The user of a session that is live (not revoked, not expired) and whose user is active. */
  async liveUser(sessionId: string, userId: string): Promise<SessionUserRow | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT u.id::text, u.username, u.role, u.region_code FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = $1 AND u.id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`,
      [sessionId, userId],
    );
    return row;
  }
}
