import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppMetaService } from './app-meta.service.js';
import { BulkLoader } from './bulk-loader.js';
import { dataSourceOptions } from './data-source-options.js';
import type { DatabaseEndpoint } from './endpoint.js';
import { migrateAsOwner } from './migrate.js';
import { DATABASE_ENDPOINT } from './tokens.js';

/**
 * TypeORM on node-postgres for whichever database openDatabase() found. Migrations are applied
 * before anything else uses the connection, as the owner role when there is one
 * (DATABASE_OWNER_URL); the application then runs as the role of DATABASE_URL.
 */
@Global()
@Module({})
export class DatabaseModule {
  /** `appSchemas`: schemas the application creates and keeps itself (BullMQ's PostgreSQL backend). */
  static forRoot(endpoint: DatabaseEndpoint, { appSchemas = [] }: { appSchemas?: string[] } = {}): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(endpoint), retryAttempts: 0 }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            const applied = await migrateAsOwner(endpoint, dataSource, appSchemas).catch(async (err) => {
              await dataSource.destroy().catch(() => undefined);
              throw err;
            });
            if (applied.length) new Logger('Database').log(`applied migrations: ${applied.join(', ')}`);
            return dataSource;
          },
        }),
      ],
      providers: [{ provide: DATABASE_ENDPOINT, useValue: endpoint }, BulkLoader, AppMetaService],
      exports: [DATABASE_ENDPOINT, BulkLoader, AppMetaService, TypeOrmModule],
    };
  }
}
