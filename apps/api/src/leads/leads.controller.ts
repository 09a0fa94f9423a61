import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { csvCell, maskBankAccount, maskIdNumber, maskPersonalData } from '@sunlight/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import {
  BulkTransitionCommand,
  CARD_LABELS,
  GetLead,
  SEVERITY_LABELS,
  SearchLeads,
  SearchLeadsCommand,
  TransitionLead,
  TransitionLeadCommand,
  statusLabel,
  type LeadOutcome,
  type LeadStatus,
  type Severity,
  type WarningCard,
} from '@sunlight/leads';
import { RuleCatalogue } from '@sunlight/rules';
import { BulkActionDto, detailsOf, filtersOf, LeadActionDto, LeadExportDto, LeadPageDto, LeadQueryDto } from './dto.js';
import { Roles, SignedLinkable } from '../auth/access.js';
import { RevealsPersonalData } from '../common/masking.interceptor.js';
import { IdPipe } from '../common/whole-number.pipe.js';

class RevealDto {
  @ApiProperty({ description: '查看完整身份证号和账号的理由（记入审计）' })
  @IsString()
  @MinLength(4)
  @MaxLength(500)
  reason: string;
}

@ApiTags('leads')
@ApiBearerAuth()
@Controller('api/leads')
export class LeadsController {
  constructor(
    private readonly searchLeads: SearchLeads,
    private readonly transitionLead: TransitionLead,
    private readonly getLead: GetLead,
    private readonly rules: RuleCatalogue,
  ) {}

  @Get()
  @Roles('inspector', 'supervisor', 'admin')
  @ApiOperation({ summary: '线索队列：按辖区、规则、严重程度、状态、预警牌、项目、核查人员、金额、日期筛选；按期限、金额、发现时间排序；游标翻页 (masked)' })
  list(@Query() query: LeadPageDto) {
    return this.searchLeads.execute(new SearchLeadsCommand(filtersOf(query), query.sort ?? 'due', Number(query.limit) || 50, query.cursor));
  }

  @Get('facets')
  @Roles('inspector', 'supervisor', 'admin')
  @ApiOperation({ summary: '线索队列各分面计数（状态、规则、预警牌、严重程度）' })
  facets(@Query() query: LeadQueryDto) {
    return this.searchLeads.facets(filtersOf(query));
  }

  @Post('bulk')
  @Roles('inspector')
  @HttpCode(200)
  @ApiOperation({ summary: '批量分派或批量查否（同一理由）：全部成功或全部不变' })
  bulk(@Body() body: BulkActionDto) {
    return this.transitionLead.bulk(new BulkTransitionCommand(body.leadIds, body.action, detailsOf(body)));
  }

  @Post(':id/actions')
  @Roles('inspector')
  @HttpCode(200)
  @ApiOperation({ summary: '线索处置流程的一步：分派、核查、查否、查实、处置、整改、追回、销号、撤销预警牌；不允许的步骤答 409 并列出可执行的步骤' })
  act(@Param('id', new IdPipe()) id: string, @Body() body: LeadActionDto) {
    return this.transitionLead.execute(new TransitionLeadCommand(id, body.action, detailsOf(body)));
  }

  @Get('export.csv')
  @Roles('inspector', 'supervisor', 'admin')
  @SignedLinkable()
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV（UTF-8 带 BOM）', schema: { type: 'string' } })
  @ApiOperation({ summary: '导出本辖区线索为 CSV（筛选条件同线索队列，默认按线索编号；Excel 可直接打开；身份证号、账号打码；防公式注入）。浏览器中用 POST /api/links 取得签名链接打开' })
  async exportCsv(@Query() query: LeadExportDto, @Res() res: Response) {
    const filters = filtersOf(query);
    const sort = query.sort ?? 'id';
    // The first page before any header: a filter outside the scope answers 404/422, not a broken file.
    let page = await this.searchLeads.execute(new SearchLeadsCommand(filters, sort, 200));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="leads.csv"');
    res.write('\uFEFF线索编号,规则,严重程度,状态,姓名,身份证号,项目,期间,银行账号,行政区划,涉及金额(元),预警牌,期限,说明\r\n');
    const ruleName = new Map(this.rules.all().map((r) => [r.code, r.name.zh]));
    for (;;) {
      const lines = page.items.map((l) => {
        // People's words for the codes, as the console shows them; the CLI's export keeps the codes.
        const cells = [l.id, `${l.rule} ${ruleName.get(l.rule) ?? ''}`, SEVERITY_LABELS[l.severity as Severity], statusLabel(l.status as LeadStatus, l.outcome as LeadOutcome | null), l.name, maskIdNumber(l.id_number), l.program_code, l.period, maskBankAccount(l.bank_account), l.region_code, l.amount_at_risk, l.card ? CARD_LABELS[l.card as WarningCard] : null, l.due_on, maskPersonalData(l.explanation)];
        return cells.map((c) => csvCell(c === null || c === undefined ? '' : String(c))).join(',') + '\r\n';
      });
      if (lines.length) res.write(lines.join(''));
      if (!page.next) break;
      page = await this.searchLeads.execute(new SearchLeadsCommand(filters, sort, 200, page.next));
    }
    res.end();
  }

  @Get(':id')
  @Roles('inspector', 'supervisor', 'admin')
  @ApiOperation({ summary: '线索详情：证据、比对库事实、处置记录 (masked)' })
  get(@Param('id', new IdPipe()) id: string) {
    return this.getLead.execute(id);
  }

  @Post(':id/reveal')
  @Roles('inspector', 'supervisor', 'admin')
  @HttpCode(200)
  @RevealsPersonalData()
  @ApiOperation({ summary: '查看完整身份证号和银行账号：须说明理由，记入审计' })
  reveal(@Param('id', new IdPipe()) id: string, @Body() body: RevealDto) {
    return this.getLead.reveal(id, body.reason);
  }
}
