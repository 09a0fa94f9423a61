import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '@sunlight/audit';
import { Clock, InputError, NotFoundError, effectiveFrom, requireAdmin, requireDecidable, requireReason, yuanToFen, type Actor } from '@sunlight/common';
import { ProgramVersions, type ProgramChangeStatus, type ProgramSettings, type ProgramVersionRow } from './program-versions.repository.js';
import { ProgramsService } from './programs.service.js';

/** What a draft changes; absent fields keep the live version's. `cap` in yuan (`350`, `1,200.00`). */
export interface ProgramChanges {
  cap?: string;
  minAge?: number | null;
  maxAge?: number | null;
  meansTested?: boolean;
  universal?: boolean;
}

export class ProposeProgramChangeCommand {
  constructor(
    readonly programCode: string,
    readonly changes: ProgramChanges,
    readonly author: Actor,
    readonly reason: string,
  ) {}
}

function checkAge(value: unknown, field: 'minAge' | 'maxAge'): number | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 150) {
    throw new InputError(`${field}: 应为整数 0–150（周岁），或 null 表示不限，得到 ${JSON.stringify(value)} (expected a whole number of years)`, { column: field, value: String(value), expected: '整数 0–150 或 null' });
  }
  return value as number;
}

/** The settings a draft would set, checked as config/programs.json is. */
export function draftSettings(live: ProgramSettings, changes: ProgramChanges): ProgramSettings {
  const settings = { ...live };
  if (changes.cap !== undefined) {
    const fen = yuanToFen(String(changes.cap).replace(/,/g, ''));
    if (fen === null || fen <= 0n) throw new InputError(`cap: 应为正的金额（元，至多两位小数），得到 ${changes.cap} (expected a positive amount in yuan)`, { column: 'cap', value: String(changes.cap), expected: '正金额（元）' });
    settings.capFen = fen.toString();
  }
  if (changes.minAge !== undefined) settings.minAge = checkAge(changes.minAge, 'minAge');
  if (changes.maxAge !== undefined) settings.maxAge = checkAge(changes.maxAge, 'maxAge');
  for (const field of ['meansTested', 'universal'] as const) {
    if (changes[field] !== undefined && typeof changes[field] !== 'boolean') throw new InputError(`${field}: 应为 true 或 false (expected true or false)`, { column: field, expected: 'true | false' });
    if (changes[field] !== undefined) settings[field] = changes[field]!;
  }
  if (settings.minAge !== null && settings.maxAge !== null && settings.minAge > settings.maxAge) {
    throw new InputError(`minAge: 年龄下限 ${settings.minAge} 大于上限 ${settings.maxAge} (minAge above maxAge)`, { column: 'minAge', expected: `不大于 ${settings.maxAge}` });
  }
  if (settings.universal && settings.minAge === null && settings.maxAge === null) {
    throw new InputError('universal: 应享项目须有年龄范围 (a universal program needs an age range)', { column: 'universal', expected: '先设 minAge 或 maxAge' });
  }
  return settings;
}

const FIELDS: (keyof ProgramSettings)[] = ['capFen', 'minAge', 'maxAge', 'meansTested', 'universal'];

/** The fields that differ, as the rules' diff shows them. */
export function diffProgramSettings(from: ProgramSettings, to: ProgramSettings): { field: string; from: unknown; to: unknown }[] {
  return FIELDS.filter((f) => from[f] !== to[f]).map((f) => ({ field: f, from: from[f], to: to[f] }));
}

