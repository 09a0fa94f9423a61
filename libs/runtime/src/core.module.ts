import { DynamicModule, Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { HttpLogger } from 'pino-http';
import type { Clock } from '@sunlight/common';
import { SunlightConfigModule } from '@sunlight/config';
import { DatabaseModule } from '@sunlight/database';
import { OutboxModule, QueueModule } from '@sunlight/queue';
import type { Infrastructure } from './infrastructure.js';
import { HTTP_LOGGER, SunlightLogger, createHttpLogger, requestLogging } from './logging.js';

export const INFRASTRUCTURE = Symbol('INFRASTRUCTURE');

/** Configuration, logging, database and queues: what every Sunlight process is built on. */
@Module({})
export class CoreModule implements NestModule {
  constructor(@Inject(HTTP_LOGGER) private readonly http: HttpLogger) {}

  static register(infra: Infrastructure, options: { clock?: Clock; logTo?: 1 | 2 } = {}): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [
        SunlightConfigModule.forRoot(infra.config, options.clock),
        DatabaseModule.forRoot(infra.database, { appSchemas: infra.queue.kind === 'postgres' ? [infra.queue.schema] : [] }),
        QueueModule.forRoot(infra.queue),
        OutboxModule,
      ],
      providers: [{ provide: INFRASTRUCTURE, useValue: infra }, { provide: HTTP_LOGGER, useValue: createHttpLogger(infra.config, options.logTo ?? 1) }, SunlightLogger],
      exports: [INFRASTRUCTURE, SunlightLogger],
    };
  }

  /** Every HTTP request is logged (the API; processes without HTTP never call this). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(...requestLogging(this.http)).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
