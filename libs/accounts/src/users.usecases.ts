import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InputError, NotFoundError, ROLES, type Role } from '@sunlight/common';
import { RegionsService } from '@sunlight/regions';
import { AuditLog } from '@sunlight/audit';
import { Passwords, checkPasswordPolicy } from './passwords.js';
import { UserRepository, type UserFilter, type UserRow } from './user.repository.js';

/** An account as the admin sees it. */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  regionCode: string;
  email: string | null;
  active: boolean;
  /** While the account is locked: when the lock ends (ISO); else null. */
  lockedUntil: string | null;
  lastLoginAt: string | null;
  /** The password was set by an admin and is to be changed at the next sign-in. */
  mustChangePassword: boolean;
  /** Sessions neither ended nor expired. */
  activeSessions: number;
  createdAt: string;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    regionCode: row.region_code,
    email: row.email,
    active: row.active,
    lockedUntil: iso(row.locked_until),
    lastLoginAt: iso(row.last_login_at),
    mustChangePassword: row.must_change_password,
    activeSessions: row.active_sessions,
    createdAt: iso(row.created_at)!,
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

const noSuchUser = (id: string) => new NotFoundError(`用户 ${id} 不存在 (no such user)`);

/** An account: one role, one region (its scope is the region's subtree; '' is the country). */
@Injectable()
export class CreateUser {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserRepository,
    private readonly audit: AuditLog,
    private readonly regions: RegionsService,
    private readonly passwords: Passwords,
  ) {}

  async execute(command: CreateUserCommand): Promise<UserView> {
    if (!/^[a-zA-Z0-9._-]{3,64}$/.test(command.username)) {
      throw new InputError('用户名为 3–64 位字母、数字或 . _ - (username: 3 to 64 letters, digits, . _ -)', { column: 'username', value: command.username });
    }
    checkRole(command.role);
    await checkRegion(this.regions, command.regionCode);
    checkPasswordPolicy(command.password);
    const passwordHash = await this.passwords.hash(command.password);
    const role = command.role;
    return this.dataSource.transaction(async (em) => {
      if (await this.users.usernameTaken(em, command.username)) throw new InputError(`用户名 ${command.username} 已存在 (username taken)`, { column: 'username', value: command.username });
      const row = await this.users.insert(em, { username: command.username, displayName: command.displayName || command.username, role, regionCode: command.regionCode, email: command.email, passwordHash });
      await this.audit.append(em, { action: 'user.create', subjectType: 'user', subjectId: row.id, regionCode: command.regionCode, data: { username: command.username, role } });
      return toUserView(row);
    });
  }
}

export class UpdateUserCommand {
  constructor(
    readonly userId: string,
    readonly changes: { displayName?: string; role?: string; regionCode?: string; email?: string | null; active?: boolean; unlock?: boolean; password?: string },
  ) {}
}

/**
 * Changes an account; a new role, region, password or deactivation ends its sessions. (`unlock`
 * and `password` remain for the CLI's `users reset` and older callers; the console uses
 * UnlockUser and ResetPassword.)
 */
@Injectable()
export class UpdateUser {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserRepository,
    private readonly audit: AuditLog,
    private readonly regions: RegionsService,
    private readonly passwords: Passwords,
  ) {}

  async execute(command: UpdateUserCommand): Promise<UserView> {
    const c = command.changes;
    if (c.role !== undefined) checkRole(c.role);
    if (c.regionCode !== undefined) await checkRegion(this.regions, c.regionCode);
    if (c.password !== undefined) checkPasswordPolicy(c.password);
    const hash = c.password !== undefined ? await this.passwords.hash(c.password) : null;
    return this.dataSource.transaction(async (em) => {
      let row = await this.users.update(em, command.userId, { displayName: c.displayName, role: c.role as Role | undefined, regionCode: c.regionCode, email: c.email, active: c.active });
      if (!row) throw noSuchUser(command.userId);
      if (c.unlock) row = (await this.users.unlock(em, command.userId))!;
      if (hash) row = (await this.users.setPassword(em, command.userId, hash, false))!;
      if (c.role !== undefined || c.regionCode !== undefined || c.password !== undefined || c.active === false) {
        await this.users.revokeSessions(em, command.userId);
        row = (await this.users.byId(command.userId, em))!;
      }
      const changed = Object.fromEntries(Object.entries({ ...c, password: c.password !== undefined ? '(changed)' : undefined }).filter(([, v]) => v !== undefined));
      await this.audit.append(em, { action: 'user.update', subjectType: 'user', subjectId: row.id, regionCode: row.region_code, data: changed });
      return toUserView(row);
    });
  }
}

