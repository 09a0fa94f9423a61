// CLI-only DataSource for `npm run migration:generate -- libs/database/src/migrations/<Name>`:
// it lists every entity so that TypeORM can diff them against DATABASE_URL.
import { DataSource } from 'typeorm';
import { AppMeta } from './app-meta.entity.js';
import { dataSourceOptions } from './data-source-options.js';
import { Region } from '../../regions/src/region.entity.js';
import { Program } from '../../programs/src/program.entity.js';
import { ENTITIES as INGESTION } from '../../ingestion/src/entities/index.js';
import { ENTITIES as LEADS } from '../../leads/src/entities/index.js';
import { CheckRun } from '../../rules/src/check-run.entity.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('migration:generate needs DATABASE_URL (a scratch PostgreSQL database)');

export default new DataSource(dataSourceOptions({ connection: { connectionString: url } }, [AppMeta, Region, Program, ...INGESTION, ...LEADS, CheckRun]));
