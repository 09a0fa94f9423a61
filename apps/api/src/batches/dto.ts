import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches, ValidateIf } from 'class-validator';

// Multipart fields arrive as text. Every optional field has a default that Swagger UI's form
// fills in and the server accepts as it stands (issue 13: the form failed on its own defaults,
// and its first enum value, "true", would have replaced a whole registry).
const BOOLEAN_TEXT = ['true', 'false'];
const booleanText = (name: string) => ({ message: `字段 ${name} 应为 true 或 false (${name} must be "true" or "false")` });

export class UploadBatchDto {
  @ApiPropertyOptional({ description: '只入库合格的行，拒收其余行 (store the valid rows, reject the others); 默认 false：有错行则整批拒收', enum: BOOLEAN_TEXT, default: 'false' })
  @IsOptional()
  @IsIn(BOOLEAN_TEXT, booleanText('allowPartial'))
  allowPartial?: string;

  @ApiPropertyOptional({ description: '本批次所属行政区划，须在本单位辖区内；留空即本单位辖区 (a region inside yours; empty: your own)', default: '' })
  @IsOptional()
  @ValidateIf((o: UploadBatchDto) => o.region !== '')
  @Matches(/^(\d{2}|\d{4}|\d{6}|\d{9})$/, { message: '字段 region 应为 2、4、6 或 9 位行政区划代码，或留空 (region must be a 2, 4, 6 or 9 digit region code, or empty)' })
  region?: string;
}

export class UploadRegistryDto {
  @ApiPropertyOptional({ description: '替换整个比对库 (replace the whole registry); 默认 false：按自然键合并', enum: BOOLEAN_TEXT, default: 'false' })
  @IsOptional()
  @IsIn(BOOLEAN_TEXT, booleanText('replace'))
  replace?: string;

  @ApiPropertyOptional({ description: '只导入合格的行 (import the valid rows); 默认 false：有错行则整个文件拒收', enum: BOOLEAN_TEXT, default: 'false' })
  @IsOptional()
  @IsIn(BOOLEAN_TEXT, booleanText('allowPartial'))
  allowPartial?: string;
}

/**
 * The multipart body of an upload as OpenAPI describes it: a binary `file` and the DTO's text
 * fields, each with the default the server applies (Swagger UI fills its form from these).
 */
export const multipartFile = (extra: Record<string, object>) => ({
  schema: {
    type: 'object',
    required: ['file'],
    properties: { file: { type: 'string', format: 'binary', description: 'CSV (UTF-8，可带 BOM) 或 XLSX；首行为表头（中文或英文列名）' }, ...extra },
  },
});

export const BATCH_UPLOAD_FIELDS = {
  allowPartial: { type: 'string', enum: BOOLEAN_TEXT, default: 'false', description: '只入库合格的行 (true) 或有错即整批拒收 (false)' },
  region: { type: 'string', default: '', description: '行政区划代码，须在本单位辖区内；留空即本单位辖区' },
};

export const REGISTRY_UPLOAD_FIELDS = {
  replace: { type: 'string', enum: BOOLEAN_TEXT, default: 'false', description: '替换整个比对库 (true) 或按自然键合并 (false)' },
  allowPartial: { type: 'string', enum: BOOLEAN_TEXT, default: 'false', description: '只导入合格的行 (true) 或有错即整个文件拒收 (false)' },
};
