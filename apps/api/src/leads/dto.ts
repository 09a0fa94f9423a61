import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsBooleanString, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { DISPOSALS, NOTICE_KINDS, STEP_ACTIONS, type LeadAction, type LeadFilters, type NoticeKind, type TransitionDetails } from '@sunlight/leads';
import { parseAmount } from '@sunlight/common';

const YUAN = /^\d{1,13}(\.\d{1,2})?$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const LIST = /^[A-Za-z0-9_,]{0,400}$/;

/** The queue's filters as query parameters (lists are comma-separated). */
export class LeadQueryDto {
  @ApiPropertyOptional({ description: '行政区划（本辖区内的下级）', example: '421087' })
  @IsOptional() @Matches(/^\d{2,9}$/) region?: string;
  @ApiPropertyOptional({ description: '规则，逗号分隔', example: 'R01,R12' })
  @IsOptional() @Matches(LIST) rule?: string;
  @ApiPropertyOptional({ example: 'high' })
  @IsOptional() @Matches(LIST) severity?: string;
  @ApiPropertyOptional({ description: '状态，逗号分隔', example: 'new,assigned' })
  @IsOptional() @Matches(LIST) status?: string;
  @ApiPropertyOptional({ description: 'blue, yellow, red 或 none', example: 'yellow,red' })
  @IsOptional() @Matches(LIST) card?: string;
  @ApiPropertyOptional({ example: 'DIBAO' })
  @IsOptional() @Matches(LIST) program?: string;
  @ApiPropertyOptional({ description: '核查人员 id、me（我的）或 none（未分派）' })
  @IsOptional() @Matches(/^(\d{1,18}|me|none)$/) assignee?: string;
  @ApiPropertyOptional({ description: '涉及金额下限（元）' })
  @IsOptional() @Matches(YUAN) amountMin?: string;
  @ApiPropertyOptional({ description: '涉及金额上限（元）' })
  @IsOptional() @Matches(YUAN) amountMax?: string;
  @ApiPropertyOptional({ description: '发现日期起 YYYY-MM-DD' })
  @IsOptional() @Matches(DAY) from?: string;
  @ApiPropertyOptional({ description: '发现日期止 YYYY-MM-DD' })
  @IsOptional() @Matches(DAY) to?: string;
}

/** (The validation pipe hands controllers plain objects, so these are functions, not methods.) */
export function filtersOf(q: LeadQueryDto): LeadFilters {
  const list = (v?: string) => (v ? v.split(',').filter(Boolean) : undefined);
  return {
    region: q.region,
    rules: list(q.rule),
    severities: list(q.severity),
    statuses: list(q.status),
    cards: list(q.card),
    programs: list(q.program),
    assignee: q.assignee,
    amountMin: q.amountMin,
    amountMax: q.amountMax,
    from: q.from,
    to: q.to,
  };
}

export class LeadPageDto extends LeadQueryDto {
  @ApiPropertyOptional({ enum: ['due', 'amount', 'age', 'newest'], description: '按期限（默认）、涉及金额、最早发现或最新发现排序' })
  @IsOptional() @IsIn(['due', 'amount', 'age', 'newest']) sort?: 'due' | 'amount' | 'age' | 'newest';
  @ApiPropertyOptional({ description: '每页条数 1–200，默认 50' })
  @IsOptional() @Matches(/^([1-9]\d?|1\d\d|200)$/, { message: '参数 limit 应为正整数，不大于 200 (limit must be a positive integer ≤ 200)' }) limit?: string;
  @ApiPropertyOptional({ description: '上一页返回的 next' })
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,200}$/) cursor?: string;
}

export class LeadExportDto extends LeadQueryDto {
  @ApiPropertyOptional({ enum: ['id', 'due', 'amount', 'age', 'newest'], description: '默认按线索编号；也可按队列的排序' })
  @IsOptional() @IsIn(['id', 'due', 'amount', 'age', 'newest']) sort?: 'id' | 'due' | 'amount' | 'age' | 'newest';
}

