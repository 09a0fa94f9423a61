import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InputError, NotFoundError } from '@sunlight/common';
import { InjectQueue, JobHandler, JobName, QueueName, type JobOf, type TypedQueue } from '@sunlight/queue';
import { BacktestRule, BacktestRuleCommand, type BacktestResult, type BacktestStage } from './backtest-rule.usecase.js';
import { RuleCatalogue } from './rule-catalogue.js';

export type BacktestStatus = 'queued' | 'running' | 'completed' | 'failed';

/** How a backtest's status and stage read to people (/api/labels). */
export const BACKTEST_STATUS_LABELS: Record<BacktestStatus, string> = { queued: '排队中', running: '进行中', completed: '已完成', failed: '失败' };
export const BACKTEST_STAGE_LABELS: Record<BacktestStage, string> = { hits: '在全部已存数据上运行比对语句，并与现有线索比较', done: '完成' };

/** One rule_backtests row, as the API answers it. */
export interface BacktestRun {
  id: string;
  rule: string;
  changeId: string | null;
  version: number | null;
  status: BacktestStatus;
  stage: BacktestStage | null;
  error: string | null;
  requestedBy: string;
  createdAt: Date;
  finishedAt: Date | null;
  result: BacktestResult | null;
}

const BASE_COLUMNS = `id::text, rule_code AS rule, change_id::text AS "changeId", version, status, stage, error, requested_by AS "requestedBy",
  created_at AS "createdAt", finished_at AS "finishedAt"`;
const COLUMNS = `${BASE_COLUMNS}, result`;
const ID = /^\d{1,18}$/;

/** The rule_backtests table (libs/rules owns it). */
@Injectable()
export class BacktestRuns {
  constructor(private readonly dataSource: DataSource) {}

  async insert(rule: string, changeId: string | null, requestedBy: string): Promise<string> {
    const [row] = await this.dataSource.query(`INSERT INTO rule_backtests (rule_code, change_id, requested_by) VALUES ($1, $2, $3) RETURNING id::text`, [rule, changeId, requestedBy]);
    return row.id;
  }

  async find(id: string): Promise<BacktestRun | undefined> {
    if (!ID.test(id)) return undefined;
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM rule_backtests WHERE id = $1`, [id]);
    return row;
  }

  /** A rule's backtests, newest first, without their key lists. */
  recent(rule: string, limit = 20): Promise<BacktestRun[]> {
    return this.dataSource.query(
      `SELECT ${BASE_COLUMNS}, result - 'addedKeys' - 'droppedKeys' AS result FROM rule_backtests WHERE rule_code = $1 ORDER BY id DESC LIMIT $2`,
      [rule, limit],
    );
  }

  async stage(id: string, stage: BacktestStage, version: number): Promise<void> {
    await this.dataSource.query(`UPDATE rule_backtests SET status = 'running', stage = $2, version = $3, started_at = coalesce(started_at, now()) WHERE id = $1`, [id, stage, version]);
  }

  async finish(id: string, result: BacktestResult): Promise<void> {
    await this.dataSource.query(`UPDATE rule_backtests SET status = 'completed', stage = 'done', result = $2, error = NULL, finished_at = now() WHERE id = $1`, [id, JSON.stringify(result)]);
  }

  async fail(id: string, error: string): Promise<void> {
    await this.dataSource.query(`UPDATE rule_backtests SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [id, error]);
  }
}

export class RequestBacktestCommand {
  constructor(
    readonly rule: string,
    readonly changeId: string | null,
    readonly requestedBy: string,
  ) {}
}

/** Records a backtest of a rule's live version or of a change, and queues it (answers its id). */
@Injectable()
export class RequestBacktest {
  constructor(
    private readonly rules: RuleCatalogue,
    private readonly runs: BacktestRuns,
    @InjectQueue(QueueName.Checks) private readonly checks: TypedQueue<QueueName.Checks>,
  ) {}

  async execute(command: RequestBacktestCommand): Promise<string> {
    const rule = await this.rules.forBacktest(command.rule, command.changeId ?? undefined); // refuses an unknown rule or change now, not in the job
    if (!rule.sql) throw new InputError(`规则 ${rule.code} 没有自己的比对语句（它在其他规则的线索上触发），请回测它所复查的规则 (${rule.code} has no statement of its own)`);
    const id = await this.runs.insert(rule.code, command.changeId, command.requestedBy);
    // People wait for it: ahead of the automatic checks that imports queue.
    await this.checks.add(JobName.RunBacktest, { backtestId: id }, { jobId: `backtest-${id}`, priority: 1 });
    return id;
  }
}

/** The answer to GET /api/rule-backtests/:id. */
@Injectable()
export class GetBacktest {
  constructor(private readonly runs: BacktestRuns) {}

  async execute(id: string): Promise<BacktestRun> {
    const run = await this.runs.find(id);
    if (!run) throw new NotFoundError(`回测 ${id} 不存在 (no such backtest)`);
    return run;
  }
}

/** A rule's recent backtests, newest first (their figures without the key lists). */
@Injectable()
export class ListBacktests {
  constructor(
    private readonly rules: RuleCatalogue,
    private readonly runs: BacktestRuns,
  ) {}

  async execute(rule: string): Promise<BacktestRun[]> {
    if (!this.rules.definition(rule)) throw new NotFoundError(`规则 ${rule} 不存在 (no such rule)`);
    return this.runs.recent(rule);
  }
}

/**
 * Runs a rule_backtests row. Safe twice: a finished row is left alone, and a backtest writes
 * nothing but its own row.
 */
@Injectable()
export class BacktestProcessor {
  constructor(
    private readonly runs: BacktestRuns,
    private readonly rules: RuleCatalogue,
    private readonly backtest: BacktestRule,
  ) {}

  @JobHandler(JobName.RunBacktest)
  async run(job: JobOf<JobName.RunBacktest>) {
    const row = await this.runs.find(job.data.backtestId);
    if (!row || row.status === 'completed' || row.status === 'failed') return;
    try {
      const rule = await this.rules.forBacktest(row.rule, row.changeId ?? undefined);
      const result = await this.backtest.execute(new BacktestRuleCommand(rule), async (stage) => {
        await this.runs.stage(row.id, stage, rule.version);
        await job.updateProgress({ stage });
      });
      await this.runs.finish(row.id, result);
    } catch (err) {
      await this.runs.fail(row.id, (err as Error).message);
    }
  }
}
