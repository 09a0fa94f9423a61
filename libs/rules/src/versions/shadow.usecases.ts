import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '@sunlight/audit';
import { Clock, ConflictError, ForbiddenError, NotFoundError, requireAdmin, type Actor } from '@sunlight/common';
import { LeadLedger } from '@sunlight/leads';
import { BacktestRule, BacktestRuleCommand, type BacktestResult } from '../backtest-rule.usecase.js';
import { RuleCatalogue, activate } from '../rule-catalogue.js';
import { RuleVersions, type RuleVersionRow } from './rule-versions.repository.js';

/** What a version in shadow found, against the rule's present leads (GET /api/rule-changes/:id/shadow). */
export interface ShadowComparison extends BacktestResult {
  changeId: string;
  /** The day it goes live; until then it runs in shadow. Null once live. */
  effectiveFrom: Date | null;
  inShadow: boolean;
  /** When its checks first and last found something, and in how many runs. */
  firstFoundAt: Date | null;
  lastFoundAt: Date | null;
  runs: number;
}

async function approvedChange(versions: RuleVersions, changeId: string): Promise<RuleVersionRow & { version: number }> {
  const change = await versions.find(changeId);
  if (!change) throw new NotFoundError(`没有编号为 ${changeId} 的规则变更 (no such rule change)`);
  if (change.status !== 'approved' || change.version === null) throw new ConflictError(`规则变更 ${changeId} 尚未批准：只有已批准、待生效的版本在影子中运行 (not approved)`, { status: change.status });
  return change as RuleVersionRow & { version: number };
}

/**
 * Compares a version in shadow with the live one: the keys its checks found (kept apart, in
 * shadow_hits) against the rule's present leads, with the amounts and outcomes a backtest reports.
 */
@Injectable()
export class CompareShadow {
  constructor(
    private readonly versions: RuleVersions,
    private readonly rules: RuleCatalogue,
    private readonly ledger: LeadLedger,
    private readonly backtest: BacktestRule,
    private readonly clock: Clock,
  ) {}

  async execute(changeId: string): Promise<ShadowComparison> {
    const change = await approvedChange(this.versions, changeId);
    const rule = activate(this.rules.definition(change.ruleCode)!, { ...change, version: change.version });
    const found = await this.backtest.execute(new BacktestRuleCommand(rule, { sql: this.ledger.shadowHitsSql(), params: [change.ruleCode, change.version] }));
    const span = await this.ledger.shadowSpan(change.ruleCode, change.version);
    const waiting = !!change.effectiveFrom && change.effectiveFrom > this.clock.now();
    return { ...found, changeId, effectiveFrom: waiting ? change.effectiveFrom : null, inShadow: waiting, firstFoundAt: span.first, lastFoundAt: span.last, runs: span.runs };
  }
}

export class GoLiveCommand {
  constructor(
    readonly changeId: string,
    readonly actor: Actor,
  ) {}
}

/**
 * Switches a version in shadow live now, instead of at its day: a decision of its own, by an
 * admin who did not propose it (maker-checker), audited.
 */
@Injectable()
export class GoLive {
  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: RuleVersions,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async execute(command: GoLiveCommand): Promise<{ changeId: string; status: 'approved'; version: number }> {
    requireAdmin(command.actor, '让规则版本生效');
    const change = await approvedChange(this.versions, command.changeId);
    if (change.authorId === command.actor.userId) throw new ForbiddenError('不能让自己提出的规则变更生效：须由另一名管理员决定 (maker-checker)');
    const now = this.clock.now();
    return this.dataSource.transaction(async (em) => {
      if (!(await this.versions.bringForward(em, change.id, now))) throw new ConflictError(`规则变更 ${change.id} 不在待生效状态（已生效或已被取代） (not waiting for its day)`);
      await this.audit.append(
        em,
        { action: 'rule.go-live', subjectType: 'rule', subjectId: change.ruleCode, data: { changeId: change.id, version: change.version, effectiveFrom: now.toISOString(), scheduledFor: change.effectiveFrom?.toISOString() ?? null } },
        command.actor,
      );
      return { changeId: change.id, status: 'approved' as const, version: change.version };
    });
  }
}
