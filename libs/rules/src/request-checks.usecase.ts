import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InjectQueue, JobName, QueueName, type TypedQueue } from '@sunlight/queue';

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
    @InjectQueue(QueueName.Checks) private readonly checks: TypedQueue<QueueName.Checks>,
  ) {}

  async execute(command: RequestChecksCommand): Promise<string> {
    const [row] = await this.dataSource.query(
      `INSERT INTO check_runs (scope, batch_ids, trigger, requested_by) VALUES ($1, $2, $3, $4) RETURNING id::text`,
      [command.scope, command.batchIds, command.trigger, command.requestedBy],
    );
    await this.checks.add(JobName.RunChecks, { runId: row.id }, { jobId: `check-run-${row.id}`, priority: command.trigger === 'manual' ? 1 : 5 });
    return row.id;
  }
}
