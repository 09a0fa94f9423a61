import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import type { ProgramChangeStatus, ProgramVersionRow } from '@sunlight/programs';

const STATUSES: ProgramChangeStatus[] = ['pending', 'approved', 'rejected'];

/** A draft or decided change of a program's settings. */
export class ProgramChangeDto {
  @ApiProperty({ description: '变更编号', example: '3' }) changeId: string;
  @ApiProperty({ example: 'DIBAO' }) program: string;
  @ApiProperty({ type: Number, nullable: true, description: '版本号：批准时分配；待审批或已驳回为 null' }) version: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '草案所依据的版本' }) baseVersion: number | null;
  @ApiProperty({ enum: STATUSES, enumName: 'RuleChangeStatus', description: '审批状态（中文见 /api/labels ruleChangeStatus）' }) status: ProgramChangeStatus;
  @ApiProperty({ description: '单笔发放标准上限（分，整数字符串）', example: '120000' }) capFen: string;
  @ApiProperty({ type: Number, nullable: true }) minAge: number | null;
  @ApiProperty({ type: Number, nullable: true }) maxAge: number | null;
  @ApiProperty() meansTested: boolean;
  @ApiProperty() universal: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: '生效时间' }) effectiveFrom: string | null;
  @ApiProperty() author: string;
  @ApiProperty() reason: string;
  @ApiProperty({ type: String, nullable: true }) checker: string | null;
  @ApiProperty({ type: String, nullable: true, description: '驳回理由' }) decisionReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ description: '当前用户可以审批（待审批，且不是自己提出的）' }) mayDecide: boolean;
}

export function toProgramChangeDto(v: ProgramVersionRow & { mayDecide: boolean }): ProgramChangeDto {
  return {
    changeId: v.id,
    program: v.programCode,
    version: v.version,
    baseVersion: v.baseVersion,
    status: v.status,
    capFen: v.capFen,
    minAge: v.minAge,
    maxAge: v.maxAge,
    meansTested: v.meansTested,
    universal: v.universal,
    effectiveFrom: v.effectiveFrom ? new Date(v.effectiveFrom).toISOString() : null,
    author: v.author,
    reason: v.reason,
    checker: v.checker,
    decisionReason: v.decisionReason,
    createdAt: new Date(v.createdAt).toISOString(),
    mayDecide: v.mayDecide,
  };
}

export class ProgramChangeQueryDto {
  @ApiPropertyOptional({ title: '审批状态', enum: STATUSES, enumName: 'RuleChangeStatus' }) @IsOptional() @IsIn(STATUSES) status?: ProgramChangeStatus;
}

export class ProposeProgramChangeDto {
  @ApiProperty({ title: '资金项目', example: 'DIBAO' }) @IsString() @Matches(/^[A-Z][A-Z0-9_]{0,15}$/, { message: '应为资金项目代码，如 DIBAO' }) program: string;
  @ApiPropertyOptional({ title: '标准上限（元）', example: '1300.00' }) @IsOptional() @IsString() @MaxLength(20) cap?: string;
  @ApiPropertyOptional({ title: '年龄下限', type: Number, nullable: true, description: '周岁；null 为不限' })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(0) @Max(150) minAge?: number | null;
  @ApiPropertyOptional({ title: '年龄上限', type: Number, nullable: true, description: '周岁；null 为不限' })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(0) @Max(150) maxAge?: number | null;
  @ApiPropertyOptional({ title: '家计调查' }) @IsOptional() @IsBoolean() meansTested?: boolean;
  @ApiPropertyOptional({ title: '应享项目' }) @IsOptional() @IsBoolean() universal?: boolean;
  @ApiProperty({ title: '变更理由' }) @IsString() @MaxLength(2000) reason: string;
}

export class ProposedProgramChangeDto {
  @ApiProperty({ example: '3' }) changeId: string;
  @ApiProperty({ example: 'DIBAO' }) program: string;
  @ApiProperty({ enum: ['pending'] }) status: 'pending';
}
