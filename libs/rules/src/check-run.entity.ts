import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

import type { CheckRunStatus, CheckRunSummary } from './check-run-types.js';

/** One run of the cross-checks: over everything, or over the payments of some batches. */
@Entity('check_runs')
export class CheckRun {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** 'all' checks every payment; 'batches' only those of batchIds (and the groups they join). */
  @Column({ type: 'varchar', length: 8 })
  scope: 'all' | 'batches';

  @Column({ type: 'bigint', array: true, name: 'batch_ids', nullable: true })
  batchIds: string[] | null;

  /** What asked for it: a person, a stored batch, a registry import, the demo loader. */
  @Column({ type: 'varchar', length: 16 })
  trigger: 'manual' | 'batch' | 'registry' | 'demo';

  @Column({ type: 'text', name: 'requested_by', nullable: true })
  requestedBy: string | null;

  @Column({ type: 'varchar', length: 16, default: 'queued' })
  status: CheckRunStatus;

  @Column({ type: 'jsonb', nullable: true })
  progress: { done: number; total: number; rule?: string } | null;

  @Column({ type: 'jsonb', nullable: true })
  summary: CheckRunSummary | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
