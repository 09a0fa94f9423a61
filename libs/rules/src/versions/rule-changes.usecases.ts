import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '@sunlight/audit';
import { Clock, InputError, NotFoundError, effectiveFrom, requireAdmin, requireDecidable, requireReason, type Actor } from '@sunlight/common';
import type { Severity } from '@sunlight/leads';
import { RuleCatalogue } from '../rule-catalogue.js';
import { SEVERITIES, validateParams } from '../rule-config.js';
import { diffSettings, type FieldChange } from './rule-diff.js';
import { RuleVersions, type RuleChangeStatus, type RuleVersionRow } from './rule-versions.repository.js';

/** Where a version stands now: a draft, refused, approved for later, the live one, or replaced. */
export type RuleVersionState = 'pending' | 'rejected' | 'scheduled' | 'live' | 'superseded';

export const RULE_VERSION_STATE_LABELS: Record<RuleVersionState, string> = {
  pending: '待审批',
  rejected: '已驳回',
  scheduled: '已批准，待生效',
  live: '现行版本',
  superseded: '已被取代',
};

export const RULE_CHANGE_STATUS_LABELS: Record<RuleChangeStatus, string> = { pending: '待审批', approved: '已批准', rejected: '已驳回' };

/** A version or draft as people read it. */
export interface RuleVersionView extends RuleVersionRow {
  state: RuleVersionState;
  /** The caller may approve or reject it: pending, and the caller is an admin who did not write it. */
  mayDecide: boolean;
}

export interface RuleChangeOutcome {
  changeId: string;
  status: RuleChangeStatus;
  version: number | null;
}

export class ProposeRuleChangeCommand {
  constructor(
    readonly ruleCode: string,
    readonly changes: { enabled?: boolean; severity?: string; params?: Record<string, unknown> },
    readonly author: Actor,
    readonly reason: string,
  ) {}
}

/**
 * Drafts a new version of a rule: the live version with the changes, checked against the rule's
 * parameter declarations. Nothing runs differently until a second admin approves it.
 */
@Injectable()
export class ProposeRuleChange {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rules: RuleCatalogue,
    private readonly versions: RuleVersions,
    private readonly audit: AuditLog,
  ) {}

  async execute(command: ProposeRuleChangeCommand): Promise<{ changeId: string; rule: string; status: 'pending' }> {
    requireAdmin(command.author, '提出规则变更');
    const code = command.ruleCode.trim().toUpperCase();
    const definition = this.rules.definition(code);
    if (!definition) {
      const known = this.rules.definitions().map((r) => r.code).join(', ');
      throw new InputError(`rule: 没有规则 ${command.ruleCode}（可用：${known}） (unknown rule)`, { column: 'rule', value: command.ruleCode, expected: known });
    }
    const reason = requireReason(command.reason);
    const { enabled, severity, params } = command.changes;
    if (enabled !== undefined && typeof enabled !== 'boolean') throw new InputError('enabled: 应为 true 或 false (expected true or false)', { column: 'enabled', expected: 'true | false' });
    if (severity !== undefined && !SEVERITIES.includes(severity as Severity)) {
      throw new InputError(`severity: 应为 ${SEVERITIES.join('、')} 之一，得到 ${severity} (expected low, medium or high)`, { column: 'severity', value: severity, expected: SEVERITIES.join(' | ') });
    }
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      throw new InputError('params: 应为 {"参数名": 数值} 形式的 JSON 对象 (expected a JSON object)', { column: 'params', expected: '{"name": number}' });
    }
    const live = (await this.rules.live()).find((r) => r.code === code)!;
    const checked = validateParams(definition, params ?? {}, 'params');
    const settings = {
      enabled: enabled ?? live.enabled,
      severity: (severity as Severity | undefined) ?? live.severity,
      // Parameters not named keep their live values.
      params: { ...live.params, ...Object.fromEntries(Object.keys(params ?? {}).map((name) => [name, checked[name]])) },
    };
    if (!diffSettings(live, settings).length) throw new InputError(`与现行版本 v${live.version} 相同，没有变更 (no change from the live version)`, { column: 'params', expected: '至少一项不同' });

    return this.dataSource.transaction(async (em) => {
      const changeId = await this.versions.insertDraft(em, { ruleCode: code, baseVersion: live.version, ...settings, authorId: command.author.userId, author: command.author.username, reason });
      await this.audit.append(
        em,
        { action: 'rule.propose', subjectType: 'rule', subjectId: code, reason, data: { changeId, baseVersion: live.version, changes: diffSettings(live, settings) } },
        command.author,
      );
      return { changeId, rule: code, status: 'pending' as const };
    });
  }
}

export class ApproveRuleChangeCommand {
  /** `from`: the day (YYYY-MM-DD, Asia/Shanghai) the version goes live; absent: at once. */
  constructor(
    readonly changeId: string,
    readonly checker: Actor,
    readonly from?: string,
  ) {}
}

