import { Controller, Get, Param, Query, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type Actor } from '@sunlight/common';
import { GetImport } from '@sunlight/ingestion';
import { LeadsOfBatches, LeadsOfBatchesCommand } from '@sunlight/leads';
import { CurrentActor, Roles } from '../auth/access.js';
import { IdPipe, beforeId, pageSize } from '../common/whole-number.pipe.js';
import { LeadOfBatchPageDto } from './responses.js';

const list = (value?: string) => (value ? value.split(',').map((v) => v.trim()).filter(Boolean) : []);

const withFilters = () =>
  applyDecorators(
  ApiQuery({ name: 'limit', required: false, type: 'integer', description: '每页条数，1–200，默认 50' }),
  ApiQuery({ name: 'before', required: false, type: String, description: '上一页的 next' }),
  ApiQuery({ name: 'status', required: false, type: String, description: '处置状态，逗号分隔（如 new,assigned）' }),
  ApiQuery({ name: 'rule', required: false, type: String, description: '比对规则，逗号分隔（如 R01,R03）' }),
  );

/**
 * 财政 uploaders follow up the leads raised from the payments they uploaded: read-only and
 * masked (the masking interceptor), only from their own batches — a colleague's batch in the
 * same region is not theirs to read through here.
 */
@ApiTags('batches')
@ApiBearerAuth()
@Controller('api')
export class MyLeadsController {
  constructor(
    private readonly imports: GetImport,
    private readonly leads: LeadsOfBatches,
  ) {}

  @Get('my-leads')
  @Roles('uploader')
  @ApiOperation({ summary: '我的线索：本人上传的批次中发现的问题线索，新的在前，只读、打码 (leads from your own batches)' })
  @withFilters()
  @ApiOkResponse({ type: LeadOfBatchPageDto })
  async mine(
    @CurrentActor() actor: Actor,
    @Query('limit', pageSize()) limit: number,
    @Query('before', beforeId()) before?: string,
    @Query('status') status?: string,
    @Query('rule') rule?: string,
  ): Promise<LeadOfBatchPageDto> {
    const batchIds = await this.imports.batchIdsUploadedBy(actor.username);
    return this.leads.execute(new LeadsOfBatchesCommand(batchIds, limit, before, list(status), list(rule)));
  }

  @Get('batches/:id/leads')
  @Roles('uploader')
  @ApiOperation({ summary: '本人上传的一个批次中发现的问题线索，只读、打码；他人的批次答 404 (leads from one of your batches)' })
  @withFilters()
  @ApiOkResponse({ type: LeadOfBatchPageDto })
  async ofBatch(
    @CurrentActor() actor: Actor,
    @Param('id', new IdPipe()) id: string,
    @Query('limit', pageSize()) limit: number,
    @Query('before', beforeId()) before?: string,
    @Query('status') status?: string,
    @Query('rule') rule?: string,
  ): Promise<LeadOfBatchPageDto> {
    const batch = await this.imports.batchUploadedBy(id, actor.username);
    return this.leads.execute(new LeadsOfBatchesCommand([batch.id], limit, before, list(status), list(rule)));
  }
}
