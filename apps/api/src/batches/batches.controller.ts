import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ListBatches, ListBatchesCommand } from '@sunlight/ingestion';

@ApiTags('batches')
@Controller('api/batches')
export class BatchesController {
  constructor(private readonly listBatches: ListBatches) {}

  @Get()
  @ApiOperation({ summary: '发放批次列表 (disbursement batches, newest first)' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'before', required: false })
  list(@Query('limit') limit?: string, @Query('before') before?: string) {
    const safeBefore = before && /^\d{1,18}$/.test(before) ? before : undefined;
    return this.listBatches.execute(new ListBatchesCommand('', Number(limit) || 50, safeBefore));
  }
}
