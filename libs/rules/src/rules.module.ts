import { Module, OnModuleInit } from '@nestjs/common';
import { AccountsModule } from '@sunlight/accounts';
import { IngestionEvents, IngestionModule } from '@sunlight/ingestion';
import { LeadsModule } from '@sunlight/leads';
import { BacktestRule } from './backtest-rule.usecase.js';
import { CompareShadow, GoLive } from './versions/shadow.usecases.js';
import { BacktestProcessor, BacktestRuns, GetBacktest, ListBacktests, RequestBacktest } from './backtest-runs.js';
import { ProgramsModule } from '@sunlight/programs';
import { CheckEngine } from './check-engine.js';
import { CheckRunResults } from './check-run-results.js';
import { CheckRuns } from './check-runs.js';
import { ChecksProcessor } from './checks.processor.js';
import { Explanations } from './explanations.js';
import { RequestChecks, RequestChecksCommand } from './request-checks.usecase.js';
import { RuleCatalogue } from './rule-catalogue.js';
import { RunChecks } from './run-checks.usecase.js';
import { ApproveRuleChange, DiffRuleChange, ListRuleVersions, ProposeRuleChange, RejectRuleChange } from './versions/rule-changes.usecases.js';
import { RuleVersions } from './versions/rule-versions.repository.js';

const RULE_CHANGES = [ProposeRuleChange, ApproveRuleChange, RejectRuleChange, ListRuleVersions, DiffRuleChange, CompareShadow, GoLive];

@Module({
  imports: [IngestionModule, LeadsModule, AccountsModule, ProgramsModule],
  providers: [RuleVersions, RuleCatalogue, CheckRuns, CheckRunResults, CheckEngine, Explanations, RunChecks, RequestChecks, ChecksProcessor, BacktestRule, BacktestRuns, RequestBacktest, GetBacktest, ListBacktests, BacktestProcessor, ...RULE_CHANGES],
  exports: [RuleCatalogue, CheckRuns, RunChecks, RequestChecks, BacktestRule, RequestBacktest, GetBacktest, ListBacktests, ...RULE_CHANGES],
})
export class RulesModule implements OnModuleInit {
  constructor(
    private readonly events: IngestionEvents,
    private readonly requestChecks: RequestChecks,
  ) {}

  /**
   * A stored batch records the check of its payments, and a registry import a full run, in the
   * transaction that stores them: the request cannot be lost between the commit and the queue.
   */
  onModuleInit(): void {
    this.events.onBatchStored(async (em, { batchId, uploadedBy }) => {
      await this.requestChecks.inTransaction(em, new RequestChecksCommand('batches', 'batch', uploadedBy, [batchId]));
    });
    this.events.onRegistryImported(async (em, { importedBy }) => {
      await this.requestChecks.inTransaction(em, new RequestChecksCommand('all', 'registry', importedBy));
    });
  }
}
