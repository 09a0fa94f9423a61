import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

const FREQUENCIES = ['daily', 'weekly', 'off'] as const;
const KINDS = ['scheduled', 'alert', 'manual'] as const;
const STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped', 'not-configured'] as const;
const COUNTS = { type: 'object', additionalProperties: { type: 'integer' } } as const;
const INSTANT = { type: 'string', format: 'date-time' } as const;

/** PUT /api/digests/settings: what changes (anything left out stays). */
export class DigestSettingsPatchDto {
  @ApiPropertyOptional({ enum: FREQUENCIES, description: '每天、每周或不发' })
  @IsOptional() @IsIn(FREQUENCIES, { message: 'frequency 应为 daily、weekly 或 off' }) frequency?: (typeof FREQUENCIES)[number];
  @ApiPropertyOptional({ description: '每周发送日：1 周一 … 7 周日', minimum: 1, maximum: 7 })
  @IsOptional() @IsInt({ message: 'weekday 应为 1（周一）至 7（周日）的整数' }) @Min(1, { message: 'weekday 应为 1（周一）至 7（周日）' }) @Max(7, { message: 'weekday 应为 1（周一）至 7（周日）' }) weekday?: number;
  @ApiPropertyOptional({ description: '发送时刻（北京时间，时）0–23', example: 8, minimum: 0, maximum: 23 })
  @IsOptional() @IsInt({ message: 'hour 应为 0 至 23 的整数' }) @Min(0, { message: 'hour 应为 0 至 23' }) @Max(23, { message: 'hour 应为 0 至 23' }) hour?: number;
  @ApiPropertyOptional({ description: '无新情况时也发一句“本期无新情况”' })
  @IsOptional() @IsBoolean({ message: 'sendEmpty 应为 true 或 false' }) sendEmpty?: boolean;
  @ApiPropertyOptional({ description: '红牌、应改未改即时提醒（每小时至多一次）' })
  @IsOptional() @IsBoolean({ message: 'alerts 应为 true 或 false' }) alerts?: boolean;
  @ApiPropertyOptional({ description: '同时推送到工作群 webhook' })
  @IsOptional() @IsBoolean({ message: 'webhook 应为 true 或 false' }) webhook?: boolean;
}

export class DigestSettingsDto {
  @ApiProperty({ enum: FREQUENCIES, description: '每天、每周或不发' }) frequency: (typeof FREQUENCIES)[number];
  @ApiProperty({ description: '每周发送日：1 周一 … 7 周日' }) weekday: number;
  @ApiProperty({ description: '发送时刻（北京时间，时）' }) hour: number;
  @ApiProperty({ description: '无新情况时也发送' }) sendEmpty: boolean;
  @ApiProperty({ description: '红牌、应改未改即时提醒' }) alerts: boolean;
  @ApiProperty({ description: '同时推送到工作群' }) webhook: boolean;
}

export class DigestRegionCountDto {
  @ApiProperty({ example: '421087' }) region: string;
  @ApiProperty({ example: '松滋市' }) name: string;
  @ApiProperty() count: number;
}

export class DigestOverdueRegionDto {
  @ApiProperty({ example: '421087' }) region: string;
  @ApiProperty({ example: '松滋市' }) name: string;
  @ApiProperty() overdue: number;
}

export class DigestNoticeDto {
  @ApiProperty({ example: '松滋市纪预〔2026〕1号' }) number: string;
  @ApiProperty() recipient: string;
  @ApiProperty({ example: '2026-03-01' }) due_on: string;
}

export class DigestYearDto {
  @ApiProperty({ example: '2026-01-01' }) from: string;
  @ApiProperty({ example: '2026-03-15' }) to: string;
  @ApiProperty() raised: number;
  @ApiProperty() confirmed: number;
  @ApiProperty() rectified: number;
  @ApiProperty({ type: 'number', nullable: true, description: '整改率 0–1' }) rectificationRate: number | null;
  @ApiProperty({ description: '涉及金额（元）', example: '1610.00' }) amountAtRisk: string;
  @ApiProperty({ description: '查实金额（元）' }) amountConfirmed: string;
  @ApiProperty({ description: '追回金额（元）' }) amountRecovered: string;
}

export class DigestTrendDto {
  @ApiProperty({ description: '发现月份 YYYY-MM', example: '2026-03' }) month: string;
  @ApiPropertyOptional({ description: '当月发现线索（早期摘要无此项）' }) raised?: number;
  @ApiPropertyOptional({ description: '其中查实（早期摘要无此项）' }) confirmed?: number;
  @ApiProperty({ type: 'number', nullable: true, description: '整改率 0–1；无查实时为 null' }) rate: number | null;
}

export class DigestAnchorDto {
  @ApiProperty() eventId: string;
  @ApiProperty() hash: string;
  @ApiProperty(INSTANT) at: string;
  @ApiProperty() mac: string;
}

