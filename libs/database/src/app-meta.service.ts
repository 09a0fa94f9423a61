import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** Settings and fingerprints of the installation (app_meta), for every library that keeps one. */
@Injectable()
export class AppMetaService {
  constructor(private readonly dataSource: DataSource) {}

  async get<T>(key: string): Promise<T | undefined> {
    const rows = await this.dataSource.query('SELECT value FROM app_meta WHERE key = $1', [key]);
    return rows[0]?.value as T | undefined;
  }

  /** Sets the value unless the key exists (first writer wins, also between processes). */
  async setIfAbsent(key: string, value: unknown): Promise<void> {
    await this.dataSource.query(`INSERT INTO app_meta (key, value, updated_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO NOTHING`, [key, JSON.stringify(value)]);
  }

  /** Sets the value; with `em`, inside the caller's transaction. */
  async set(key: string, value: unknown, em: EntityManager = this.dataSource.manager): Promise<void> {
    await em.query(
      `INSERT INTO app_meta (key, value, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  }
}
