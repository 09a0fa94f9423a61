import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { GetImport, ListBatches, ListBatchesCommand, Rejections, SubmitBatchUploadCommand, SubmitUpload } from '@sunlight/ingestion';
import { normalizeRegionCode } from '@sunlight/regions';
import { InputError, type Actor } from '@sunlight/common';
import { CurrentActor, Roles, SignedLinkable } from '../auth/access.js';
import { RateLimit } from '../common/rate-limits.js';
import { originalName, type UploadedFileInfo } from '../common/uploads.js';
import { BATCH_UPLOAD_FIELDS, UploadBatchDto, multipartFile } from './dto.js';
import { IdPipe, afterRow, beforeId, pageSize } from '../common/whole-number.pipe.js';
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
  @ApiQuery({ name: 'limit', required: false, type: 'integer', description: '每页条数，1–200，默认 50' })
  @ApiQuery({ name: 'before', required: false, type: String, description: '上一页的 next' })
  @ApiOkResponse({ type: BatchPageDto })
  list(@Query('limit', pageSize()) limit: number, @Query('before', beforeId()) before?: string): Promise<BatchPageDto> {
    return this.listBatches.execute(new ListBatchesCommand(limit, before));
  }

  @Post()
  @Roles('uploader')
  @RateLimit('upload')
  @HttpCode(202)
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody(multipartFile(BATCH_UPLOAD_FIELDS))
  @ApiOperation({ summary: '上传发放批次，立即返回批次号，导入在后台进行 (upload a batch; answers at once)' })
  @ApiAcceptedResponse({ type: BatchAcceptedDto })
  async upload(@UploadedFile() file: UploadedFileInfo | undefined, @Body() body: UploadBatchDto, @CurrentActor() actor: Actor): Promise<BatchAcceptedDto> {
    if (!file) throw new BadRequestException('缺少文件字段 file (multipart field "file" is required)');
    // The uploader's own region bounds the batch; a narrower one may be named.
    const region = body.region ? (normalizeRegionCode(body.region) ?? '') : actor.scope!;
    if (!region.startsWith(actor.scope!)) throw new InputError(`区划 ${region} 不在本单位辖区 ${actor.scope} 内 (outside your region)`, { column: 'region', value: region });
    return this.submit.batch(new SubmitBatchUploadCommand(file.path, originalName(file), actor.username, region, body.allowPartial === 'true'));
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
  @ApiQuery({ name: 'after', required: false, type: 'integer', description: '从此行号之后（上一页的 next），默认 0' })
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
