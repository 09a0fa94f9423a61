import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBooleanString, IsOptional, Matches } from 'class-validator';

export class UploadBatchDto {
  @ApiPropertyOptional({ description: '只入库合格的行 (store the valid rows)', enum: ['true', 'false'] })
  @IsOptional()
  @IsBooleanString()
  allowPartial?: string;

  @ApiPropertyOptional({ description: '上传单位的行政区划 (the uploader region), until accounts decide it', example: '421087' })
  @IsOptional()
  @Matches(/^(\d{2}|\d{4}|\d{6}|\d{9})$/, { message: 'region must be a 2, 4, 6 or 9 digit region code' })
  region?: string;
}

export class UploadRegistryDto {
  @ApiPropertyOptional({ description: '替换整个比对库 (replace the registry)', enum: ['true', 'false'] })
  @IsOptional()
  @IsBooleanString()
  replace?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsBooleanString()
  allowPartial?: string;
}

export const multipartFile = (extra: Record<string, object>) => ({
  schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'CSV (UTF-8) 或 XLSX' }, ...extra } },
});
