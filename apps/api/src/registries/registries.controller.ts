import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UploadedFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type Actor } from '@sunlight/common';
import { CurrentActor, Roles, SignedLinkable } from '../auth/access.js';
import type { Response } from 'express';
import { GetImport, REGISTRY_KINDS, Rejections, SubmitRegistryUploadCommand, SubmitUpload } from '@sunlight/ingestion';
import { REGISTRY_UPLOAD_FIELDS, UploadRegistryDto, multipartFile } from '../batches/dto.js';
import { RateLimit } from '../common/rate-limits.js';
import { UploadedFileField, missingFile, originalName, type UploadedFileInfo } from '../common/uploads.js';
import { IdPipe, afterRow, beforeId, pageSize } from '../common/whole-number.pipe.js';
import { ImportListQuery, importFilters } from '../batches/import-query.js';
import { RegistryAcceptedDto, RegistryImportDto, RegistryImportPageDto, RejectionPageDto } from '../batches/responses.js';

@ApiTags('registries')
@ApiBearerAuth()
@Controller('api/registries')
export class RegistriesController {
  constructor(
    private readonly submit: SubmitUpload,
    private readonly imports: GetImport,
    private readonly rejections: Rejections,
  ) {}

  @Post(':kind')
  @Roles('uploader', 'admin')
  @RateLimit('upload')
  @HttpCode(202)
  @UploadedFileField()
  @ApiConsumes('multipart/form-data')
  @ApiParam({ name: 'kind', enum: REGISTRY_KINDS, enumName: 'RegistryKind', description: '比对库（名称见 /api/labels 的 registry）' })
  @ApiBody(multipartFile(REGISTRY_UPLOAD_FIELDS))
  @ApiOperation({ summary: '上传比对库 (upload a registry; merged by natural key, or replaced)' })
  @ApiAcceptedResponse({ type: RegistryAcceptedDto })
  async upload(@Param('kind') kind: string, @UploadedFile() file: UploadedFileInfo | undefined, @Body() body: UploadRegistryDto, @CurrentActor() actor: Actor): Promise<RegistryAcceptedDto> {
    if (!file) throw missingFile();
    return this.submit.registry(new SubmitRegistryUploadCommand(kind, file.path, originalName(file), actor.username, body.replace === 'true', body.allowPartial === 'true'));
  }

  @Get('imports')
  @Roles('uploader', 'supervisor', 'admin')
  @ApiOperation({ summary: '比对库导入记录，新的在前，分页 (every registry import: who, when, file hash, counts; `next` is the `before` of the following page)' })
  @ImportListQuery(true)
  @ApiOkResponse({ type: RegistryImportPageDto })
  list(
    @CurrentActor() actor: Actor,
    @Query('limit', pageSize()) limit: number,
    @Query('before', beforeId()) before?: string,
    @Query('status') status?: string,
    @Query('kind') kind?: string,
    @Query('fileName') fileName?: string,
    @Query('by') by?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ): Promise<RegistryImportPageDto> {
    return this.imports.registries(limit, before, importFilters({ status, kind, fileName, by, from, to }, actor));
  }

  @Get('imports/:id')
  @Roles('uploader', 'supervisor', 'admin')
  @ApiOperation({ summary: '一次比对库导入：状态与计数 (one registry import)' })
  @ApiOkResponse({ type: RegistryImportDto })
  get(@Param('id', new IdPipe()) id: string): Promise<RegistryImportDto> {
    return this.imports.registry(id);
  }

  @Get('imports/:id/rejections')
  @Roles('uploader', 'admin')
  @ApiOperation({ summary: '比对库导入被拒收的行 (rejected rows: row, column, value, reason)' })
  @ApiQuery({ name: 'after', required: false, type: 'integer', description: '从此行号之后（上一页的 next）；不填即从头，含第 0 行（整个文件的问题）' })
  @ApiOkResponse({ type: RejectionPageDto })
  rejected(@Param('id', new IdPipe()) id: string, @Query('after', afterRow()) after: number): Promise<RejectionPageDto> {
    return this.rejections.page('registry', id, after);
  }

  @Get('imports/:id/rejections.csv')
  @Roles('uploader', 'admin')
  @SignedLinkable()
  @ApiOperation({ summary: '下载比对库导入被拒收的行 (CSV for Excel)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV（UTF-8 带 BOM）：行号、列、值（打码）、原因', schema: { type: 'string', format: 'binary' } })
  async rejectedCsv(@Param('id', new IdPipe()) id: string, @Res() res: Response) {
    const chunks = this.rejections.csv('registry', id);
    const first = await chunks.next();
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="registry-${id}-rejections.csv"`);
    if (!first.done) res.write(first.value);
    for await (const chunk of chunks) res.write(chunk);
    res.end();
  }
}