export class StepDetailsDto {
  @ApiPropertyOptional({ description: '理由（查否、撤销预警牌必填）' })
  @IsOptional() @IsString() @MaxLength(2000) reason?: string;
  @ApiPropertyOptional({ description: '核查结论（查实必填）' })
  @IsOptional() @IsString() @MaxLength(5000) finding?: string;
  // Amounts are read by parseAmount (the rules of amounts in files, errors in Chinese), not by a pattern here.
  @ApiPropertyOptional({ description: '查实金额（元，查实必填；可带千分位，如 6,201.54）', example: '3,600.00' })
  @IsOptional() amountConfirmed?: string;
  @ApiPropertyOptional({ description: '查实金额超过线索证据合计时的理由（此时必填）' })
  @IsOptional() @IsString() @MaxLength(2000) amountReason?: string;
  @ApiPropertyOptional({ description: '本次收缴/追回金额（元，可带千分位）', example: '1,200.00' })
  @IsOptional() amountRecovered?: string;
  @ApiPropertyOptional({ description: '处置方式，可多选', enum: DISPOSALS, isArray: true })
  @IsOptional() @IsArray() @ArrayMaxSize(6) @IsIn(DISPOSALS as unknown as string[], { each: true }) disposals?: string[];
  @ApiPropertyOptional({ description: '分派给的核查人员 id' })
  @IsOptional() @Matches(/^\d{1,18}$/) assigneeId?: string;
  @ApiPropertyOptional({ description: '附件引用（文号、文件编号）', isArray: true, type: String })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(200, { each: true }) attachments?: string[];
}

export function detailsOf(d: StepDetailsDto): TransitionDetails {
  const fen = (v: string | undefined, field: string, label: string) => (v === undefined || v === null ? null : parseAmount(v, field, label));
  return {
    reason: d.reason,
    finding: d.finding,
    amountConfirmedFen: fen(d.amountConfirmed, 'amountConfirmed', '查实金额'),
    amountReason: d.amountReason,
    amountRecoveredFen: fen(d.amountRecovered, 'amountRecovered', '追回金额'),
    disposals: d.disposals,
    assigneeId: d.assigneeId,
    attachments: d.attachments,
  };
}

export class LeadActionDto extends StepDetailsDto {
  @ApiProperty({ enum: STEP_ACTIONS, description: '分派 assign、开始核查、查否 dismiss、查实 confirm、处置 dispose、开始整改、登记追回、整改完成 rectify、销号 close、撤销预警牌 clear-card' })
  @IsIn(STEP_ACTIONS) action: LeadAction;
}

export class BulkActionDto extends StepDetailsDto {
  @ApiProperty({ enum: ['assign', 'dismiss'] })
  @IsIn(['assign', 'dismiss']) action: 'assign' | 'dismiss';
  @ApiProperty({ type: [String], description: '线索编号，1–1000 条' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @Matches(/^\d{1,18}$/, { each: true }) leadIds: string[];
}

export class IssueNoticeDto {
  @ApiProperty({ enum: Object.keys(NOTICE_KINDS), description: 'warning 预警通知书, reminder 工作提醒书, rectification 整改建议书' })
  @IsIn(Object.keys(NOTICE_KINDS)) kind: NoticeKind;
  @ApiProperty({ description: '发文机关的行政区划', example: '421087' })
  @Matches(/^\d{2,9}$/) regionCode: string;
  @ApiProperty({ example: '松滋市民政局' })
  @IsString() @MinLength(1) @MaxLength(200) recipient: string;
  @ApiProperty({ example: '城乡低保资金发放中的问题' })
  @IsString() @MinLength(1) @MaxLength(200) subject: string;
  @ApiProperty()
  @IsString() @MinLength(1) @MaxLength(20000) body: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @Matches(/^\d{1,18}$/, { each: true }) leadIds?: string[];
  @ApiPropertyOptional({ description: '回复期限；默认按 config/deadlines.json 的 noticeAnswer 个工作日' })
  @IsOptional() @Matches(DAY) dueOn?: string;
}

export class AnswerNoticeDto {
  @ApiProperty({ description: '被通知单位的书面回复摘要' })
  @IsString() @MinLength(1) @MaxLength(20000) answer: string;
}

export class NoticeQueryDto {
  @ApiPropertyOptional({ enum: ['issued', 'answered'] })
  @IsOptional() @IsIn(['issued', 'answered']) status?: 'issued' | 'answered';
  @ApiPropertyOptional({ enum: ['true', 'false'], description: '只看逾期未回复的' })
  @IsOptional() @IsBooleanString() overdue?: string;
}

export class SweepDto {
  @ApiPropertyOptional({ description: '模拟某一天（YYYY-MM-DD）；默认今天' })
  @IsOptional() @Matches(DAY) today?: string;
  @ApiPropertyOptional({ description: '写入预警牌；默认只有今天的扫描写入，模拟某一天只返回将变化的预警牌' })
  @IsOptional() @IsBoolean() apply?: boolean;
}
