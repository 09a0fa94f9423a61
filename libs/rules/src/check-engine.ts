import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { batchCondition } from '@sunlight/ingestion';
import { LeadLedger } from '@sunlight/leads';
import { CheckRunResults } from './check-run-results.js';
import { AMOUNT_SQL, type ActiveRule } from './rule.js';
import { ALL_PAYMENTS, ruleStatement } from './rule-config.js';

export interface RunContext {
  runId: string;
  /** Payments under check: 'all', or the ids of some batches. */
  batchIds: string[] | null;
  /** Due date of a newly raised lead. */
  dueOn: string;
  /** Registry kind → import id current for this run. */
  registrySnapshot: Record<string, string>;
  repeatRule: ActiveRule;
}

export interface RuleOutcome {
  /** New leads by rule code (the rule's own, and R12 for repeats). */
  raised: Record<string, number>;
  /** Existing leads that received new evidence. */
  updated: number;
  /** Every lead raised or updated (their explanations are rewritten). */
  leadIds: string[];
}

/**
 * Applies one rule in one transaction: the rule's statement lists its hits (payment + key fields
 * + registry facts), and the lead ledger of @sunlight/leads, which owns the lead tables, keys
 * them and attaches, raises or repeats (R12) leads, set-based. The rule's advisory lock keeps
 * two runs of the same rule from raising the same key twice. The outcome is recorded for the run
 * in the same transaction; a rule this run already applied (a worker died after it) answers its
 * recorded outcome and changes nothing.
 */
@Injectable()
export class CheckEngine {
  private readonly logger = new Logger(CheckEngine.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly results: CheckRunResults,
    private readonly ledger: LeadLedger,
  ) {}

  async apply(rule: ActiveRule, ctx: RunContext): Promise<RuleOutcome> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('sunlight:rule:' || $1))`, [rule.code]);
      const done = await this.results.find(em, ctx.runId, rule.code);
      if (done) return { raised: done.raised, updated: done.updated, leadIds: done.lead_ids };
      const outcome = await this.applyLocked(em, rule, ctx);
      await this.results.record(em, ctx.runId, rule.code, outcome);
      return outcome;
    });
  }

  /**
   * Runs a version in shadow over the run's payments: its hits are kept apart (shadow_hits),
   * no lead is raised or changed. Keeping a hit twice changes nothing, so a resumed run may.
   */
  async shadow(rule: ActiveRule, ctx: RunContext): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SET LOCAL work_mem = '128MB'`);
      return this.ledger.recordShadowHits(em, { hitsSql: ruleStatement(rule, scopeOf(ctx)), evidence: rule.evidence, rule, version: rule.version, runId: ctx.runId });
    });
  }

  private async applyLocked(em: EntityManager, rule: ActiveRule, ctx: RunContext): Promise<RuleOutcome> {
    const scope = scopeOf(ctx);
    await em.query(`SET LOCAL work_mem = '128MB'`); // the rules' sorts and hashes stay in memory
    // A batch's check reads a few thousand people's and accounts' rows, by index, from pages in
    // memory: priced as random reads from disk (the default 4), the planner would rather scan the
    // whole history and registries, a cost that grows with everything stored before the batch.
    if (ctx.batchIds) await em.query(`SET LOCAL random_page_cost = 1.1`);
    const recorded = await this.ledger.recordHits(em, {
      hitsSql: ruleStatement(rule, scope),
      evidence: rule.evidence,
      rule,
      repeat: ctx.repeatRule,
      amountSql: AMOUNT_SQL[rule.amount],
      repeatAmountSql: AMOUNT_SQL[rule.repeatAmount],
      dueOn: ctx.dueOn,
      runId: ctx.runId,
      registrySnapshot: ctx.registrySnapshot,
      complete: ctx.batchIds === null,
    });
    const raised: Record<string, number> = {};
    if (recorded.raised) raised[rule.code] = recorded.raised;
    if (recorded.repeats) raised[ctx.repeatRule.code] = recorded.repeats;
    if (recorded.withdrawn) this.logger.log({ rule: rule.code, run: ctx.runId, withdrawn: recorded.withdrawn }, 'leads withdrawn: nothing they were raised for is found any more');
    return { raised, updated: recorded.updated, leadIds: recorded.leadIds };
  }
}


/** The payments a run checks, as the `:scope` of a rule's statement. */
function scopeOf(ctx: RunContext): string {
  return ctx.batchIds ? `(SELECT * FROM disbursements WHERE ${batchCondition(ctx.batchIds)})` : ALL_PAYMENTS;
}