/** Ends the lock of an account that guessed wrong too often (before its 15 minutes are up). */
@Injectable()
export class UnlockUser {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserRepository,
    private readonly audit: AuditLog,
  ) {}

  async execute(userId: string): Promise<UserView> {
    return this.dataSource.transaction(async (em) => {
      const before = await this.users.byId(userId, em);
      if (!before) throw noSuchUser(userId);
      const row = (await this.users.unlock(em, userId))!;
      await this.audit.append(em, { action: 'user.unlock', subjectType: 'user', subjectId: userId, regionCode: row.region_code, data: { username: row.username, lockedUntil: iso(before.locked_until) } });
      return toUserView(row);
    });
  }
}

export class ResetPasswordCommand {
  constructor(
    readonly userId: string,
    /** The temporary password the admin hands over; it must meet the password policy. */
    readonly password: string,
  ) {}
}

/**
 * An admin sets a temporary password: the account is unlocked, every session of it ends, and
 * the user is asked to choose their own at the next sign-in (`mustChangePassword`).
 */
@Injectable()
export class ResetPassword {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserRepository,
    private readonly audit: AuditLog,
    private readonly passwords: Passwords,
  ) {}

  async execute(command: ResetPasswordCommand): Promise<UserView> {
    checkPasswordPolicy(command.password, 'password');
    const hash = await this.passwords.hash(command.password);
    return this.dataSource.transaction(async (em) => {
      const row = await this.users.setPassword(em, command.userId, hash, true);
      if (!row) throw noSuchUser(command.userId);
      await this.users.unlock(em, command.userId);
      const sessions = await this.users.revokeSessions(em, command.userId);
      await this.audit.append(em, { action: 'user.reset-password', subjectType: 'user', subjectId: command.userId, regionCode: row.region_code, data: { username: row.username, sessions } });
      return toUserView((await this.users.byId(command.userId, em))!);
    });
  }
}

/** A user changes their own password (the old one first); their other sessions end. */
@Injectable()
export class ChangePassword {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserRepository,
    private readonly audit: AuditLog,
    private readonly passwords: Passwords,
  ) {}

  async execute(userId: string, sessionId: string | undefined, oldPassword: string, newPassword: string): Promise<void> {
    const current = await this.users.passwordHash(userId);
    if (!current || !(await this.passwords.verify(current, oldPassword))) throw new InputError('原密码不正确 (the current password is wrong)', { column: 'oldPassword' });
    checkPasswordPolicy(newPassword, 'newPassword');
    if (newPassword === oldPassword) throw new InputError('新密码不能与原密码相同 (the new password equals the old one)', { column: 'newPassword' });
    const hash = await this.passwords.hash(newPassword);
    await this.dataSource.transaction(async (em) => {
      await this.users.setPassword(em, userId, hash, false);
      await this.users.revokeSessions(em, userId, sessionId);
      await this.audit.append(em, { action: 'user.password', subjectType: 'user', subjectId: userId });
    });
  }
}

/** Accounts, for the admin: every account matching the filter (staff, so thousands at most). */
@Injectable()
export class ListUsers {
  constructor(private readonly users: UserRepository) {}

  async execute(filter: UserFilter = {}): Promise<UserView[]> {
    return (await this.users.list(filter)).map(toUserView);
  }

  async byUsername(username: string): Promise<UserView | undefined> {
    const row = await this.users.byUsername(username);
    return row ? toUserView(row) : undefined;
  }

  async byId(id: string): Promise<UserView | undefined> {
    const row = await this.users.byId(id);
    return row ? toUserView(row) : undefined;
  }
}

/** Ends every session of a user (a stolen laptop, a leaver). */
@Injectable()
export class RevokeSessions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserRepository,
    private readonly audit: AuditLog,
  ) {}

  async execute(userId: string): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const user = await this.users.byId(userId, em);
      if (!user) throw noSuchUser(userId);
      const revoked = await this.users.revokeSessions(em, userId);
      await this.audit.append(em, { action: 'user.revoke-sessions', subjectType: 'user', subjectId: userId, regionCode: user.region_code, data: { sessions: revoked } });
      return revoked;
    });
  }
}
