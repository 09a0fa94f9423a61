import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ROLES, type Role } from '@sunlight/common';

const REGION = /^(|\d{2}|\d{4}|\d{6}|\d{9})$/;
const REGION_HELP = "行政区划代码（2、4、6 或 9 位），'' 为全国";
const REGION_MESSAGE = { message: '应为 2、4、6 或 9 位行政区划代码，空为全国' };

/** An account as the admin sees it. */
export class UserDto {
  @ApiProperty({ example: '3' }) id: string;
  @ApiProperty({ example: 'songzi.jiwei' }) username: string;
  @ApiProperty({ example: '松滋市纪委监委' }) displayName: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) role: Role;
  @ApiProperty({ description: REGION_HELP, example: '421087' }) regionCode: string;
  @ApiProperty({ type: String, nullable: true, description: '接收预警摘要的邮箱' }) email: string | null;
  @ApiProperty({ description: '停用的账户不能登录' }) active: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: '锁定中：解锁时间；未锁定为 null' }) lockedUntil: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: '最近一次登录' }) lastLoginAt: string | null;
  @ApiProperty({ description: '密码由管理员重设，下次登录须修改' }) mustChangePassword: boolean;
  @ApiProperty({ description: '有效会话数（未退出、未过期）' }) activeSessions: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class UserQueryDto {
  @ApiPropertyOptional({ title: '关键字', description: '用户名或姓名的一部分' })
  @IsOptional() @IsString() @MaxLength(64) q?: string;
  @ApiPropertyOptional({ title: '角色', enum: ROLES, enumName: 'Role' })
  @IsOptional() @IsIn(ROLES) role?: Role;
  @ApiPropertyOptional({ title: '辖区', description: '此区划及其下级', example: '4210' })
  @IsOptional() @Matches(/^(\d{2}|\d{4}|\d{6}|\d{9})$/, { message: '应为 2、4、6 或 9 位行政区划代码' }) region?: string;
}

export class CreateUserDto {
  @ApiProperty({ title: '用户名', description: '3–64 位字母、数字或 . _ -', example: 'songzi.jiwei2' })
  @IsString() @Matches(/^[a-zA-Z0-9._-]{3,64}$/, { message: '应为 3–64 位字母、数字或 . _ -' }) username: string;
  @ApiProperty({ title: '姓名', example: '张三' }) @IsString() @MaxLength(100) displayName: string;
  @ApiProperty({ title: '角色', enum: ROLES, enumName: 'Role' }) @IsIn(ROLES) role: Role;
  @ApiProperty({ title: '辖区', description: REGION_HELP, example: '421087' }) @IsString() @Matches(REGION, REGION_MESSAGE) regionCode: string;
  @ApiProperty({ title: '初始密码', description: '至少 10 位，含字母和数字' }) @IsString() @MaxLength(200) password: string;
  @ApiPropertyOptional({ title: '邮箱', example: 'name@example.com' }) @IsOptional() @IsEmail() email?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ title: '姓名' }) @IsOptional() @IsString() @MaxLength(100) displayName?: string;
  @ApiPropertyOptional({ title: '角色', enum: ROLES, enumName: 'Role' }) @IsOptional() @IsIn(ROLES) role?: Role;
  @ApiPropertyOptional({ title: '辖区', description: REGION_HELP, example: '421087' }) @IsOptional() @IsString() @Matches(REGION, REGION_MESSAGE) regionCode?: string;
  @ApiPropertyOptional({ title: '邮箱', example: 'name@example.com' }) @IsOptional() @IsEmail() email?: string;
  @ApiPropertyOptional({ title: '启用' }) @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional({ title: '解除锁定', description: '同 POST /api/users/{id}/unlock' }) @IsOptional() @IsBoolean() unlock?: boolean;
  @ApiPropertyOptional({ title: '密码', description: '直接设定密码（不要求下次登录修改）；管理员重设请用 POST /api/users/{id}/reset-password' })
  @IsOptional() @IsString() @MaxLength(200) password?: string;
}

export class ResetPasswordDto {
  @ApiProperty({ title: '临时密码', description: '至少 10 位，含字母和数字；用户下次登录须修改' })
  @IsString() @MaxLength(200) password: string;
}

export class RevokedDto {
  @ApiProperty({ description: '结束的会话数' }) revoked: number;
}