export class RejectRuleChangeCommand {
  constructor(
    readonly changeId: string,
    readonly checker: Actor,
    readonly reason: string,
  ) {}
}

/** The pending draft a checker may decide, locked; refusals name the rule of four eyes. */
async function pendingForChecker(versions: RuleVersions, em: import('typeorm').EntityManager, changeId: string, checker: Actor): Promise<RuleVersionRow> {
  requireAdmin(checker, '审批规则变更');
  const change = await versions.find(changeId, em, true);
  if (!change) throw new NotFoundError(`没有编号为 ${changeId} 的规则变更 (no such rule change)`);
  requireDecidable(change, checker, '规则变更');
  return change;
}

/** A second admin approves a draft: it becomes the rule's next version, live from the stated day or at once. */
@Injectable()
export class ApproveRuleChange {
  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: RuleVersions,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async execute(command: ApproveRuleChangeCommand): Promise<RuleChangeOutcome> {
    const from = effectiveFrom(command.from, this.clock.now());
    return this.dataSource.transaction(async (em) => {
      const change = await pendingForChecker(this.versions, em, command.changeId, command.checker);
      const version = await this.versions.approve(em, change.id, { id: command.checker.userId, name: command.checker.username }, from);
      await this.audit.append(
        em,
        { action: 'rule.approve', subjectType: 'rule', subjectId: change.ruleCode, data: { changeId: change.id, version, effectiveFrom: from.toISOString(), author: change.author } },
        command.checker,
      );
      return { changeId: change.id, status: 'approved' as const, version };
    });
  }
}

/** A second admin rejects a draft, saying why; it keeps no version number. */
@Injectable()
export class RejectRuleChange {
  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: RuleVersions,
    private readonly audit: AuditLog,
  ) {}

  async execute(command: RejectRuleChangeCommand): Promise<RuleChangeOutcome> {
    const reason = requireReason(command.reason);
    return this.dataSource.transaction(async (em) => {
      const change = await pendingForChecker(this.versions, em, command.changeId, command.checker);
      await this.versions.reject(em, change.id, { id: command.checker.userId, name: command.checker.username }, reason);
      await this.audit.append(em, { action: 'rule.reject', subjectType: 'rule', subjectId: change.ruleCode, reason, data: { changeId: change.id, author: change.author } }, command.checker);
      return { changeId: change.id, status: 'rejected' as const, version: null };
    });
  }
}

/** Versions and drafts as people read them: where each stands now, and whether the caller may decide it. */
@Injectable()
export class ListRuleVersions {
  constructor(
    private readonly versions: RuleVersions,
    private readonly rules: RuleCatalogue,
    private readonly clock: Clock,
  ) {}

  /** Every version and draft of one rule, newest first. */
  async ofRule(ruleCode: string, viewer: Actor): Promise<RuleVersionView[]> {
    if (!this.rules.definition(ruleCode)) throw new NotFoundError(`没有规则 ${ruleCode} (unknown rule)`);
    return this.view(await this.versions.history(ruleCode), viewer);
  }

  /** Changes people made (not the seeded versions), by status, newest first. */
  async changes(status: RuleChangeStatus | undefined, viewer: Actor): Promise<RuleVersionView[]> {
    return this.view(await this.versions.changes(status), viewer);
  }

  private async view(rows: RuleVersionRow[], viewer: Actor): Promise<RuleVersionView[]> {
    const now = this.clock.now();
    const live = new Map((await this.versions.liveAt(now)).map((v) => [v.ruleCode, v.version]));
    return rows.map((row) => ({
      ...row,
      state:
        row.status !== 'approved' ? row.status
        : live.get(row.ruleCode) === row.version ? 'live'
        : row.effectiveFrom && row.effectiveFrom > now ? 'scheduled'
        : 'superseded',
      mayDecide: row.status === 'pending' && viewer.role === 'admin' && row.authorId !== viewer.userId,
    }));
  }
}

export interface RuleChangeDiff {
  changeId: string;
  rule: string;
  /** The change's version (null while pending or when rejected). */
  version: number | null;
  against: number;
  changes: FieldChange[];
}

/** A change field by field against another version of its rule (by default the one it was drafted from). */
@Injectable()
export class DiffRuleChange {
  constructor(private readonly versions: RuleVersions) {}

  async execute(changeId: string, against?: number): Promise<RuleChangeDiff> {
    const change = await this.versions.find(changeId);
    if (!change) throw new NotFoundError(`没有编号为 ${changeId} 的规则变更 (no such rule change)`);
    const otherVersion = against ?? change.baseVersion ?? change.version!;
    const other = await this.versions.findVersion(change.ruleCode, otherVersion);
    if (!other) throw new InputError(`against: ${change.ruleCode} 没有版本 ${otherVersion} (no such version)`, { column: 'against', value: String(otherVersion), expected: '该规则已批准的版本号' });
    return { changeId: change.id, rule: change.ruleCode, version: change.version, against: otherVersion, changes: diffSettings(other, change) };
  }
}
