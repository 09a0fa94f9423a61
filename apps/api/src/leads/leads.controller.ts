import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ListLeads, ListLeadsCommand } from '@sunlight/leads';

@ApiTags('leads')
@Controller('api/leads')
export class LeadsController {
  constructor(private readonly listLeads: ListLeads) {}

  @Get()
  @ApiOperation({ summary: '最新问题线索 (newest leads, masked)' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'before', required: false, description: 'keyset: leads older than this id' })
  list(@Query('limit') limit?: string, @Query('before') before?: string) {
    const safeBefore = before && /^\d{1,18}$/.test(before) ? before : undefined;
    return this.listLeads.execute(new ListLeadsCommand('', Number(limit) || 50, safeBefore));
  }
}
