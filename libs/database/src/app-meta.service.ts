import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

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

  async set(key: string, value: unknown): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO app_meta (key, value, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  }
}
