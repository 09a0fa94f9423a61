import 'reflect-metadata';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested, validate } from 'class-validator';
import { withoutEnglish } from './domain-exception.filter.js';
import { fieldErrors, validationException } from './validation.js';

class ItemDto {
  @ApiProperty({ title: '金额', example: '1,200.00' }) @Matches(/^\d+(\.\d{1,2})?$/) amount: string;
}

class SampleDto {
  @ApiProperty({ title: '用户名' }) @IsString() @MaxLength(8) username: string;
  @ApiProperty() @IsString() @MinLength(10) password: string;
  @ApiProperty({ example: '421087' }) @IsOptional() @Matches(/^\d{6}$/) region?: string;
  @ApiProperty() @IsOptional() @IsIn(['a', 'b']) kind?: string;
  @ApiProperty() @IsOptional() @IsBoolean() flag?: boolean;
  @ApiProperty() @IsOptional() @IsInt() @Min(1) @Max(5) count?: number;
  @ApiProperty() @IsOptional() @IsEmail() email?: string;
  @ApiProperty() @IsOptional() @Matches(/^x$/, { message: '应为 x（自定义）' }) custom?: string;
  @ApiProperty() @IsOptional() @IsArray() @ArrayMaxSize(2) @ValidateNested({ each: true }) @Type(() => ItemDto) items?: ItemDto[];
}

async function errorsOf(plain: Record<string, unknown>) {
  const dto = Object.assign(new SampleDto(), plain);
  if (Array.isArray(plain.items)) dto.items = plain.items.map((i) => Object.assign(new ItemDto(), i));
  return fieldErrors(await validate(dto, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: true, value: false } }));
}

describe('request validation in Chinese', () => {
  it('names each field once, with what was expected', async () => {
    const errors = await errorsOf({ username: 'much-too-long', password: 'short', region: '42', kind: 'c', flag: 'yes', count: 9, email: 'nope', custom: 'y', other: 1 });
    expect(errors.map(({ field, message }) => ({ field, message }))).toEqual([
      { field: 'other', message: '不接受此字段' },
      { field: 'username', message: '不能超过 8 个字符' },
      { field: 'password', message: '至少 10 个字符' },
      { field: 'region', message: '格式不正确，例如 421087' },
      { field: 'kind', message: '应为 a、b 之一' },
      { field: 'flag', message: '应为 true 或 false' },
      { field: 'count', message: '不能大于 5' },
      { field: 'email', message: '应为有效的电子邮箱地址，例如 name@example.com' },
      { field: 'custom', message: '应为 x（自定义）' },
    ]);
    expect(errors[1].label).toBe('用户名');
    expect(errors[2].label).toBe('password');
  });

  it('says a missing or empty field is required, not that it is no text', async () => {
    const errors = await errorsOf({ password: '' });
    expect(errors.map(({ field, message }) => ({ field, message }))).toEqual([
      { field: 'username', message: '必填' },
      { field: 'password', message: '不能为空' },
    ]);
  });

  it('gives nested fields their path', async () => {
    const errors = await errorsOf({ username: 'a', password: 'long-enough-1', items: [{ amount: '1' }, { amount: 'x' }] });
    expect(errors).toEqual([{ field: 'items.1.amount', label: '金额', message: '格式不正确，例如 1,200.00' }]);
  });

  it('answers 400 with a message naming the fields and a list of them', async () => {
    const dto = Object.assign(new SampleDto(), { password: 'short' });
    const body = validationException(await validate(dto, { validationError: { target: true } })).getResponse();
    expect(body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: '用户名：必填；password：至少 10 个字符',
      errors: [
        { field: 'username', message: '必填' },
        { field: 'password', message: '至少 10 个字符' },
      ],
    });
  });
});

describe('withoutEnglish', () => {
  it('drops the trailing English gloss of a message, and nothing else', () => {
    expect(withoutEnglish('原密码不正确 (the current password is wrong)')).toBe('原密码不正确');
    expect(withoutEnglish('参数 limit 应为正整数，不大于 200 (limit must be a positive integer ≤ 200)')).toBe('参数 limit 应为正整数，不大于 200');
    expect(withoutEnglish('金额（元）有误')).toBe('金额（元）有误');
    expect(withoutEnglish('应为 (中文)')).toBe('应为 (中文)');
  });
});
