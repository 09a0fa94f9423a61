import type { DataSourceOptions } from 'typeorm';
import type { DatabaseEndpoint } from './endpoint.js';
import { MIGRATIONS } from './migrations/index.js';

/** TypeORM settings shared by the application and the CLI-only DataSource. Never synchronize. */
export function dataSourceOptions(endpoint: Pick<DatabaseEndpoint, 'connection'>, entities: DataSourceOptions['entities'] = []): DataSourceOptions {
  const { connectionString, host, port, user, database, password, ...pool } = endpoint.connection;
  return {
    type: 'postgres',
    ...(connectionString ? { url: connectionString } : { host, port, username: user, database, password: password as string | undefined }),
    applicationName: 'sunlight',
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    extra: pool,
  };
}
