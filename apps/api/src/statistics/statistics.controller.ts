import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { LeadStatistics, LeadStatisticsCommand } from '@sunlight/leads';
import { Dashboard, DashboardCommand, RegionTableCommand, RegionTableQuery, StatisticsWorkbook, StatisticsWorkbookCommand } from '@sunlight/statistics';
import { Roles, SignedLinkable } from '../auth/access.js';
import { DashboardDto, FiguresQueryDto, LeadStatisticsDto, RegionTableDto, StatisticsQueryDto } from './dto.js';

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

@ApiTags('statistics')
@ApiBearerAuth()
@Controller('api/statistics')
export class StatisticsController {
  constructor(
    private readonly statistics: LeadStatistics,
    private readonly table: RegionTableQuery,
    private readonly workbook: StatisticsWorkbook,
  ) {}

  @Get()
  @Roles('inspector', 'supervisor', 'admin')
  @ApiOkResponse({ type: LeadStatisticsDto })
  @ApiOperation({ summary: '统计：期间内发现的线索的核查、查实、查否、处置方式、整改率、涉及/查实/追回金额、预警牌' })
  get(@Query() query: StatisticsQueryDto): Promise<LeadStatisticsDto> {
    return this.statistics.execute(new LeadStatisticsCommand(query.region ?? null, query.from, query.to));
  }

  @Get('regions')
  @Roles('inspector', 'supervisor', 'admin')
  @ApiOkResponse({ type: RegionTableDto })
  @ApiOperation({ summary: '统计报表：期间内发现的线索，按下级地区分列并合计（与导出的 Excel 相同）' })
  regions(@Query() query: FiguresQueryDto): Promise<RegionTableDto> {
    return this.table.execute(new RegionTableCommand(query.region ?? null, query.from ?? null, query.to ?? null));
  }

  @Get('export.xlsx')
  @Roles('inspector', 'supervisor', 'admin')
  @SignedLinkable()
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ description: 'Excel 工作簿：按地区、按规则、按月份、处置与状态；金额以元计、两位小数', schema: { type: 'string', format: 'binary' } })
  @ApiOperation({ summary: '导出统计报表为 Excel（任意期间）；浏览器可凭签名链接（POST /api/links）直接下载' })
  async export(@Query() query: FiguresQueryDto, @Res() res: Response): Promise<void> {
    const file = await this.workbook.execute(new StatisticsWorkbookCommand(query.region ?? null, query.from ?? null, query.to ?? null));
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', attachment(file.filename));
    res.setHeader('Cache-Control', 'no-store');
    await file.write(res);
  }
}

@ApiTags('statistics')
@ApiBearerAuth()
@Controller('api/dashboard')
export class DashboardController {
  constructor(private readonly dashboard: Dashboard) {}

  @Get()
  @Roles('inspector', 'supervisor', 'admin')
  @ApiOkResponse({ type: DashboardDto })
  @ApiOperation({ summary: '监督看板：指标卡、按规则 / 下级地区（逐级下钻）/ 月份的分布、下级地区逾期排名；期间默认今年' })
  get(@Query() query: FiguresQueryDto): Promise<DashboardDto> {
    return this.dashboard.execute(new DashboardCommand(query.region ?? null, query.from ?? null, query.to ?? null));
  }
}
