/** check_runs.status */
export type CheckRunStatus = 'queued' | 'running' | 'completed' | 'failed';

/** check_runs.summary: what a run of the cross-checks came to. */
export interface CheckRunSummary {
  leadsRaised: number;
  leadsUpdated: number;
  /** Leads raised per rule. */
  byRule: Record<string, number>;
  /** Leads that received new evidence, per rule. */
  updatedByRule: Record<string, number>;
  /** Rules that failed, with the error; the other rules still ran. */
  failedRules: Record<string, string>;
}
