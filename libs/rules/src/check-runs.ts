import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CheckRunStatus, CheckRunSummary } from './check-run-types.js';

/** How far a run has come: rules applied of all, and the last one. */
export interface CheckRunProgress {
  done: number;
  total: number;
  rule?: string;
}

/** Where a check run stands, for whoever waits on it. */
export interface CheckRunState {
  status: CheckRunStatus;
  /** Set once completed. */
  summary: CheckRunSummary | null;
  /** Set while running. */
  progress: CheckRunProgress | null;
  error: string | null;
}

/** A run as the runner reads it. */
export interface CheckRunRow {
  id: string;
  scope: 'all' | 'batches';
  batch_ids: string[] | null;
  trigger: 'manual' | 'batch' | 'registry' | 'demo';
  status: CheckRunStatus;
  summary: CheckRunSummary | null;
  created_at: Date;
}

/** The check_runs table: its SQL, one named method a question (others read it through state). */
@Injectable()
export class CheckRuns {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a run (inside the caller's transaction) and answers its id. */
  async insert(em: EntityManager, run: Pick<CheckRunRow, 'scope' | 'batch_ids' | 'trigger'> & { requested_by: string | null }): Promise<string> {
    const [row] = await em.query(
      `INSERT INTO check_runs (scope, batch_ids, trigger, requested_by) VALUES ($1, $2, $3, $4) RETURNING id::text`,
      [run.scope, run.batch_ids, run.trigger, run.requested_by],
    );
    return row.id;
  }

  async find(runId: string): Promise<CheckRunRow | undefined> {
    const [row] = await this.dataSource.query(`SELECT id, scope, batch_ids, trigger, status, summary, created_at FROM check_runs WHERE id = $1`, [runId]);
    return row;
  }

  /** Where the run stands now, for whoever waits on it. */
  async state(runId: string): Promise<CheckRunState | undefined> {
    const [row] = await this.dataSource.query(`SELECT status, summary, progress, error FROM check_runs WHERE id = $1`, [runId]);
    return row;
  }

  /** Has a full run completed that started after `since`? */
  async fullRunStartedAfter(since: Date): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM check_runs WHERE scope = 'all' AND status = 'completed' AND started_at > $1 LIMIT 1`, [since]);
    return rows.length > 0;
  }

  async markRunning(runId: string): Promise<void> {
    await this.dataSource.query(`UPDATE check_runs SET status = 'running', started_at = now(), error = NULL WHERE id = $1`, [runId]);
  }

  async setProgress(runId: string, progress: CheckRunProgress): Promise<void> {
    await this.dataSource.query(`UPDATE check_runs SET progress = $2 WHERE id = $1`, [runId, JSON.stringify(progress)]);
  }

  async finish(runId: string, summary: CheckRunSummary): Promise<void> {
    await this.dataSource.query(
      `UPDATE check_runs SET status = 'completed', summary = $2, finished_at = now(), progress = NULL WHERE id = $1`,
      [runId, JSON.stringify(summary)],
    );
  }
}
