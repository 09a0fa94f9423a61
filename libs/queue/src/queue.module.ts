import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { QueueName } from './jobs.js';
import { queueBackend, type QueueBackendConfig } from './queue-backend.js';
import { QueueRegistry } from './queue-registry.js';
import { QUEUE_BACKEND, queueToken } from './tokens.js';
import { WorkerHost } from './worker-host.js';
import { JobWaiter } from './job-waiter.js';

/**
 * Queues by name for producers (`@InjectQueue(QueueName.Checks)`), and the WorkerHost that runs
 * the @JobHandler methods in processes that consume jobs.
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(config: QueueBackendConfig): DynamicModule {
    const queueProviders = Object.values(QueueName).map((name) => ({
      provide: queueToken(name),
      useFactory: (registry: QueueRegistry) => registry.get(name),
      inject: [QueueRegistry],
    }));
    return {
      module: QueueModule,
      imports: [DiscoveryModule],
      providers: [{ provide: QUEUE_BACKEND, useValue: queueBackend(config) }, QueueRegistry, WorkerHost, JobWaiter, ...queueProviders],
      exports: [QUEUE_BACKEND, QueueRegistry, WorkerHost, JobWaiter, ...queueProviders.map((p) => p.provide)],
    };
  }
}
