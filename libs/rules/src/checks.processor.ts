import { Injectable } from '@nestjs/common';
import { JobHandler, JobName, type JobOf } from '@sunlight/queue';
import { RunChecks } from './run-checks.usecase.js';

@Injectable()
export class ChecksProcessor {
  constructor(private readonly runChecks: RunChecks) {}

  @JobHandler(JobName.RunChecks)
  async run(job: JobOf<JobName.RunChecks>) {
    return this.runChecks.execute(job.data.runId, (progress) => job.updateProgress(progress));
  }
}
