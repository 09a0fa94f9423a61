import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Role } from '@sunlight/common';

/** An account as other libraries see it: who, how to reach them, where they work. */
export interface DirectoryUser {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  role: Role;
  /** The root of the user's scope ('' is the whole country). */
  regionCode: string;
  active: boolean;
}

/** An active inspector, as an assignment names them. */
export interface Inspector {
  id: string;
  displayName: string;
  regionCode: string;
}

/** An active supervisor and the root of their scope. */
export interface SupervisorScope {
  id: string;
  regionCode: string;
}

const ID = /^\d{1,18}$/;

/**
 * The `users` table read for other libraries (leads, digest): accounts owns it, so nobody else
 * queries it. Lookups of many users take every id at once.
 */
@Injectable()
export class UserDirectory {
  constructor(private readonly dataSource: DataSource) {}

  /** An account by id (digits) or by username (any case), active or not. */
  async find(idOrName: string): Promise<DirectoryUser | undefined> {
    const byId = /^\d+$/.test(idOrName);
    const [row] = await this.dataSource.query(
      `SELECT id::text, username, display_name, email, role, region_code, active FROM users WHERE ${byId ? 'id = $1::bigint' : 'lower(username) = lower($1)'}`,
      [idOrName],
    );
    return row ? { id: row.id, username: row.username, displayName: row.display_name, email: row.email, role: row.role, regionCode: row.region_code, active: row.active } : undefined;
  }

  /**
   * The active inspector with this id, or nothing. `em`: the caller's transaction, so that an
   * assignment holding a connection does not wait for a second one.
   */
  async findInspector(id: string, em: EntityManager = this.dataSource.manager): Promise<Inspector | undefined> {
    if (!ID.test(id)) return undefined;
    const [row] = await em.query(`SELECT id::text, display_name, region_code FROM users WHERE id = $1 AND role = 'inspector' AND active`, [id]);
    return row ? { id: row.id, displayName: row.display_name, regionCode: row.region_code } : undefined;
  }

  /** Every active supervisor: those who get digests. */
  activeSupervisors(): Promise<SupervisorScope[]> {
    return this.dataSource.query(`SELECT id::text, region_code AS "regionCode" FROM users WHERE role = 'supervisor' AND active ORDER BY id`);
  }

  /** The usernames of these accounts, by id (an unknown id is left out). */
  async usernames(ids: string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.filter((id) => ID.test(id)))];
    if (!wanted.length) return new Map();
    const rows: { id: string; username: string }[] = await this.dataSource.query(`SELECT id::text, username FROM users WHERE id = ANY($1::bigint[])`, [wanted]);
    return new Map(rows.map((r) => [r.id, r.username]));
  }
}