/** Drafts a new version of a program's settings; nothing changes until a second admin approves it. */
@Injectable()
export class ProposeProgramChange {
  constructor(
    private readonly dataSource: DataSource,
    private readonly programs: ProgramsService,
    private readonly versions: ProgramVersions,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async execute(command: ProposeProgramChangeCommand): Promise<{ changeId: string; program: string; status: 'pending' }> {
    requireAdmin(command.author, '提出资金项目变更');
    const code = command.programCode.trim().toUpperCase();
    const live = (await this.versions.liveAt(this.clock.now())).find((v) => v.programCode === code);
    if (!live || !this.programs.get(code)) {
      const known = this.programs.all().map((p) => p.code).join(', ');
      throw new InputError(`program: 没有资金项目 ${command.programCode}（可用：${known}） (unknown program)`, { column: 'program', value: command.programCode, expected: known });
    }
    const reason = requireReason(command.reason);
    const settings = draftSettings(live, command.changes);
    const changes = diffProgramSettings(live, settings);
    if (!changes.length) throw new InputError(`与现行版本 v${live.version} 相同，没有变更 (no change from the live version)`, { column: 'cap', expected: '至少一项不同' });
    return this.dataSource.transaction(async (em) => {
      const changeId = await this.versions.insertDraft(em, { programCode: code, baseVersion: live.version, ...settings, authorId: command.author.userId, author: command.author.username, reason });
      await this.audit.append(em, { action: 'program.propose', subjectType: 'program', subjectId: code, reason, data: { changeId, baseVersion: live.version, changes } }, command.author);
      return { changeId, program: code, status: 'pending' as const };
    });
  }
}

export class DecideProgramChangeCommand {
  /** `from` (approve): the day (YYYY-MM-DD, Asia/Shanghai) it goes live, else at once; `reason`: required to reject. */
  constructor(
    readonly changeId: string,
    readonly decision: 'approve' | 'reject',
    readonly checker: Actor,
    readonly options: { from?: string; reason?: string } = {},
  ) {}
}

/**
 * A second admin approves (the next version, live from the day or at once: then the programs
 * table follows at once) or rejects (with a reason) a program draft.
 */
@Injectable()
export class DecideProgramChange {
  constructor(
    private readonly dataSource: DataSource,
    private readonly programs: ProgramsService,
    private readonly versions: ProgramVersions,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async execute(command: DecideProgramChangeCommand): Promise<{ changeId: string; status: ProgramChangeStatus; version: number | null }> {
    requireAdmin(command.checker, '审批资金项目变更');
    const approving = command.decision === 'approve';
    const from = approving ? effectiveFrom(command.options.from, this.clock.now()) : null;
    const reason = approving ? null : requireReason(command.options.reason);
    const checker = { id: command.checker.userId, name: command.checker.username };
    const outcome = await this.dataSource.transaction(async (em) => {
      const change = await this.versions.find(command.changeId, em, true);
      if (!change) throw new NotFoundError(`没有编号为 ${command.changeId} 的资金项目变更 (no such program change)`);
      requireDecidable(change, command.checker, '资金项目变更');
      if (approving) {
        const version = await this.versions.approve(em, change.id, checker, from!);
        await this.audit.append(em, { action: 'program.approve', subjectType: 'program', subjectId: change.programCode, data: { changeId: change.id, version, effectiveFrom: from!.toISOString(), author: change.author } }, command.checker);
        return { changeId: change.id, status: 'approved' as const, version };
      }
      await this.versions.reject(em, change.id, checker, reason!);
      await this.audit.append(em, { action: 'program.reject', subjectType: 'program', subjectId: change.programCode, reason, data: { changeId: change.id, author: change.author } }, command.checker);
      return { changeId: change.id, status: 'rejected' as const, version: null };
    });
    if (approving) await this.programs.applyLive(); // effective now: the rules join it from the next run
    return outcome;
  }
}

/** Program changes people made, newest first, with whether the viewer may decide each. */
@Injectable()
export class ListProgramChanges {
  constructor(private readonly versions: ProgramVersions) {}

  async execute(status: ProgramChangeStatus | undefined, viewer: Actor): Promise<(ProgramVersionRow & { mayDecide: boolean })[]> {
    return (await this.versions.changes(status)).map((row) => ({ ...row, mayDecide: row.status === 'pending' && viewer.role === 'admin' && row.authorId !== viewer.userId }));
  }
}
