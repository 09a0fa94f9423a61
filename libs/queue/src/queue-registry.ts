import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { QueueName } from './jobs.js';
import type { QueueBackend } from './queue-backend.js';
import { QUEUE_BACKEND } from './tokens.js';
import { TypedQueue } from './typed-queue.js';

/** Owns the BullMQ queue clients of this process (each made on first use) and closes them last. */
@Injectable()
export class QueueRegistry implements OnApplicationShutdown {
  readonly queues = new Map<QueueName, TypedQueue<QueueName>>();

  /**
   * `migrated`: only there to be made after the database's DataSource, which is ready once the
   * migrations ran: BullMQ's PostgreSQL backend creates its schema as soon as a queue is made,
   * and the application's role may do so only once the migrations granted it (two roles).
   */
  constructor(@Inject(QUEUE_BACKEND) readonly backend: QueueBackend, @Optional() @Inject(DataSource) migrated?: DataSource) {
    void migrated;
    for (const name of Object.values(QueueName)) {
      // Made on first use (TypedQueue): a command that queues nothing connects to no queue.
      const make = () => {
        const queue = new backend.classes.Queue(name, { connection: backend.connection, prefix: backend.prefix } as never) as Queue;
        queue.on('error', () => undefined); // connection errors surface through /health and job failures
        return queue;
      };
      this.queues.set(name, new TypedQueue(name, make));
    }
  }

  get<Q extends QueueName>(name: Q): TypedQueue<Q> {
    return this.queues.get(name) as unknown as TypedQueue<Q>;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].filter((q) => q.opened).map((q) => q.queue.close().catch(() => undefined)));
  }
}