export class DigestFiguresDto {
  @ApiProperty({ example: '421087' }) regionCode: string;
  @ApiProperty({ example: '松滋市' }) regionName: string;
  @ApiProperty(INSTANT) since: string;
  @ApiProperty(INSTANT) until: string;
  @ApiProperty({ description: '本期新增线索' }) newLeads: number;
  @ApiProperty({ ...COUNTS, description: '本期新增线索按规则' }) newByRule: Record<string, number>;
  @ApiProperty({ type: [DigestRegionCountDto], description: '本期新增线索按县' }) newByRegion: DigestRegionCountDto[];
  @ApiProperty({ description: '本期新亮黄牌' }) yellowCards: number;
  @ApiProperty({ description: '本期新亮红牌' }) redCards: number;
  @ApiProperty({ description: '本期应改未改（R12）' }) repeats: number;
  @ApiProperty({ type: [DigestNoticeDto], description: '逾期未回复的文书' }) overdueNotices: DigestNoticeDto[];
  @ApiProperty({ type: DigestYearDto, description: '本年度累计' }) yearToDate: DigestYearDto;
  @ApiProperty({ type: [DigestTrendDto], description: '近 6 个月（每个月都在，无线索的为 0）' }) rateTrend: DigestTrendDto[];
  @ApiProperty({ type: [DigestOverdueRegionDto], description: '逾期线索最多的县' }) mostOverdue: DigestOverdueRegionDto[];
  @ApiProperty({ type: [String], description: '摘要列出的线索' }) leadIds: string[];
  @ApiProperty({ type: DigestAnchorDto, nullable: true, description: '审计锚点' }) auditAnchor: DigestAnchorDto | null;
}

export class DigestChartDto {
  @ApiProperty({ description: '邮件中 SVG 的 Content-ID' }) cid: string;
  @ApiProperty({ description: '邮件中 PNG 的 Content-ID' }) pngCid: string;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'SVG 原文' }) svg: string;
}

export class DigestPreviewDto {
  @ApiProperty() subject: string;
  @ApiProperty({ description: '纯文本正文' }) text: string;
  @ApiProperty({ description: '邮件 HTML（图表以 cid: 引用）' }) html: string;
  @ApiProperty({ description: '浏览器中显示的 HTML：图表已内嵌，可放入 iframe srcdoc' }) browserHtml: string;
  @ApiProperty({ type: [DigestChartDto] }) charts: DigestChartDto[];
  @ApiProperty({ type: DigestFiguresDto }) figures: DigestFiguresDto;
  @ApiProperty({ description: '本期无新情况' }) empty: boolean;
}

export class DigestListItemDto {
  @ApiProperty() id: string;
  @ApiProperty() user_id: string;
  @ApiProperty() username: string;
  @ApiProperty({ enum: KINDS, description: '定期摘要、即时预警或手动发送（名称见 /api/labels 的 digestKind）' }) kind: (typeof KINDS)[number];
  @ApiProperty({ description: '期次：定期为日期，预警为小时' }) period_key: string;
  @ApiProperty(INSTANT) period_start: Date;
  @ApiProperty(INSTANT) period_end: Date;
  @ApiProperty({ type: 'string', nullable: true, description: '收件邮箱' }) recipient: string | null;
  @ApiProperty() subject: string;
  @ApiProperty({ description: '本期无新情况' }) empty: boolean;
  @ApiProperty({ enum: STATUSES, description: '发送状态（名称见 /api/labels 的 digestStatus）' }) status: (typeof STATUSES)[number];
  @ApiProperty({ description: '已尝试发送次数' }) attempts: number;
  @ApiProperty({ type: 'string', nullable: true, description: '最近一次失败原因' }) last_error: string | null;
  @ApiProperty({ ...INSTANT, nullable: true }) sent_at: Date | null;
  @ApiProperty({ type: 'string', nullable: true, description: '工作群推送结果' }) webhook_status: string | null;
  @ApiProperty(INSTANT) created_at: Date;
}

export class DigestDetailDto {
  @ApiProperty() id: string;
  @ApiProperty() user_id: string;
  @ApiProperty({ enum: KINDS }) kind: (typeof KINDS)[number];
  @ApiProperty() period_key: string;
  @ApiProperty(INSTANT) period_start: Date;
  @ApiProperty(INSTANT) period_end: Date;
  @ApiProperty({ type: 'string', nullable: true }) recipient: string | null;
  @ApiProperty() subject: string;
  @ApiProperty() text_body: string;
  @ApiProperty() html_body: string;
  @ApiProperty({ description: '浏览器中显示的 HTML：图表已内嵌' }) browser_html: string;
  @ApiProperty({ type: DigestFiguresDto }) figures: DigestFiguresDto;
  @ApiProperty() empty: boolean;
  @ApiProperty({ enum: STATUSES }) status: (typeof STATUSES)[number];
  @ApiProperty() attempts: number;
  @ApiProperty({ type: 'string', nullable: true }) last_error: string | null;
  @ApiProperty({ ...INSTANT, nullable: true }) sent_at: Date | null;
  @ApiProperty({ type: 'string', nullable: true }) message_id: string | null;
  @ApiProperty({ type: 'string', nullable: true }) webhook_status: string | null;
  @ApiProperty(INSTANT) created_at: Date;
}

export class DigestSentDto {
  @ApiProperty({ description: '新摘要的编号' }) digestId: string;
}
