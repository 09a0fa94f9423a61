import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@sunlight/common';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { InjectDeadlines, WorkingDays, type DeadlineSettings } from '@sunlight/leads';
import { ProgramsService } from '@sunlight/programs';
import { RequestBatchFolds, RequestBatchFoldsCommand, SettleBatches, SettleBatchesCommand } from '@sunlight/ingestion';
import { CheckEngine } from './check-engine.js';
import { CheckRunResults, summarize } from './check-run-results.js';
import type { CheckRunSummary } from './check-run-types.js';
import { CheckRuns, type CheckRunProgress } from './check-runs.js';
import { Explanations } from './explanations.js';
import { RuleCatalogue, repeatRule, runnableRules } from './rule-catalogue.js';
import type { ActiveRule } from './rule.js';

export type RunProgress = (progress: CheckRunProgress) => void | Promise<void>;

/**
 * Runs the enabled rules for one check_runs row. Safe to run twice: a completed run returns its
 * summary, and a run resumed after its worker died applies only the rules not yet recorded for
 * it (check_run_rules) and sums every rule's row. A rule that fails is reported in the summary
 * while the others complete.
 */
@Injectable()
export class RunChecks {
  private readonly logger = new Logger(RunChecks.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: CheckEngine,
    private readonly runs: CheckRuns,
    private readonly results: CheckRunResults,
    private readonly explanations: Explanations,
    private readonly rules: RuleCatalogue,
    private readonly programs: ProgramsService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
    @InjectDeadlines() private readonly deadlineSettings: DeadlineSettings,
    private readonly requestFolds: RequestBatchFolds,
    private readonly settleBatches: SettleBatches,
  ) {}

  async execute(runId: string, progress?: RunProgress): Promise<CheckRunSummary> {
    const run = await this.runs.find(runId);
    if (!run) throw new Error(`check run ${runId} does not exist`);
    if (run.status === 'completed') return run.summary!;

    if (run.trigger !== 'manual' && (await this.runs.fullRunStartedAfter(run.created_at))) {
      const summary = summarize([]);
      await this.runs.finish(runId, summary); // a full run started since has covered this one
      return summary;
    }
    await this.runs.markRunning(runId);
    if (run.scope === 'batches') await this.settleBatches.execute(new SettleBatchesCommand(run.batch_ids!.map(String)));

    // The rules as their live versions set them when the run starts: a version going live
    // mid-run takes effect from the next run, and every lead records the version that raised it.
    const live = await this.rules.live();
    await this.programs.applyLive(); // program versions whose day has come: the statements join \`programs\`
    // A batch's own check leaves out the rules judged over all data only (R13's absences).
    const judgedHere = (r: ActiveRule) => run.scope !== 'batches' || r.judgedOver !== 'all';
    const rules = runnableRules(live).filter(judgedHere);
    const context = {
      runId,
      batchIds: run.scope === 'batches' ? run.batch_ids!.map(String) : null,
      dueOn: WorkingDays.add(this.clock.today(), this.deadlineSettings.deadlines.verify),
      registrySnapshot: await this.registrySnapshot(),
      repeatRule: repeatRule(live),
    };
    // A run resumed after its worker died skips the rules that already took effect.
    const recorded = new Set((await this.results.all(runId)).map((r) => r.rule_code));
    let done = rules.filter((r) => recorded.has(r.code)).length;
    await this.setProgress(runId, { done, total: rules.length }, progress);
    // Rules are independent (each its own transaction and lock): a few at a time, each on its own
    // connection. A failing rule is reported and the others go on.
    const queue = rules.filter((r) => !recorded.has(r.code));
    const applyNext = async (): Promise<void> => {
      for (let rule = queue.shift(); rule; rule = queue.shift()) {
        const started = Date.now();
        try {
          const outcome = await this.engine.apply(rule, context);
          this.logger.debug({ rule: rule.code, ms: Date.now() - started, ...outcome.raised, updated: outcome.updated }, 'rule applied');
        } catch (err) {
          await this.results.recordFailure(runId, rule.code, (err as Error).message);
          this.logger.error({ rule: rule.code, run: runId, err: (err as Error).message }, 'rule failed');
        }
        await this.setProgress(runId, { done: ++done, total: rules.length, rule: rule.code }, progress);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.checkConcurrency, queue.length) }, applyNext));
    // Approved versions waiting for their day run beside the live ones, raising nothing.
    for (const shadow of (await this.rules.shadows()).filter(judgedHere)) {
      try {
        const kept = await this.engine.shadow(shadow, context);
        this.logger.debug({ rule: shadow.code, version: shadow.version, kept }, 'shadow version applied');
      } catch (err) {
        this.logger.error({ rule: shadow.code, version: shadow.version, run: runId, err: (err as Error).message }, 'shadow version failed');
      }
    }
    // The totals are what the rules' rows say, whichever process applied them.
    const results = await this.results.all(runId);
    const summary = summarize(results);
    await this.explanations.rewrite([...new Set(results.flatMap((r) => r.lead_ids))], live);
    await this.runs.finish(runId, summary);
    if (run.scope === 'batches') await this.requestFolds.execute(new RequestBatchFoldsCommand(run.batch_ids!.map(String)));
    await progress?.({ done: rules.length, total: rules.length });
    return summary;
  }

  /** The newest stored import of each registry: the snapshot a lead was raised on. */
  private async registrySnapshot(): Promise<Record<string, string>> {
    const rows: { kind: string; id: string }[] = await this.dataSource.query(
      `SELECT kind, max(id)::text AS id FROM registry_imports WHERE status = 'stored' GROUP BY kind`,
    );
    return Object.fromEntries(rows.map((r) => [r.kind, r.id]));
  }

  private async setProgress(runId: string, value: CheckRunProgress, progress?: RunProgress) {
    await this.runs.setProgress(runId, value);
    await progress?.(value);
  }
}
