import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
import { csvCell, maskBankAccount, maskIdNumber, maskPersonalData, type Actor } from '@sunlight/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import {
  ATTACHMENT_KIND_LABELS,
  ATTACHMENT_KINDS,
  ATTACHMENT_MAX_BYTES,
  AttachToLead,
  AttachToLeadCommand,
  LeadAssignees,
  LeadAssigneesCommand,
  ListLeadAttachments,
  ReadLeadAttachment,
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
import { CurrentActor, Roles, SignedLinkable } from '../auth/access.js';
import { ListScopeInspectors, ListScopeInspectorsCommand } from '@sunlight/accounts';
import { RateLimit } from '../common/rate-limits.js';
import { AttachmentStorage, utf8Name, type UploadedAttachment } from './attachment-upload.js';
import { ErrorDto } from '../common/error.dto.js';
import { AssignableInspectorDto, BulkResultDto, LeadAttachmentDto, LeadDetailDto, LeadFacetsDto, LeadPageResponseDto, LeadRecordDto, LeadStateDto, ScopeInspectorDto } from './responses.js';
import { RevealsPersonalData } from '../common/masking.interceptor.js';
import { IdPipe } from '../common/whole-number.pipe.js';

class AttachmentDto {
  @ApiProperty({ enum: ATTACHMENT_KINDS, description: 'interview 谈话记录, rectification 整改报告, other 其他' })
  @IsIn(ATTACHMENT_KINDS, { message: `附件类型 kind 应为 ${ATTACHMENT_KINDS.map((k) => `${k}（${ATTACHMENT_KIND_LABELS[k]}）`).join('、')} 之一` })
  kind: string;
}

class AssigneesQueryDto {
  @ApiProperty({ description: '线索编号，逗号分隔（批量分派时为所选的全部线索）', example: '12,15' })
  @Matches(/^\d{1,18}(,\d{1,18}){0,999}$/, { message: 'leadIds 应为逗号分隔的线索编号，1–1000 个 (comma-separated lead ids)' })
  leadIds: string;
}

