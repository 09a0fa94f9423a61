import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { GetImport, ListBatches, ListBatchesCommand, Rejections, SubmitBatchUploadCommand, SubmitUpload } from '@sunlight/ingestion';
import { normalizeRegionCode } from '@sunlight/regions';
import { InputError, type Actor } from '@sunlight/common';
import { CurrentActor, Roles } from '../auth/access.js';
import { RateLimit } from '../common/rate-limits.js';
import { originalName, type UploadedFileInfo } from '../common/uploads.js';
import { BATCH_UPLOAD_FIELDS, UploadBatchDto, multipartFile } from './dto.js';
import { IdPipe, afterRow, beforeId, pageSize } from '../common/whole-number.pipe.js';

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
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'before', required: false })
  list(@Query('limit', pageSize()) limit: number, @Query('before', beforeId()) before?: string) {
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
  async upload(@UploadedFile() file: UploadedFileInfo | undefined, @Body() body: UploadBatchDto, @CurrentActor() actor: Actor) {
    if (!file) throw new BadRequestException('缺少文件字段 file (multipart field "file" is required)');
    // The uploader's own region bounds the batch; a narrower one may be named.
    const region = body.region ? (normalizeRegionCode(body.region) ?? '') : actor.scope!;
    if (!region.startsWith(actor.scope!)) throw new InputError(`区划 ${region} 不在本单位辖区 ${actor.scope} 内 (outside your region)`, { column: 'region', value: region });
    return this.submit.batch(new SubmitBatchUploadCommand(file.path, originalName(file), actor.username, region, body.allowPartial === 'true'));
  }

  @Get(':id')
  @Roles('uploader', 'inspector', 'supervisor', 'admin')
  @ApiOperation({ summary: '批次状态与进度 (status, progress, counts)' })
  get(@Param('id', new IdPipe()) id: string) {
    return this.imports.batch(id);
  }

  @Get(':id/rejections')
  @Roles('uploader', 'admin')
  @ApiOperation({ summary: '被拒收的行 (rejected rows: row, column, value, reason)' })
  @ApiQuery({ name: 'after', required: false, description: 'rows after this row number' })
  rejected(@Param('id', new IdPipe()) id: string, @Query('after', afterRow()) after: number) {
    return this.rejections.page('batch', id, after);
  }

  @Get(':id/rejections.csv')
  @Roles('uploader', 'admin')
  @ApiOperation({ summary: '下载被拒收的行 (CSV for Excel)' })
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
