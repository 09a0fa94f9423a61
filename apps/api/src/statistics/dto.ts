import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const FEN = { type: 'string', example: '123456', description: '金额（分，整数）' } as const;
const COUNTS = { type: 'object', additionalProperties: { type: 'integer' } } as const;

// ── queries ──────────────────────────────────────────────────────────────

/** GET /api/statistics: a region (default the whole scope) and a period, both days required. */
export class StatisticsQueryDto {
  @ApiPropertyOptional({ description: '行政区划代码（本辖区内）；默认整个辖区', example: '421087' })
  @IsOptional() @Matches(/^\d{2,9}$/, { message: 'region 应为 2–9 位行政区划代码' }) region?: string;
  @ApiProperty({ description: '发现日期起 YYYY-MM-DD', example: '2026-01-01' })
  @Matches(DAY, { message: 'from 应为日期 YYYY-MM-DD' }) from: string;
  @ApiProperty({ description: '发现日期止 YYYY-MM-DD', example: '2026-12-31' })
  @Matches(DAY, { message: 'to 应为日期 YYYY-MM-DD' }) to: string;
}

/** The dashboard, the statistics table and the workbook: a period defaulting to this year. */
export class FiguresQueryDto {
  @ApiPropertyOptional({ description: '行政区划代码（本辖区内，用于逐级下钻）；默认整个辖区', example: '421087' })
  @IsOptional() @Matches(/^\d{2,9}$/, { message: 'region 应为 2–9 位行政区划代码' }) region?: string;
  @ApiPropertyOptional({ description: '发现日期起 YYYY-MM-DD；默认今年 1 月 1 日', example: '2026-01-01' })
  @IsOptional() @Matches(DAY, { message: 'from 应为日期 YYYY-MM-DD' }) from?: string;
  @ApiPropertyOptional({ description: '发现日期止 YYYY-MM-DD；默认今天', example: '2026-12-31' })
  @IsOptional() @Matches(DAY, { message: 'to 应为日期 YYYY-MM-DD' }) to?: string;
}

// ── GET /api/statistics ──────────────────────────────────────────────────

export class StatisticsCardsDto {
  @ApiProperty({ description: '蓝牌（未办结）' }) blue: number;
  @ApiProperty({ description: '黄牌（未办结）' }) yellow: number;
  @ApiProperty({ description: '红牌（未办结）' }) red: number;
}

export class LeadStatisticsDto {
  @ApiProperty({ description: '行政区划代码；空串为整个辖区（全国）' }) regionCode: string;
  @ApiProperty({ example: '2026-01-01' }) from: string;
  @ApiProperty({ example: '2026-12-31' }) to: string;
  @ApiProperty({ description: '发现线索' }) raised: number;
  @ApiProperty({ description: '已核查（查实或查否）' }) verified: number;
  @ApiProperty({ description: '查实' }) confirmed: number;
  @ApiProperty({ description: '查否' }) dismissed: number;
  @ApiProperty({ description: '已整改' }) rectified: number;
  @ApiProperty({ type: 'number', nullable: true, description: '整改率 0–1（查实线索中已整改的比例）；无查实时为 null' }) rectificationRate: number | null;
  @ApiProperty({ ...COUNTS, description: '各处置方式的线索数（函询、谈话 …）' }) disposals: Record<string, number>;
  @ApiProperty({ description: '涉及金额（元，两位小数）', example: '1610.00' }) amountAtRisk: string;
  @ApiProperty({ description: '查实金额（元，两位小数）', example: '1250.00' }) amountConfirmed: string;
  @ApiProperty({ description: '追回金额（元，两位小数）', example: '650.00' }) amountRecovered: string;
  @ApiProperty({ type: StatisticsCardsDto, description: '未办结线索所持预警牌' }) overdue: StatisticsCardsDto;
  @ApiProperty({ ...COUNTS, description: '各当前状态的线索数' }) byStatus: Record<string, number>;
}

// ── figures of the dashboard and the table ───────────────────────────────

export class CardCountsDto {
  @ApiProperty({ description: '蓝牌（临近期限）' }) blue: number;
  @ApiProperty({ description: '黄牌（已逾期）' }) yellow: number;
  @ApiProperty({ description: '红牌（严重逾期）' }) red: number;
  @ApiProperty({ description: '三色合计' }) total: number;
}

export class FiguresDto {
  @ApiProperty({ description: '发现线索' }) raised: number;
  @ApiProperty({ description: '已核查（查实或查否）' }) verified: number;
  @ApiProperty({ description: '查实' }) confirmed: number;
  @ApiProperty({ description: '查否' }) dismissed: number;
  @ApiProperty({ description: '已整改' }) rectified: number;
  @ApiProperty({ type: 'number', nullable: true, description: '整改率 0–1；无查实时为 null' }) rectificationRate: number | null;
  @ApiProperty({ ...FEN, description: '涉及金额（分）' }) amountAtRiskFen: string;
  @ApiProperty({ ...FEN, description: '查实金额（分）' }) amountConfirmedFen: string;
  @ApiProperty({ ...FEN, description: '收缴/追回金额（分）' }) amountRecoveredFen: string;
  @ApiProperty({ type: CardCountsDto, description: '未办结线索所持预警牌' }) overdue: CardCountsDto;
}

export class NamedRegionDto {
  @ApiProperty({ description: '行政区划代码；空串为全国', example: '421087' }) code: string;
  @ApiProperty({ example: '松滋市' }) name: string;
}

export class FiguresRegionDto extends NamedRegionDto {
  @ApiProperty({ description: '有下级地区可下钻（乡镇没有）' }) drillable: boolean;
}

export class RegionRowDto extends FiguresDto {
  @ApiProperty({ description: '下级行政区划代码', example: '421087' }) code: string;
  @ApiProperty({ example: '松滋市' }) name: string;
  @ApiProperty({ description: '本级：记在该地区本身、不属任何下级的线索' }) own: boolean;
  @ApiProperty({ description: '有下级地区可下钻' }) drillable: boolean;
}

export class RegionTableDto {
  @ApiProperty({ type: FiguresRegionDto }) region: FiguresRegionDto;
  @ApiProperty({ type: [NamedRegionDto], description: '从本辖区到所选地区的路径（面包屑）' }) path: NamedRegionDto[];
  @ApiProperty({ example: '2026-01-01' }) from: string;
  @ApiProperty({ example: '2026-12-31' }) to: string;
  @ApiProperty({ type: FiguresDto, description: '合计（指标卡）' }) totals: FiguresDto;
  @ApiProperty({ type: [RegionRowDto], description: '每个下级地区（无线索的为 0），按代码；其后为本级' }) rows: RegionRowDto[];
}

export class RuleRowDto extends FiguresDto {
  @ApiProperty({ example: 'R01' }) rule: string;
  @ApiProperty({ example: '已故人员领取' }) name: string;
}

export class MonthRowDto extends FiguresDto {
  @ApiProperty({ description: '发现月份 YYYY-MM', example: '2026-03' }) month: string;
}

export class DashboardDto extends RegionTableDto {
  @ApiProperty({ type: [RuleRowDto], description: '按规则（有线索的规则）' }) byRule: RuleRowDto[];
  @ApiProperty({ type: [MonthRowDto], description: '按月份：期间内每个月，无线索的月份为 0' }) byMonth: MonthRowDto[];
  @ApiProperty({ type: [RegionRowDto], description: '下级地区按预警（逾期）线索数排名' }) ranking: RegionRowDto[];
}