/** RFC 6266: an ASCII fallback and the UTF-8 name (Chinese file names survive every browser). */
function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

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
    private readonly attach: AttachToLead,
    private readonly listAttachments: ListLeadAttachments,
    private readonly readAttachment: ReadLeadAttachment,
    private readonly assignees: LeadAssignees,
    private readonly scopeInspectors: ListScopeInspectors,
  ) {}

  @Get()
  @Roles('inspector', 'supervisor', 'admin')
  @ApiOperation({ summary: '线索队列：按辖区、规则、严重程度、状态、预警牌、项目、核查人员、金额、日期筛选；按期限、金额、发现时间排序；游标翻页 (masked)' })
  @ApiOkResponse({ type: LeadPageResponseDto })
  list(@Query() query: LeadPageDto) {
    return this.searchLeads.execute(new SearchLeadsCommand(filtersOf(query), query.sort ?? 'due', Number(query.limit) || 50, query.cursor));
  }

  @Get('facets')
  @Roles('inspector', 'supervisor', 'admin')
  @ApiOperation({ summary: '线索队列各分面计数（状态、规则、预警牌、严重程度）' })
  @ApiOkResponse({ type: LeadFacetsDto })
  facets(@Query() query: LeadQueryDto) {
    return this.searchLeads.facets(filtersOf(query));
  }

  @Post('bulk')
  @Roles('inspector')
  @HttpCode(200)
  @ApiOperation({ summary: '批量分派或批量查否（同一理由）：全部成功或全部不变' })
  @ApiOkResponse({ type: BulkResultDto })
  bulk(@Body() body: BulkActionDto) {
    return this.transitionLead.bulk(new BulkTransitionCommand(body.leadIds, body.action, detailsOf(body)));
  }

  @Post(':id/actions')
  @Roles('inspector')
  @HttpCode(200)
  @ApiOperation({ summary: '线索处置流程的一步：分派、核查、查否、查实、处置、整改、追回、销号、撤销预警牌；不允许的步骤答 409 并列出可执行的步骤' })
  @ApiOkResponse({ type: LeadStateDto })
  @ApiResponse({ status: 409, type: ErrorDto, description: '当前状态不能执行此步骤；allowed 列出可以执行的步骤' })
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
    const ruleName = new Map(this.rules.definitions().map((r) => [r.code, r.name.zh]));
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

  @Get('inspectors')
  @Roles('inspector', 'supervisor', 'admin')
  @ApiOperation({ summary: '本辖区相关的核查人员（辖区在本辖区内或覆盖本辖区）：线索队列“核查人员”筛选的选项' })
  @ApiOkResponse({ type: [ScopeInspectorDto] })
  inspectors(@CurrentActor() actor: Actor) {
    return this.scopeInspectors.execute(new ListScopeInspectorsCommand(actor.scope ?? ''));
  }

  @Get('assignees')
  @Roles('inspector')
  @ApiOperation({ summary: '可分派人员：辖区覆盖所选全部线索的在岗核查人员（按姓名选择分派对象）' })
  @ApiOkResponse({ type: [AssignableInspectorDto] })
  assigneesOf(@Query() query: AssigneesQueryDto) {
    return this.assignees.execute(new LeadAssigneesCommand(query.leadIds.split(',')));
  }

  @Get(':id/assignees')
  @Roles('inspector')
  @ApiOperation({ summary: '这条线索的可分派人员：辖区覆盖线索所在地的在岗核查人员' })
  @ApiOkResponse({ type: [AssignableInspectorDto] })
  assigneesOfLead(@Param('id', new IdPipe()) id: string) {
    return this.assignees.execute(new LeadAssigneesCommand([id]));
  }

  @Post(':id/attachments')
  @Roles('inspector')
  @RateLimit('upload')
  @UseInterceptors(FileInterceptor('file', { storage: new AttachmentStorage() }))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file', 'kind'], properties: { file: { type: 'string', format: 'binary', description: `PDF、PNG 或 JPEG，最大 ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB（按文件内容判断类型）` }, kind: { type: 'string', enum: ATTACHMENT_KINDS } } } })
  @ApiOperation({ summary: '上传附件（谈话记录、整改报告、其他）：PDF、PNG 或 JPEG，最大 10 MB，按文件内容判断类型；记入审计' })
  @ApiCreatedResponse({ type: LeadAttachmentDto })
  @ApiResponse({ status: 422, type: ErrorDto, description: '文件为空、类型不符或附件类型不对：中文说明，指明文件' })
  @ApiResponse({ status: 413, type: ErrorDto, description: '文件超过 10 MB' })
  async upload(@Param('id', new IdPipe()) id: string, @UploadedFile() file: UploadedAttachment | undefined, @Body() body: AttachmentDto) {
    if (!file) throw new BadRequestException('缺少文件字段 file (multipart field "file" is required)');
    return this.attach.execute(new AttachToLeadCommand(id, body.kind, utf8Name(file.originalname), file.content.bytes));
  }

  @Get(':id/attachments')
  @Roles('inspector', 'supervisor', 'admin')
  @ApiOperation({ summary: '线索的附件（不含内容）' })
  @ApiOkResponse({ type: [LeadAttachmentDto] })
  attachments(@Param('id', new IdPipe()) id: string) {
    return this.listAttachments.execute(id);
  }

  @Get(':id/attachments/:attachmentId')
  @Roles('inspector', 'supervisor', 'admin')
  @SignedLinkable()
  @ApiProduces('application/pdf', 'image/png', 'image/jpeg')
  @ApiOkResponse({ description: '附件内容（下载；记入审计）', schema: { type: 'string', format: 'binary' } })
  @ApiOperation({ summary: '下载附件（Content-Disposition: attachment）；浏览器中用 POST /api/links 取得签名链接打开' })
  async download(@Param('id', new IdPipe()) id: string, @Param('attachmentId', new IdPipe()) attachmentId: string, @Res() res: Response) {
    const attachment = await this.readAttachment.execute(id, attachmentId);
    // Written here, not returned: the masking interceptor is for JSON, not for a file's bytes.
    res.setHeader('Content-Type', attachment.media_type);
    res.setHeader('Content-Disposition', contentDisposition(attachment.file_name));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Length', String(attachment.content.length));
    res.end(attachment.content);
  }

  @Get(':id')
  @Roles('inspector', 'supervisor', 'admin')
  @ApiOperation({ summary: '线索详情：证据、比对库事实（中文字段）、处置记录、可执行的步骤、附件 (masked)' })
  @ApiOkResponse({ type: LeadDetailDto })
  get(@Param('id', new IdPipe()) id: string) {
    return this.getLead.execute(id);
  }

  @Post(':id/reveal')
  @Roles('inspector', 'supervisor', 'admin')
  @HttpCode(200)
  @RevealsPersonalData()
  @ApiOperation({ summary: '查看完整身份证号和银行账号：须说明理由，记入审计' })
  @ApiOkResponse({ type: LeadRecordDto })
  reveal(@Param('id', new IdPipe()) id: string, @Body() body: RevealDto) {
    return this.getLead.reveal(id, body.reason);
  }
}
