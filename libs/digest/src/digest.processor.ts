import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobHandler, JobName, WorkerHost, type JobOf } from '@sunlight/queue';
import { Digests } from './digests.js';

/** Digest jobs. Each is safe to run twice: the digest row decides what is still to do. */
@Injectable()
export class DigestProcessor implements OnModuleInit {
  constructor(
    private readonly digests: Digests,
    private readonly host: WorkerHost,
  ) {}

  /** A worker process declares each supervisor's schedule when it starts. */
  onModuleInit(): void {
    this.host.onWorkerProcessStart(async () => {
      await this.digests.syncSchedules();
    });
  }

  @JobHandler(JobName.PrepareDigest)
  async prepare(job: JobOf<JobName.PrepareDigest>) {
    const { id } = await this.digests.prepare(job.data.userId, 'scheduled');
    await this.digests.enqueue(id);
    return { digestId: id };
  }

  @JobHandler(JobName.ScanAlerts)
  async scan(_job: JobOf<JobName.ScanAlerts>) {
    return { queued: await this.digests.scanAlerts() };
  }

  @JobHandler(JobName.SendDigest)
  async send(job: JobOf<JobName.SendDigest>) {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return { outcome: await this.digests.deliver(job.data.digestId, lastAttempt) };
  }
}
