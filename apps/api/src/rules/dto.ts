import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { FieldChange, RuleChangeStatus, RuleVersionState, RuleVersionView } from '@sunlight/rules';

const SEVERITIES = ['low', 'medium', 'high'] as const;
const STATUSES: RuleChangeStatus[] = ['pending', 'approved', 'rejected'];
const STATES: RuleVersionState[] = ['pending', 'rejected', 'scheduled', 'live', 'superseded'];
const PARAMS = { type: 'object', additionalProperties: { type: 'number' } } as const;

/** A version or draft of a rule, as the admin reads it. */
export class RuleVersionDto {
  @ApiProperty({ description: '变更编号（草案提出时分配）', example: '13' }) changeId: string;
  @ApiProperty({ example: 'R09' }) rule: string;
  @ApiProperty({ type: Number, nullable: true, description: '版本号：批准时分配；待审批或已驳回为 null', example: 2 }) version: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '草案所依据的版本（提出时的现行版本）' }) baseVersion: number | null;
  @ApiProperty({ enum: STATUSES, enumName: 'RuleChangeStatus', description: '审批状态（中文见 /api/labels ruleChangeStatus）' }) status: RuleChangeStatus;
  @ApiProperty({ enum: STATES, enumName: 'RuleVersionState', description: '当前所处：待审批、已驳回、待生效、现行、已被取代（中文见 /api/labels ruleVersionState）' }) state: RuleVersionState;
  @ApiProperty({ description: '是否启用' }) enabled: boolean;
  @ApiProperty({ enum: SEVERITIES, enumName: 'Severity' }) severity: (typeof SEVERITIES)[number];
  @ApiProperty({ ...PARAMS, description: '参数取值', example: { minIds: 4, minHouseholds: 2 } }) params: Record<string, number>;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: '生效时间；初始版本（自始生效）和未批准的为 null' }) effectiveFrom: string | null;
  @ApiProperty({ description: '提出人（用户名；初始版本为 system）' }) author: string;
  @ApiProperty({ description: '变更理由' }) reason: string;
  @ApiProperty({ type: String, nullable: true, description: '审批人' }) checker: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: '审批时间' }) decidedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: '驳回理由' }) decisionReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ description: '当前用户可以审批（待审批，且不是自己提出的）' }) mayDecide: boolean;
}

export function toRuleVersionDto(v: RuleVersionView): RuleVersionDto {
  return {
    changeId: v.id,
    rule: v.ruleCode,
    version: v.version,
    baseVersion: v.baseVersion,
    status: v.status,
    state: v.state,
    enabled: v.enabled,
    severity: v.severity,
    params: v.params,
    effectiveFrom: v.effectiveFrom ? new Date(v.effectiveFrom).toISOString() : null,
    author: v.author,
    reason: v.reason,
    checker: v.checker,
    decidedAt: v.decidedAt ? new Date(v.decidedAt).toISOString() : null,
    decisionReason: v.decisionReason,
    createdAt: new Date(v.createdAt).toISOString(),
    mayDecide: v.mayDecide,
  };
}

export class RuleChangeQueryDto {
  @ApiPropertyOptional({ title: '审批状态', enum: STATUSES, enumName: 'RuleChangeStatus', description: '省略为全部' })
  @IsOptional() @IsIn(STATUSES) status?: RuleChangeStatus;
}

export class ProposeRuleChangeDto {
  @ApiProperty({ title: '规则', example: 'R09' }) @IsString() @Matches(/^R\d{2}$/, { message: '应为规则编号，如 R09' }) rule: string;
  @ApiPropertyOptional({ title: '是否启用' }) @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ title: '严重程度', enum: SEVERITIES, enumName: 'Severity' }) @IsOptional() @IsIn(SEVERITIES) severity?: (typeof SEVERITIES)[number];
  @ApiPropertyOptional({ title: '参数', ...PARAMS, description: '要改的参数及新值；未列出的沿用现行版本。类型和范围见 GET /api/rules', example: { minIds: 4 } })
  @IsOptional() @IsObject() params?: Record<string, number>;
  @ApiProperty({ title: '变更理由', example: '三人一卡多为家属代领' }) @IsString() @MaxLength(2000) reason: string;
}

export class ProposedRuleChangeDto {
  @ApiProperty({ example: '13' }) changeId: string;
  @ApiProperty({ example: 'R09' }) rule: string;
  @ApiProperty({ enum: ['pending'] }) status: 'pending';
}

export class ApproveRuleChangeDto {
  @ApiPropertyOptional({ title: '生效日期', description: 'YYYY-MM-DD，当日零点（北京时间）起生效；省略为立即生效', example: '2027-01-01' })
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '应为日期 YYYY-MM-DD' }) from?: string;
}

export class RejectRuleChangeDto {
  @ApiProperty({ title: '驳回理由' }) @IsString() @MaxLength(2000) reason: string;
}

export class RuleChangeOutcomeDto {
  @ApiProperty({ example: '13' }) changeId: string;
  @ApiProperty({ enum: STATUSES, enumName: 'RuleChangeStatus' }) status: RuleChangeStatus;
  @ApiProperty({ type: Number, nullable: true, description: '批准后的版本号；驳回为 null', example: 2 }) version: number | null;
}

export class FieldChangeDto {
  @ApiProperty({ description: 'enabled、severity 或 params.参数名', example: 'params.minIds' }) field: string;
  @ApiProperty({ nullable: true, oneOf: [{ type: 'boolean' }, { type: 'string' }, { type: 'number' }], description: '对比版本中的值；没有该参数为 null', example: 3 }) from: FieldChange['from'];
  @ApiProperty({ nullable: true, oneOf: [{ type: 'boolean' }, { type: 'string' }, { type: 'number' }], description: '本变更中的值', example: 4 }) to: FieldChange['to'];
}

export class RuleChangeDiffDto {
  @ApiProperty({ example: '13' }) changeId: string;
  @ApiProperty({ example: 'R09' }) rule: string;
  @ApiProperty({ type: Number, nullable: true, description: '本变更的版本号（待审批或已驳回为 null）' }) version: number | null;
  @ApiProperty({ description: '对比的版本号', example: 1 }) against: number;
  @ApiProperty({ type: [FieldChangeDto], description: '逐项差异（相同的字段不列出）' }) changes: FieldChangeDto[];
}
