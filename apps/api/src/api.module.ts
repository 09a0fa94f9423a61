import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AccountsModule } from '@sunlight/accounts';
import { AuditModule } from '@sunlight/audit';
import { IngestionModule } from '@sunlight/ingestion';
import { LeadsModule } from '@sunlight/leads';
import { DigestModule } from '@sunlight/digest';
import { DigestsController } from './digests/digests.controller.js';
import { ProgramsModule } from '@sunlight/programs';
import { RegionsModule } from '@sunlight/regions';
import { RulesModule } from '@sunlight/rules';
import { QueueAdminModule } from '@sunlight/queue';
import { CoreModule, WorkerRunner, type Infrastructure } from '@sunlight/runtime';
import { AccessGuard, actorContextMiddleware } from './auth/access.js';
import { QueuesController } from './admin/queues.controller.js';
import { AuthController } from './auth/auth.controller.js';
import { LinksModule } from './auth/links.module.js';
import { BatchesController } from './batches/batches.controller.js';
import { MyLeadsController } from './batches/my-leads.controller.js';
import { CatalogueController } from './catalogue/catalogue.controller.js';
import { RuleChangesController } from './rules/rule-changes.controller.js';
import { BacktestsController } from './rules/backtests.controller.js';
import { ProgramChangesController } from './rules/program-changes.controller.js';
import { DomainExceptionFilter } from './common/domain-exception.filter.js';
import { MaskingInterceptor } from './common/masking.interceptor.js';
import { rateLimits } from './common/rate-limits.js';
import { UploadsModule } from './common/uploads.js';
import { validationPipe } from './common/validation.js';
import { DemoLoader } from './demo/demo-loader.js';
import { HealthModule } from './health/health.module.js';
import { LabelsController } from './labels/labels.controller.js';
import { LeadsController } from './leads/leads.controller.js';
import { RegistriesController } from './registries/registries.controller.js';
import { NoticesController, TriageAdminController } from './triage/triage.controller.js';
import { DashboardController, StatisticsController } from './statistics/statistics.controller.js';
import { RegionsController } from './regions/regions.controller.js';
import { StatisticsModule } from '@sunlight/statistics';
import { UsersController } from './users/users.controller.js';

/** HTTP API and web console; with an inline worker (the embedded default), also the job processors. */
@Module({})
export class ApiModule implements NestModule {
  static register(infra: Infrastructure): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.register(infra),
        AuditModule,
        AccountsModule,
        RegionsModule,
        ProgramsModule,
        IngestionModule,
        RulesModule,
        LeadsModule,
        DigestModule,
        StatisticsModule,
        HealthModule,
        UploadsModule,
        LinksModule,
        QueueAdminModule,
        // Sign-ins and uploads, on the routes marked with @RateLimit.
        ThrottlerModule.forRoot(rateLimits(infra.config)),
      ],
      controllers: [AuthController, UsersController, LabelsController, LeadsController, BatchesController, MyLeadsController, RegistriesController, NoticesController, StatisticsController, DashboardController, RegionsController, TriageAdminController, DigestsController, QueuesController, CatalogueController, RuleChangesController, ProgramChangesController, BacktestsController],
      providers: [
        ...(infra.config.inlineWorker ? [WorkerRunner] : []),
        DemoLoader,
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: MaskingInterceptor },
        { provide: APP_FILTER, useClass: DomainExceptionFilter },
        { provide: APP_PIPE, useValue: validationPipe() },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(actorContextMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
