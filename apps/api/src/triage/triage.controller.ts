import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditLog, parseCheckpoint } from '@sunlight/audit';
import { AnswerNoticeCommand, IssueNoticeCommand, Notices, SweepCards, SweepCardsCommand } from '@sunlight/leads';
import { AuditVerifyDto } from '../admin/audit.dto.js';
import { Roles, SignedLinkable } from '../auth/access.js';
import { AnswerNoticeDto, IssueNoticeDto, NoticeQueryDto, SweepDto } from '../leads/dto.js';
import { IdPipe } from '../common/whole-number.pipe.js';
import { NoticeDto } from '../leads/responses.js';

@ApiTags('notices')
@ApiBearerAuth()
@Controller('api/notices')
export class NoticesController {
  constructor(private readonly notices: Notices) {}

  @Get()
  @Roles('inspector', 'supervisor', 'admin')
  @ApiOperation({ summary: '三书（预警通知书、工作提醒书、整改建议书）：本辖区，最新在前；可只看未回复或逾期的' })
  @ApiOkResponse({ type: [NoticeDto] })
  list(@Query() query: NoticeQueryDto) {
    return this.notices.list({ status: query.status, overdue: query.overdue === 'true' });
  }

  @Post()
  @Roles('inspector')
  @ApiOperation({ summary: '制发文书：按发文地区、种类、年度编号，如 松滋市纪预〔2026〕1号' })
  @ApiCreatedResponse({ type: NoticeDto })
  issue(@Body() body: IssueNoticeDto) {
    return this.notices.issue(new IssueNoticeCommand(body.kind, body.regionCode, body.recipient, body.subject, body.body, body.leadIds ?? [], body.dueOn));
  }

  @Get(':id')
  @Roles('inspector', 'supervisor', 'admin')
  @ApiOperation({ summary: '文书详情与回复情况' })
  @ApiOkResponse({ type: NoticeDto })
  get(@Param('id', new IdPipe()) id: string) {
    return this.notices.get(id);
  }

  @Get(':id/print')
  @Roles('inspector', 'supervisor', 'admin')
  @SignedLinkable()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiProduces('text/html')
  @ApiOperation({ summary: '可打印的文书（A4 HTML，浏览器打印或存为 PDF）；浏览器中用 POST /api/links 取得签名链接在新标签页打开' })
  @ApiOkResponse({ description: 'A4 HTML', schema: { type: 'string' } })
  print(@Param('id', new IdPipe()) id: string) {
    return this.notices.render(id);
  }

  @Post(':id/answer')
  @Roles('inspector')
  @HttpCode(200)
  @ApiOperation({ summary: '登记被通知单位的回复' })
  @ApiOkResponse({ type: NoticeDto })
  answer(@Param('id', new IdPipe()) id: string, @Body() body: AnswerNoticeDto) {
    return this.notices.answer(new AnswerNoticeCommand(id, body.answer));
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/admin')
export class TriageAdminController {
  constructor(
    private readonly sweepCards: SweepCards,
    private readonly audit: AuditLog,
  ) {}

  @Post('cards/sweep')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: '立即执行预警牌扫描（每日自动执行）；可模拟某一天：只返回将变化的预警牌，apply: true 才写入' })
  sweep(@Body() body: SweepDto) {
    return this.sweepCards.execute(new SweepCardsCommand(body.today, body.apply));
  }

  @Get('audit/verify')
  @Roles('admin')
  @ApiQuery({ name: 'checkpoint', required: false, description: '摘要页脚“审计锚点”所印的 事件编号:摘要 (EVENT_ID:HASH)' })
  @ApiOperation({ summary: '校验审计链的签名与检查点：任何事件被改动、删除，或链尾被截断，都会被发现（ok: false 并列出问题）' })
  @ApiOkResponse({ type: AuditVerifyDto })
  verify(@Query('checkpoint') checkpoint?: string) {
    return this.audit.verify(checkpoint ? [parseCheckpoint(checkpoint)] : []);
  }
}
