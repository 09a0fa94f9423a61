import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Clock } from '@sunlight/common';
import { SunlightConfigModule } from '@sunlight/config';
import { DatabaseModule } from '@sunlight/database';
import { OutboxModule, QueueModule } from '@sunlight/queue';
import type { Infrastructure } from './infrastructure.js';
import { SunlightLogger, loggerParams } from './logging.js';

export const INFRASTRUCTURE = Symbol('INFRASTRUCTURE');

/** Configuration, logging, database and queues: what every Sunlight process is built on. */
@Module({})
export class CoreModule {
  static register(infra: Infrastructure, options: { clock?: Clock; logTo?: 1 | 2 } = {}): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [
        SunlightConfigModule.forRoot(infra.config, options.clock),
        LoggerModule.forRoot(loggerParams(infra.config, options.logTo ?? 1)),
        DatabaseModule.forRoot(infra.database),
        QueueModule.forRoot(infra.queue),
        OutboxModule,
      ],
      providers: [{ provide: INFRASTRUCTURE, useValue: infra }, SunlightLogger],
      exports: [INFRASTRUCTURE, SunlightLogger],
    };
  }
}
