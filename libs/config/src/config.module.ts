import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '@sunlight/common';
import { APP_CONFIG } from './tokens.js';
import type { AppConfig } from './app-config.js';

/** Makes the validated AppConfig and the Clock injectable everywhere. */
@Global()
@Module({})
export class SunlightConfigModule {
  static forRoot(config: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: SunlightConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
      ],
      exports: [APP_CONFIG, Clock],
    };
  }
}
