import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError, InputError, NotFoundError, ROLES, type Role } from '@sunlight/common';
import { RegionsService } from '@sunlight/regions';
import { AuditLog } from '@sunlight/audit';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  regionCode: string;
  email: string | null;
  active: boolean;
  lockedUntil: string | null;
  createdAt: string;
}

const USER_COLUMNS = `id::text, username, display_name, role, region_code, email, active, locked_until, created_at`;
function toView(row: Record<string, any>): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    regionCode: row.region_code,
    email: row.email,
    active: row.active,
    lockedUntil: row.locked_until ? new Date(row.locked_until).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export class CreateUserCommand {
  constructor(
    readonly username: string,
    readonly displayName: string,
    readonly role: string,
    readonly regionCode: string,
    readonly password: string,
    readonly email: string | null = null,
  ) {}
}

async function checkRegion(regions: RegionsService, regionCode: string): Promise<void> {
  if (regionCode === '') return; // the whole country
  if ((await regions.find(regionCode))?.code !== regionCode) throw new InputError(`行政区划代码 ${regionCode} 不存在 (unknown region)`, { column: 'regionCode', value: regionCode });
}

function checkRole(role: string): asserts role is Role {
  if (!ROLES.includes(role as Role)) throw new InputError(`角色应为 ${ROLES.join('、')} 之一 (unknown role)`, { column: 'role', value: role, expected: ROLES.join(', ') });
}

/** An account: one role, one region (its scope is the region's subtree; '' is the country). */
@Injectable()
export class CreateUser {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly regions: RegionsService,
  ) {}

  async execute(command: CreateUserCommand): Promise<UserView> {
    if (!/^[a-zA-Z0-9._-]{3,64}$/.test(command.username)) {
      throw new InputError('用户名为 3–64 位字母、数字或 . _ - (username: 3 to 64 letters, digits, . _ -)', { column: 'username', value: command.username });
    }
    checkRole(command.role);
    await checkRegion(this.regions, command.regionCode);
    checkPasswordPolicy(command.password);
    const hash = await hashPassword(command.password);
    return this.dataSource.transaction(async (em) => {
      const existing = await em.query(`SELECT 1 FROM users WHERE lower(username) = lower($1)`, [command.username]);
      if (existing.length) throw new ConflictError(`用户名 ${command.username} 已存在 (username taken)`);
      const [row] = await em.query(
        `INSERT INTO users (username, display_name, role, region_code, email, password_hash) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${USER_COLUMNS}`,
        [command.username, command.displayName || command.username, command.role, command.regionCode, command.email, hash],
      );
      await this.audit.append(em, { action: 'user.create', subjectType: 'user', subjectId: row.id, regionCode: command.regionCode, data: { username: command.username, role: command.role } });
      return toView(row);
    });
  }
}

export class UpdateUserCommand {
  constructor(
    readonly userId: string,
    readonly changes: { displayName?: string; role?: string; regionCode?: string; email?: string | null; active?: boolean; unlock?: boolean; password?: string },
  ) {}
}

/** Changes an account; a new role, region, password or deactivation ends its sessions. */
@Injectable()
export class UpdateUser {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly regions: RegionsService,
  ) {}

  async execute(command: UpdateUserCommand): Promise<UserView> {
    const c = command.changes;
    if (c.role !== undefined) checkRole(c.role);
    if (c.regionCode !== undefined) await checkRegion(this.regions, c.regionCode);
    if (c.password !== undefined) checkPasswordPolicy(c.password);
    const hash = c.password !== undefined ? await hashPassword(c.password) : null;
    return this.dataSource.transaction(async (em) => {
      // (UPDATE … RETURNING through TypeORM answers [rows, count]; a CTE answers rows.)
      const [row] = await em.query(
        `WITH u AS (UPDATE users SET display_name = coalesce($2, display_name), role = coalesce($3, role), region_code = coalesce($4, region_code),
           email = CASE WHEN $5::boolean THEN $6 ELSE email END, active = coalesce($7, active),
           locked_until = CASE WHEN $8::boolean THEN NULL ELSE locked_until END, failed_logins = CASE WHEN $8::boolean THEN 0 ELSE failed_logins END,
           password_hash = coalesce($9, password_hash), password_changed_at = CASE WHEN $9 IS NULL THEN password_changed_at ELSE now() END, updated_at = now()
         WHERE id = $1 RETURNING ${USER_COLUMNS}) SELECT * FROM u`,
        [command.userId, c.displayName ?? null, c.role ?? null, c.regionCode ?? null, c.email !== undefined, c.email ?? null, c.active ?? null, c.unlock === true, hash],
      );
      if (!row) throw new NotFoundError(`用户 ${command.userId} 不存在 (no such user)`);
      if (c.role !== undefined || c.regionCode !== undefined || c.password !== undefined || c.active === false) {
        await em.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [command.userId]);
      }
      const changed = Object.fromEntries(Object.entries({ ...c, password: c.password !== undefined ? '(changed)' : undefined }).filter(([, v]) => v !== undefined));
      await this.audit.append(em, { action: 'user.update', subjectType: 'user', subjectId: row.id, regionCode: row.region_code, data: changed });
      return toView(row);
    });
  }
}

/** A user changes their own password (the old one first); their other sessions end. */
@Injectable()
export class ChangePassword {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  async execute(userId: string, sessionId: string | undefined, oldPassword: string, newPassword: string): Promise<void> {
    const [user] = await this.dataSource.query(`SELECT password_hash FROM users WHERE id = $1`, [userId]);
    if (!user || !(await verifyPassword(user.password_hash, oldPassword))) throw new InputError('原密码不正确 (the current password is wrong)', { column: 'oldPassword' });
    checkPasswordPolicy(newPassword);
    const hash = await hashPassword(newPassword);
    await this.dataSource.transaction(async (em) => {
      await em.query(`UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now() WHERE id = $1`, [userId, hash]);
      await em.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL`, [userId, sessionId ?? '00000000-0000-0000-0000-000000000000']);
      await this.audit.append(em, { action: 'user.password', subjectType: 'user', subjectId: userId });
    });
  }
}

/** Accounts, for the admin. */
@Injectable()
export class ListUsers {
  constructor(private readonly dataSource: DataSource) {}

  async execute(): Promise<UserView[]> {
    const rows = await this.dataSource.query(`SELECT ${USER_COLUMNS} FROM users ORDER BY username`);
    return rows.map(toView);
  }

  async byUsername(username: string): Promise<UserView | undefined> {
    const [row] = await this.dataSource.query(`SELECT ${USER_COLUMNS} FROM users WHERE lower(username) = lower($1)`, [username]);
    return row ? toView(row) : undefined;
  }
}

/** Ends every session of a user (a stolen laptop, a leaver). */
@Injectable()
export class RevokeSessions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  async execute(userId: string): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const revoked = await em.query(`WITH r AS (UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING 1) SELECT count(*)::int AS n FROM r`, [userId]);
      await this.audit.append(em, { action: 'user.revoke-sessions', subjectType: 'user', subjectId: userId, data: { sessions: revoked[0].n } });
      return revoked[0].n;
    });
  }
}
