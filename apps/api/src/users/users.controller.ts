import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CreateUser, CreateUserCommand, ListUsers, RevokeSessions, UpdateUser, UpdateUserCommand } from '@sunlight/accounts';
import { NotFoundError, ROLES } from '@sunlight/common';
import { Roles } from '../auth/access.js';
import { IdPipe } from '../common/whole-number.pipe.js';

const REGION = /^(|\d{2}|\d{4}|\d{6}|\d{9})$/;

class CreateUserDto {
  @ApiProperty() @IsString() @MaxLength(64) username: string;
  @ApiProperty() @IsString() @MaxLength(100) displayName: string;
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role: string;
  @ApiProperty({ description: "行政区划代码，'' 为全国" }) @Matches(REGION) regionCode: string;
  @ApiProperty() @IsString() @MaxLength(200) password: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() email?: string;
}

class UpdateUserDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) displayName?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(REGION) regionCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() email?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional({ description: '解除锁定' }) @IsOptional() @IsBoolean() unlock?: boolean;
  @ApiPropertyOptional({ description: '重设密码' }) @IsOptional() @IsString() @MaxLength(200) password?: string;
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/users')
@Roles('admin')
export class UsersController {
  constructor(
    private readonly createUser: CreateUser,
    private readonly updateUser: UpdateUser,
    private readonly listUsers: ListUsers,
    private readonly revokeSessions: RevokeSessions,
  ) {}

  @Get()
  list() {
    return this.listUsers.execute();
  }

  @Post()
  create(@Body() body: CreateUserDto) {
    return this.createUser.execute(new CreateUserCommand(body.username, body.displayName, body.role, body.regionCode, body.password, body.email ?? null));
  }

  @Patch(':id')
  update(@Param('id', new IdPipe()) id: string, @Body() body: UpdateUserDto) {
    if (!/^\d{1,18}$/.test(id)) throw new NotFoundError(`用户 ${id} 不存在 (no such user)`);
    return this.updateUser.execute(new UpdateUserCommand(id, body));
  }

  @Post(':id/revoke-sessions')
  @HttpCode(200)
  async revoke(@Param('id', new IdPipe()) id: string) {
    if (!/^\d{1,18}$/.test(id)) throw new NotFoundError(`用户 ${id} 不存在 (no such user)`);
    return { revoked: await this.revokeSessions.execute(id) };
  }
}
