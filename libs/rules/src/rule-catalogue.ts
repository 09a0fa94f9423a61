import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Clock, InputError, NotFoundError } from '@sunlight/common';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { RULE_CATALOGUE } from './catalogue/index.js';
import { parameterDefaults, type ActiveRule, type RuleDefinition } from './rule.js';
import { configureRules } from './rule-config.js';
import { RuleVersions, type LiveRuleVersion } from './versions/rule-versions.repository.js';

export const REPEAT_RULE_CODE = 'R12';

/**
 * The rules of this installation. What a rule is (name, statement, parameter declarations) is the
 * catalogue's; how it is set (enabled, severity, parameter values) is its live version in
 * rule_versions. config/rules.json over the catalogue defaults only seeds version 1 of a rule that
 * has none: after that the database is the truth, and changes go through drafts and approval.
 */
@Injectable()
export class RuleCatalogue implements OnModuleInit {
  private readonly logger = new Logger(RuleCatalogue.name);

  constructor(
    private readonly versions: RuleVersions,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const seeded = await this.versions.seedFirstVersions(
      configureRules(RULE_CATALOGUE, this.config.configDir).map((r) => ({ ruleCode: r.code, enabled: r.enabled, severity: r.severity, params: r.params })),
    );
    if (seeded) this.logger.log(`rule versions: version 1 of ${seeded} rule(s) from config/rules.json`);
  }

  /** What each rule is, in code order (names, statements, parameters), whatever its settings. */
  definitions(): RuleDefinition[] {
    return RULE_CATALOGUE;
  }

  definition(code: string): RuleDefinition | undefined {
    return RULE_CATALOGUE.find((r) => r.code === code);
  }

  /**
   * One rule as a backtest runs it: as its live version sets it, or as a change (a draft, or a
   * decided version) would. A draft has no number yet: it is shown as the one it would take.
   */
  async forBacktest(code: string, changeId?: string): Promise<ActiveRule> {
    const rule = this.definition(code);
    if (!rule) throw new InputError(`未知的规则 ${code}，应为 ${RULE_CATALOGUE.map((r) => r.code).join('、')} 之一 (unknown rule)`);
    if (changeId === undefined) return (await this.live()).find((r) => r.code === code)!;
    const change = await this.versions.find(changeId);
    if (!change) throw new NotFoundError(`规则变更 ${changeId} 不存在 (no such rule change)`);
    if (change.ruleCode !== code) throw new InputError(`规则变更 ${changeId} 修改的是 ${change.ruleCode}，不是 ${code} (the change is of another rule)`);
    const next = Math.max(0, ...(await this.versions.history(code)).map((v) => v.version ?? 0)) + 1;
    return activate(rule, { ruleCode: code, version: change.version ?? next, enabled: change.enabled, severity: change.severity, params: change.params, effectiveFrom: change.effectiveFrom });
  }

  /**
   * The approved versions waiting for their day at `at`, as rules: each runs in shadow beside
   * the live one until it goes live (only those enabled and with a statement).
   */
  async shadows(at: Date = this.clock.now()): Promise<ActiveRule[]> {
    const scheduled = await this.versions.scheduledAt(at);
    return scheduled.map((v) => activate(this.definition(v.ruleCode)!, v)).filter((r) => r.enabled && r.sql);
  }

  /** Every rule as its live version at `at` (now by default) sets it, in code order. */
  async live(at: Date = this.clock.now()): Promise<ActiveRule[]> {
    const live = new Map((await this.versions.liveAt(at)).map((v) => [v.ruleCode, v]));
    return RULE_CATALOGUE.map((rule) => activate(rule, live.get(rule.code)));
  }
}

/** A rule with a version's settings; parameters the version predates take their defaults. */
export function activate(rule: RuleDefinition, version: LiveRuleVersion | undefined): ActiveRule {
  if (!version) throw new Error(`rule ${rule.code} has no approved version (rule_versions); it is seeded at start-up`);
  return { ...rule, version: version.version, enabled: version.enabled, severity: version.severity, params: { ...parameterDefaults(rule), ...version.params } };
}

/** Enabled rules with a statement, in code order. */
export function runnableRules(rules: ActiveRule[]): ActiveRule[] {
  return rules.filter((r) => r.enabled && r.sql);
}

export function repeatRule(rules: ActiveRule[]): ActiveRule {
  return rules.find((r) => r.code === REPEAT_RULE_CODE)!;
}
