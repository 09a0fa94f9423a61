import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UploadedFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { GetImport, ListBatches, ListBatchesCommand, Rejections, SubmitBatchUploadCommand, SubmitUpload } from '@sunlight/ingestion';
import type { Actor } from '@sunlight/common';
import { CurrentActor, Roles, SignedLinkable } from '../auth/access.js';
import { RateLimit } from '../common/rate-limits.js';
import { UploadedFileField, missingFile, originalName, type UploadedFileInfo } from '../common/uploads.js';
import { BATCH_UPLOAD_FIELDS, UploadBatchDto, multipartFile } from './dto.js';
import { IdPipe, afterRow, beforeId, pageSize } from '../common/whole-number.pipe.js';
import { ImportListQuery, importFilters } from './import-query.js';
import { BatchAcceptedDto, BatchDto, BatchPageDto, RejectionPageDto } from './responses.js';

@ApiTags('batches')
@ApiBearerAuth()
@Controller('api/batches')
export class BatchesController {
  constructor(
    private readonly listBatches: ListBatches,
    private readonly submit: SubmitUpload,
    private readonly imports: GetImport,
    private readonly rejections: Rejections,
  ) {}

  @Get()
  @Roles('uploader', 'inspector', 'supervisor', 'admin')
  @ApiOperation({ summary: '发放批次列表 (batches in your region, newest first)' })
  @ImportListQuery()
  @ApiOkResponse({ type: BatchPageDto })
  list(
    @CurrentActor() actor: Actor,
    @Query('limit', pageSize()) limit: number,
    @Query('before', beforeId()) before?: string,
    @Query('status') status?: string,
    @Query('fileName') fileName?: string,
    @Query('by') by?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ): Promise<BatchPageDto> {
    return this.listBatches.execute(new ListBatchesCommand(limit, before, importFilters({ status, fileName, by, from, to }, actor)));
  }

  @Post()
  @Roles('uploader')
  @RateLimit('upload')
  @HttpCode(202)
  @UploadedFileField()
  @ApiConsumes('multipart/form-data')
  @ApiBody(multipartFile(BATCH_UPLOAD_FIELDS))
  @ApiOperation({ summary: '上传发放批次，立即返回批次号，导入在后台进行 (upload a batch; answers at once)' })
  @ApiAcceptedResponse({ type: BatchAcceptedDto })
  async upload(@UploadedFile() file: UploadedFileInfo | undefined, @Body() body: UploadBatchDto, @CurrentActor() actor: Actor): Promise<BatchAcceptedDto> {
    if (!file) throw missingFile();
    // The uploader's own region bounds the batch; a narrower one may be named.
    return this.submit.batch(new SubmitBatchUploadCommand(file.path, originalName(file), actor.username, actor.scope!, body.region ?? '', body.allowPartial === 'true'));
  }

  @Get(':id')
  @Roles('uploader', 'inspector', 'supervisor', 'admin')
  @ApiOperation({ summary: '批次状态与进度 (status, progress, counts)' })
  @ApiOkResponse({ type: BatchDto })
  get(@Param('id', new IdPipe()) id: string): Promise<BatchDto> {
    return this.imports.batch(id);
  }

  @Get(':id/rejections')
  @Roles('uploader', 'admin')
  @ApiOperation({ summary: '被拒收的行 (rejected rows: row, column, value, reason)' })
  @ApiQuery({ name: 'after', required: false, type: 'integer', description: '从此行号之后（上一页的 next）；不填即从头，含第 0 行（整个文件的问题）' })
  @ApiOkResponse({ type: RejectionPageDto })
  rejected(@Param('id', new IdPipe()) id: string, @Query('after', afterRow()) after: number): Promise<RejectionPageDto> {
    return this.rejections.page('batch', id, after);
  }

  @Get(':id/rejections.csv')
  @Roles('uploader', 'admin')
  @SignedLinkable()
  @ApiOperation({ summary: '下载被拒收的行 (CSV for Excel)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV（UTF-8 带 BOM）：行号、列、值（打码）、原因', schema: { type: 'string', format: 'binary' } })
  async rejectedCsv(@Param('id', new IdPipe()) id: string, @Res() res: Response) {
    const chunks = this.rejections.csv('batch', id);
    const first = await chunks.next(); // 404 before any header is sent
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="batch-${id}-rejections.csv"`);
    if (!first.done) res.write(first.value);
    for await (const chunk of chunks) res.write(chunk);
    res.end();
  }
}
