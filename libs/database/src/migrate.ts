import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import type { DatabaseEndpoint } from './endpoint.js';

const MIGRATION_LOCK = 72_450_001;

/**
 * Applies pending migrations. Every process runs this at start-up; the advisory lock lets
 * replicas start together without applying a migration twice.
 *
 * `appRole`: the role the application runs as, when the migrations run as another (the owner).
 * After the migrations, under the same lock, sunlight_grant_app() (migration AppRole) gives it
 * exactly its privileges. It is one idempotent step run at every start rather than grants inside
 * each migration: the migrations cannot know the role's name when they run (a database made from
 * a template, a role renamed or added later), and a table a later migration adds is covered
 * without that migration having to remember.
 */
export async function migrate(dataSource: DataSource, appRole?: string, appSchemas: string[] = []): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (appRole) {
      const [{ owner }] = await runner.query('SELECT current_user AS owner');
      if (owner !== appRole) await runner.query('SELECT sunlight_grant_app($1, $2)', [appRole, appSchemas]);
    }
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

/**
 * Migrates the database `app` (the application's DataSource) is on: as the owner role, on a
 * connection of its own closed afterwards, when the endpoint has one; else on `app` itself (one
 * role owns everything, as in an install without DATABASE_OWNER_URL and the embedded database).
 * `appSchemas`: schemas the application keeps itself (BullMQ's on PostgreSQL), which it owns.
 */
export async function migrateAsOwner(endpoint: Pick<DatabaseEndpoint, 'ownerConnection'>, app: DataSource, appSchemas: string[] = []): Promise<string[]> {
  if (!endpoint.ownerConnection) return migrate(app);
  const [{ role }] = await app.query('SELECT current_user AS role');
  const owner = await new DataSource(dataSourceOptions({ connection: endpoint.ownerConnection })).initialize();
  try {
    return await migrate(owner, role, appSchemas);
  } finally {
    await owner.destroy();
  }
}
