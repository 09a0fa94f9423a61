import { SetMetadata } from '@nestjs/common';
import type { JobName } from './jobs.js';

export const JOB_HANDLER = Symbol('JOB_HANDLER');

/**
 * Marks the method that processes one job name: `@JobHandler(JobName.RunChecks) run(job: JobOf<JobName.RunChecks>)`.
 * Each job name has exactly one handler; a process that runs workers refuses to start otherwise.
 */
export const JobHandler = (name: JobName) => SetMetadata(JOB_HANDLER, name);
