import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CreateUser, CreateUserCommand, ListUsers, ResetPassword, ResetPasswordCommand, RevokeSessions, UnlockUser, UpdateUser, UpdateUserCommand } from '@sunlight/accounts';
import { Roles } from '../auth/access.js';
import { ErrorDto } from '../common/error.dto.js';
import { IdPipe } from '../common/whole-number.pipe.js';
import { CreateUserDto, ResetPasswordDto, RevokedDto, UpdateUserDto, UserDto, UserQueryDto } from './dto.js';

/** Accounts, for the admin: every change is an audited event. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/users')
@Roles('admin')
@ApiBadRequestResponse({ type: ErrorDto })
export class UsersController {
  constructor(
    private readonly createUser: CreateUser,
    private readonly updateUser: UpdateUser,
    private readonly listUsers: ListUsers,
    private readonly unlockUser: UnlockUser,
    private readonly resetPassword: ResetPassword,
    private readonly revokeSessions: RevokeSessions,
  ) {}

  @Get()
  @ApiOperation({ summary: '账户列表（按辖区、用户名排序）：角色、辖区、锁定至、最近登录、有效会话数' })
  @ApiOkResponse({ type: [UserDto] })
  list(@Query() query: UserQueryDto): Promise<UserDto[]> {
    return this.listUsers.execute({ q: query.q?.trim() || undefined, role: query.role, region: query.region });
  }

  @Post()
  @ApiOperation({ summary: '新建账户' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiUnprocessableEntityResponse({ type: ErrorDto, description: '用户名已存在、区划不存在、密码不合要求（errors 指明字段）' })
  create(@Body() body: CreateUserDto): Promise<UserDto> {
    return this.createUser.execute(new CreateUserCommand(body.username, body.displayName, body.role, body.regionCode, body.password, body.email ?? null));
  }

  @Patch(':id')
  @ApiOperation({ summary: '修改姓名、角色、辖区、邮箱或启用状态；改角色、辖区或停用时，该用户的会话全部结束' })
  @ApiOkResponse({ type: UserDto })
  @ApiUnprocessableEntityResponse({ type: ErrorDto })
  update(@Param('id', new IdPipe()) id: string, @Body() body: UpdateUserDto): Promise<UserDto> {
    return this.updateUser.execute(new UpdateUserCommand(id, body));
  }

  @Post(':id/unlock')
  @HttpCode(200)
  @ApiOperation({ summary: '解除锁定（连续输错密码而锁定的账户）' })
  @ApiOkResponse({ type: UserDto })
  unlock(@Param('id', new IdPipe()) id: string): Promise<UserDto> {
    return this.unlockUser.execute(id);
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @ApiOperation({ summary: '重设密码：设定临时密码，解除锁定，结束该用户的全部会话；用户下次登录须修改密码' })
  @ApiOkResponse({ type: UserDto })
  @ApiUnprocessableEntityResponse({ type: ErrorDto, description: '密码不合要求（errors 指明 password）' })
  reset(@Param('id', new IdPipe()) id: string, @Body() body: ResetPasswordDto): Promise<UserDto> {
    return this.resetPassword.execute(new ResetPasswordCommand(id, body.password));
  }

  @Post(':id/revoke-sessions')
  @HttpCode(200)
  @ApiOperation({ summary: '结束该用户的全部会话（强制下线）' })
  @ApiOkResponse({ type: RevokedDto })
  async revoke(@Param('id', new IdPipe()) id: string): Promise<RevokedDto> {
    return { revoked: await this.revokeSessions.execute(id) };
  }
}
