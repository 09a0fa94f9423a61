import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppMetaService } from './app-meta.service.js';
import { BulkLoader } from './bulk-loader.js';
import { dataSourceOptions } from './data-source-options.js';
import type { DatabaseEndpoint } from './endpoint.js';
import { migrate } from './migrate.js';
import { DATABASE_ENDPOINT } from './tokens.js';

/**
 * TypeORM on node-postgres for whichever database openDatabase() found. Migrations are applied
 * before anything else uses the connection.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(endpoint: DatabaseEndpoint): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(endpoint), retryAttempts: 0 }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            const applied = await migrate(dataSource);
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
