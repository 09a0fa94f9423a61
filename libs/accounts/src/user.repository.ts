import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Role } from '@sunlight/common';

/** A row of `users` as the admin sees it (no password hash), with its live sessions counted. */
export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  region_code: string;
  email: string | null;
  active: boolean;
  /** Only while the lock lasts (a lock that ran out reads as null). */
  locked_until: Date | null;
  last_login_at: Date | null;
  must_change_password: boolean;
  created_at: Date;
  /** Sessions neither revoked nor expired. */
  active_sessions: number;
}

/** What signing in reads of an account. */
export interface LoginRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  region_code: string;
  password_hash: string;
  active: boolean;
  locked_until: Date | null;
  must_change_password: boolean;
}

export interface UserFilter {
  /** Part of the username or display name, any case. */
  q?: string;
  role?: Role;
  /** The region and its subtree ('' or absent: every region). */
  region?: string;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  regionCode: string;
  email: string | null;
  passwordHash: string;
}

export interface UserChanges {
  displayName?: string;
  role?: Role;
  regionCode?: string;
  /** `null` removes the address. */
  email?: string | null;
  active?: boolean;
}

const COLUMNS = `u.id::text, u.username, u.display_name, u.role, u.region_code, u.email, u.active,
  CASE WHEN u.locked_until > now() THEN u.locked_until END AS locked_until, u.last_login_at, u.must_change_password, u.created_at,
  (SELECT count(*)::int FROM sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL AND s.expires_at > now()) AS active_sessions`;

const NO_SESSION = '00000000-0000-0000-0000-000000000000';

/**
 * The only SQL on `users` and `sessions` outside sign-in's token checks. Every write takes the
 * caller's transaction, so that the change and its audit event commit together.
 */
@Injectable()
export class UserRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(filter: UserFilter = {}): Promise<UserRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.q) {
      params.push(`%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(u.username ILIKE $${params.length} OR u.display_name ILIKE $${params.length})`);
    }
    if (filter.role) {
      params.push(filter.role);
      where.push(`u.role = $${params.length}`);
    }
    if (filter.region) {
      params.push(filter.region);
      where.push(`u.region_code LIKE $${params.length} || '%'`);
    }
    return this.dataSource.query(`SELECT ${COLUMNS} FROM users u ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY u.region_code, u.username`, params);
  }

  async byId(id: string, em: EntityManager = this.dataSource.manager): Promise<UserRow | undefined> {
    const [row] = await em.query(`SELECT ${COLUMNS} FROM users u WHERE u.id = $1`, [id]);
    return row;
  }

  async byUsername(username: string): Promise<UserRow | undefined> {
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM users u WHERE lower(u.username) = lower($1)`, [username]);
    return row;
  }

  async usernameTaken(em: EntityManager, username: string): Promise<boolean> {
    return (await em.query(`SELECT 1 FROM users WHERE lower(username) = lower($1)`, [username])).length > 0;
  }

  async insert(em: EntityManager, user: NewUser): Promise<UserRow> {
    const [{ id }] = await em.query(
      `INSERT INTO users (username, display_name, role, region_code, email, password_hash) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text`,
      [user.username, user.displayName, user.role, user.regionCode, user.email, user.passwordHash],
    );
    return (await this.byId(id, em))!;
  }

  /** Applies the changes given; undefined when there is no such user. */
  async update(em: EntityManager, id: string, c: UserChanges): Promise<UserRow | undefined> {
    const [row] = await em.query(
      `WITH u AS (UPDATE users SET display_name = coalesce($2, display_name), role = coalesce($3, role), region_code = coalesce($4, region_code),
         email = CASE WHEN $5::boolean THEN $6 ELSE email END, active = coalesce($7, active), updated_at = now()
       WHERE id = $1 RETURNING id::text) SELECT id FROM u`,
      [id, c.displayName ?? null, c.role ?? null, c.regionCode ?? null, c.email !== undefined, c.email ?? null, c.active ?? null],
    );
    return row ? this.byId(row.id, em) : undefined;
  }

  /** Ends a lock and forgets the failed attempts. */
  async unlock(em: EntityManager, id: string): Promise<UserRow | undefined> {
    const [row] = await em.query(`WITH u AS (UPDATE users SET locked_until = NULL, failed_logins = 0, updated_at = now() WHERE id = $1 RETURNING id::text) SELECT id FROM u`, [id]);
    return row ? this.byId(row.id, em) : undefined;
  }

  /** A new password hash; `mustChange`: set by someone else, to be changed at the next sign-in. */
  async setPassword(em: EntityManager, id: string, hash: string, mustChange: boolean): Promise<UserRow | undefined> {
    const [row] = await em.query(
      `WITH u AS (UPDATE users SET password_hash = $2, must_change_password = $3, password_changed_at = now(), updated_at = now() WHERE id = $1 RETURNING id::text) SELECT id FROM u`,
      [id, hash, mustChange],
    );
    return row ? this.byId(row.id, em) : undefined;
  }

  async passwordHash(id: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query(`SELECT password_hash FROM users WHERE id = $1`, [id]);
    return row?.password_hash;
  }

  /** Revokes the user's live sessions but `except`; answers how many. */
  async revokeSessions(em: EntityManager, userId: string, except: string = NO_SESSION): Promise<number> {
    const [{ n }] = await em.query(
      `WITH r AS (UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL RETURNING 1) SELECT count(*)::int AS n FROM r`,
      [userId, except],
    );
    return n;
  }

  // ── signing in ──────────────────────────────────────────────────────────

  async forLogin(username: string): Promise<LoginRow | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT id::text, username, display_name, role, region_code, password_hash, active, locked_until, must_change_password FROM users WHERE lower(username) = lower($1)`,
      [username],
    );
    return row;
  }

  /**
   * Counts a wrong password; the `max`-th in a row locks the account for `minutes` and starts
   * the count again. Answers the end of the lock it set, if it set one.
   */
  async recordFailedLogin(id: string, max: number, minutes: number): Promise<Date | null> {
    const [after] = await this.dataSource.query(
      `WITH u AS (
         UPDATE users SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
                          locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
         WHERE id = $1 RETURNING locked_until, failed_logins)
       SELECT locked_until, failed_logins FROM u`,
      [id, max, minutes],
    );
    return after?.failed_logins === 0 && after.locked_until ? new Date(after.locked_until) : null;
  }

  async recordLogin(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = now() WHERE id = $1`, [id]);
  }
}
