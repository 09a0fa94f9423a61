import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { FindRegions, FindRegionsCommand } from '@sunlight/regions';
import { Roles } from '../auth/access.js';

export class RegionQueryDto {
  @ApiPropertyOptional({ description: '列出该地区的下级；空串为各省（仅管理员）', example: '4210' })
  @IsOptional() @Matches(/^(\d{2}|\d{4}|\d{6})?$/, { message: 'parent 应为 2、4 或 6 位行政区划代码' }) parent?: string;
  @ApiPropertyOptional({ description: '按代码查名称，逗号分隔，至多 500 个', example: '421087,421087101' })
  @IsOptional() @Matches(/^\d{2,9}(,\d{2,9}){0,499}$/, { message: 'codes 应为逗号分隔的行政区划代码，至多 500 个' }) codes?: string;
}

export class RegionDto {
  @ApiProperty({ example: '421087' }) code: string;
  @ApiProperty({ example: '松滋市' }) name: string;
  @ApiProperty({ enum: [1, 2, 3, 4], description: '1 省、2 市、3 县、4 乡镇' }) level: number;
}

@ApiTags('regions')
@ApiBearerAuth()
@Controller('api/regions')
export class RegionsController {
  constructor(private readonly regions: FindRegions) {}

  @Get()
  @Roles('uploader', 'inspector', 'supervisor', 'admin')
  @ApiOkResponse({ type: [RegionDto] })
  @ApiOperation({ summary: '行政区划名称（GB/T 2260）：parent 的下级，或 codes 所列；都不给时为本人辖区及其上级。仅限本辖区及其上级' })
  list(@Query() query: RegionQueryDto): Promise<RegionDto[]> {
    return this.regions.execute(new FindRegionsCommand(query.parent ?? null, query.codes ? query.codes.split(',') : null));
  }
}
