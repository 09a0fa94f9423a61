import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InputError, fenToYuan } from '@sunlight/common';
import { LeadLedger, type PreviewKey } from '@sunlight/leads';
import { AMOUNT_SQL, type ActiveRule } from './rule.js';
import { ALL_PAYMENTS, ruleStatement } from './rule-config.js';

/** A key a backtest adds or drops, as people and the console read it (amounts in yuan). */
export interface BacktestKey {
  key: string;
  id_number: string | null;
  program_code: string | null;
  period: string | null;
  bank_account: string | null;
  amountAtRisk?: string;
  items?: number;
  leadId?: string;
  status?: string;
}

/** CONTRACT §5 `rules backtest`, plus what the console lists. */
export interface BacktestResult {
  rule: string;
  version: number;
  /** Payments hit (R13: person-months missed). */
  hits: number;
  keys: number;
  /** Yuan, two decimals. */
  amountAtRisk: string;
  added: number;
  dropped: number;
  /** Of its keys, how many already have a lead closed rectified (confirmed) or dismissed. */
  confirmed: number;
  dismissed: number;
  /** What raising the added keys would put at risk (yuan). */
  addedAmountAtRisk: string;
  /** The added keys with the largest amounts, and the dropped ones (at most 200 each). */
  addedKeys: BacktestKey[];
  droppedKeys: BacktestKey[];
  /** How long the statement and the comparison took. */
  ms: number;
}

export type BacktestStage = 'hits' | 'done';

export class BacktestRuleCommand {
  /**
   * `rule`: the version to try, live or drafted, with its parameters. `hits`: where its hits come
   * from — by default its statement over every stored payment; a shadow's comparison reads the
   * hits its checks kept instead.
   */
  constructor(
    readonly rule: ActiveRule,
    readonly hits?: { sql: string; params: unknown[] },
  ) {}
}

/**
 * Runs one version of a rule over all stored payments, raising nothing: the rule's own statement,
 * keyed and summed by the lead ledger as a check would, in a transaction that keeps nothing. Its
 * figures are what the version would raise if it went live now on the same data.
 */
@Injectable()
export class BacktestRule {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LeadLedger,
  ) {}

  async execute(command: BacktestRuleCommand, progress?: (stage: BacktestStage) => void | Promise<void>): Promise<BacktestResult> {
    const { rule } = command;
    if (!rule.sql) throw new InputError(`规则 ${rule.code} 没有自己的比对语句（它在其他规则的线索上触发），请回测它所复查的规则 (${rule.code} has no statement of its own)`);
    await progress?.('hits');
    const started = Date.now();
    const preview = await this.dataSource.transaction(async (em) => {
      await em.query(`SET LOCAL work_mem = '128MB'`); // as the check does
      return this.ledger.preview(em, {
        hitsSql: command.hits?.sql ?? ruleStatement(rule, ALL_PAYMENTS),
        hitsParams: command.hits?.params,
        evidence: rule.evidence,
        rule,
        amountSql: AMOUNT_SQL[rule.amount],
      });
    });
    await progress?.('done');
    const key = (k: PreviewKey): BacktestKey => ({
      key: k.key,
      id_number: k.id_number,
      program_code: k.program_code,
      period: k.period,
      bank_account: k.bank_account,
      ...(k.amountFen !== undefined ? { amountAtRisk: fenToYuan(k.amountFen), items: k.items } : {}),
      ...(k.leadId !== undefined ? { leadId: k.leadId, status: k.status } : {}),
    });
    return {
      rule: rule.code,
      version: rule.version,
      hits: preview.hits,
      keys: preview.keys,
      amountAtRisk: fenToYuan(preview.amountFen),
      added: preview.added,
      dropped: preview.dropped,
      confirmed: preview.confirmed,
      dismissed: preview.dismissed,
      addedAmountAtRisk: fenToYuan(preview.addedAmountFen),
      addedKeys: preview.addedKeys.map(key),
      droppedKeys: preview.droppedKeys.map(key),
      ms: Date.now() - started,
    };
  }
}
