import { ApiProperty } from '@nestjs/swagger';

/** Every error about input: a Chinese message naming the field, and one entry per field. */
export class FieldErrorDto {
  @ApiProperty({ description: '请求中的字段名（嵌套字段以 . 连接）', example: 'newPassword' }) field: string;
  @ApiProperty({ description: '问题与要求（中文，不含字段名）', example: '至少 10 个字符' }) message: string;
}

export class ErrorDto {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({ description: '中文说明，指明字段', example: '新密码：至少 10 个字符' }) message: string;
  @ApiProperty({ type: [FieldErrorDto], required: false, description: '逐字段的问题（请求校验 400、参数 400、业务校验 422）' }) errors?: FieldErrorDto[];
  @ApiProperty({ required: false, enum: ['unauthenticated', 'locked'], description: '401：locked 为账户已锁定' }) code?: 'unauthenticated' | 'locked';
  @ApiProperty({ required: false, nullable: true, format: 'date-time', description: '账户锁定至（code 为 locked 时）' }) lockedUntil?: string;
}
