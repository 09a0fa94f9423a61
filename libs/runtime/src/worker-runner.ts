import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { QueueRegistry, SCHEDULES, WorkerHost, JOB_QUEUE } from '@sunlight/queue';

/** In processes that consume jobs: checks every job has a handler, then starts the workers. */
@Injectable()
export class WorkerRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('Worker');

  constructor(
    private readonly host: WorkerHost,
    private readonly queues: QueueRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.host.start();
    for (const s of SCHEDULES) {
      // (SCHEDULES pairs each job with its own payload; the queue's generic cannot follow that.)
      await this.queues.get(JOB_QUEUE[s.job]).schedule(s.id, s.pattern, s.job as never, s.payload as never);
    }
    await this.host.runStartHooks();
    this.logger.log({ schedules: SCHEDULES.map((s) => s.id) }, 'processing jobs');
  }
}
