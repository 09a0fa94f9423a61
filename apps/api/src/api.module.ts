import { DynamicModule, Module } from '@nestjs/common';
import { IngestionModule } from '@sunlight/ingestion';
import { LeadsModule } from '@sunlight/leads';
import { ProgramsModule } from '@sunlight/programs';
import { RegionsModule } from '@sunlight/regions';
import { RulesModule } from '@sunlight/rules';
import { CoreModule, WorkerRunner, type Infrastructure } from '@sunlight/runtime';
import { BatchesController } from './batches/batches.controller.js';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ValidationPipe } from '@nestjs/common';
import { DomainExceptionFilter } from './common/domain-exception.filter.js';
import { UploadsModule } from './common/uploads.js';
import { DemoLoader } from './demo/demo-loader.js';
import { RegistriesController } from './registries/registries.controller.js';
import { HealthModule } from './health/health.module.js';
import { LeadsController } from './leads/leads.controller.js';
import { WebController } from './web/web.controller.js';

/** HTTP API and web console; with an inline worker (the embedded default), also the job processors. */
@Module({})
export class ApiModule {
  static register(infra: Infrastructure): DynamicModule {
    return {
      module: ApiModule,
      imports: [CoreModule.register(infra), RegionsModule, ProgramsModule, IngestionModule, RulesModule, LeadsModule, HealthModule, UploadsModule],
      controllers: [WebController, LeadsController, BatchesController, RegistriesController],
      providers: [
        ...(infra.config.inlineWorker ? [WorkerRunner] : []),
        DemoLoader,
        { provide: APP_FILTER, useClass: DomainExceptionFilter },
        { provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }) },
      ],
    };
  }
}
