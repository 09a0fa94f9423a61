import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { WorkerHost } from '@sunlight/queue';

/** In processes that consume jobs: checks every job has a handler, then starts the workers. */
@Injectable()
export class WorkerRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('Worker');

  constructor(private readonly host: WorkerHost) {}

  onApplicationBootstrap(): void {
    this.host.start();
    this.logger.log('processing jobs');
  }
}
