import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** An active inspector as a picker offers them: who, by name, and where they work. */
export interface AssignableInspector {
  id: string;
  username: string;
  /** The name people know them by (the username when none was given). */
  displayName: string;
  /** The root of their region ('' is the whole country). */
  regionCode: string;
}

export class ListRegionInspectorsCommand {
  /** `regionCode`: a region (or any code prefix) every inspector listed must cover. */
  constructor(readonly regionCode: string) {}
}

/**
 * The active inspectors whose region covers `regionCode` (their region is it or above it): those
 * a lead there may be assigned to, as the lifecycle checks. The county's own first, then by name.
 */
@Injectable()
export class ListRegionInspectors {
  constructor(private readonly dataSource: DataSource) {}

  execute(command: ListRegionInspectorsCommand): Promise<AssignableInspector[]> {
    if (!/^\d{0,9}$/.test(command.regionCode)) return Promise.resolve([]);
    return this.dataSource.query(
      `SELECT id::text, username, coalesce(nullif(display_name, ''), username) AS "displayName", region_code AS "regionCode"
       FROM users WHERE role = 'inspector' AND active AND starts_with($1, region_code)
       ORDER BY length(region_code) DESC, coalesce(nullif(display_name, ''), username), id`,
      [command.regionCode],
    );
  }
}

/** The username and display name of accounts by id, for the names shown in a history. */
@Injectable()
export class UserNames {
  constructor(private readonly dataSource: DataSource) {}

  async execute(ids: string[]): Promise<Map<string, { username: string; displayName: string }>> {
    const wanted = [...new Set(ids.filter((id) => /^\d{1,18}$/.test(id)))];
    if (!wanted.length) return new Map();
    const rows: { id: string; username: string; display_name: string | null }[] = await this.dataSource.query(`SELECT id::text, username, display_name FROM users WHERE id = ANY($1::bigint[])`, [wanted]);
    return new Map(rows.map((r) => [r.id, { username: r.username, displayName: r.display_name || r.username }]));
  }
}
