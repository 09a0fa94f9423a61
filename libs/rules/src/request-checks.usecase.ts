import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { InjectQueue, JobName, JobOutbox, QueueName, type TypedQueue } from '@sunlight/queue';
import { CheckRuns } from './check-runs.js';

export class RequestChecksCommand {
  constructor(
    readonly scope: 'all' | 'batches',
    readonly trigger: 'manual' | 'batch' | 'registry' | 'demo',
    readonly requestedBy: string | null,
    readonly batchIds: string[] | null = null,
  ) {}
}

/**
 * Records a check run and queues it. Runs someone asked for go ahead of the automatic ones that
 * imports queue, and a full run makes those redundant (they find themselves superseded), so
 * `checks run` after a series of imports raises everything itself.
 */
@Injectable()
export class RequestChecks {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runs: CheckRuns,
    private readonly outbox: JobOutbox,
    @InjectQueue(QueueName.Checks) private readonly checks: TypedQueue<QueueName.Checks>,
  ) {}

  async execute(command: RequestChecksCommand): Promise<string> {
    const runId = await this.insertRun(this.dataSource.manager, command);
    await this.checks.add(JobName.RunChecks, { runId }, jobOptions(runId, command));
    return runId;
  }

  /**
   * Inside the transaction of the change that calls for the run (a stored batch): the run and
   * its job are recorded with it, and the job reaches the queue after commit (the outbox).
   */
  async inTransaction(em: EntityManager, command: RequestChecksCommand): Promise<string> {
    const runId = await this.insertRun(em, command);
    await this.outbox.enqueueInTransaction(em, JobName.RunChecks, { runId }, jobOptions(runId, command));
    return runId;
  }

  private insertRun(em: EntityManager, command: RequestChecksCommand): Promise<string> {
    return this.runs.insert(em, { scope: command.scope, batch_ids: command.batchIds, trigger: command.trigger, requested_by: command.requestedBy });
  }
}

/** One job per run (its id names the run); what people ask for goes first. */
const jobOptions = (runId: string, command: RequestChecksCommand) => ({ jobId: `check-run-${runId}`, priority: command.trigger === 'manual' ? 1 : 5 });
