import type { DataSourceOptions } from 'typeorm';
import type { DatabaseEndpoint } from './endpoint.js';
import { MIGRATIONS } from './migrations/index.js';

/**
 * TypeORM settings shared by the application and the CLI-only DataSource. No entities: every read
 * and write is SQL through DataSource/EntityManager, and the schema lives in the migrations
 * (libs/database/src/migrations/README.md). Never synchronize.
 */
export function dataSourceOptions(endpoint: Pick<DatabaseEndpoint, 'connection'>): DataSourceOptions {
  const { connectionString, host, port, user, database, password, ...pool } = endpoint.connection;
  return {
    type: 'postgres',
    ...(connectionString ? { url: connectionString } : { host, port, username: user, database, password: password as string | undefined }),
    applicationName: 'sunlight',
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    extra: pool,
  };
}
