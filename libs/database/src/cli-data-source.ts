// DataSource of the typeorm CLI (`npm run migration:show`, `npm run migration:revert`): the
// migrations and nothing else. The schema lives in the migrations (partitions, generated columns,
// triggers written in SQL); there are no entities, so this library needs no feature library's.
import { DataSource } from 'typeorm';
import { loadConfig } from '@sunlight/config';
import { dataSourceOptions } from './data-source-options.js';

// Migrations are the owner's business (DATABASE_OWNER_URL, which defaults to DATABASE_URL).
const { databaseOwnerUrl: databaseUrl } = loadConfig();
if (!databaseUrl) throw new Error('the typeorm CLI needs DATABASE_URL (PostgreSQL); the embedded database migrates itself at start-up');

export default new DataSource(dataSourceOptions({ connection: { connectionString: databaseUrl } }));
