import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { ChangePassword, CurrentUser, Login, LoginCommand, Logout, RefreshSession } from '@sunlight/accounts';
import type { Actor } from '@sunlight/common';
import { RateLimit } from '../common/rate-limits.js';
import { CurrentActor, Public, Roles } from './access.js';
import { ErrorDto } from '../common/error.dto.js';
import { ChangePasswordDto, LoginDto, RefreshDto, SessionUserDto, TokenPairDto } from './auth.dto.js';

const EVERYONE = ['uploader', 'inspector', 'supervisor', 'admin'] as const;

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly login: Login,
    private readonly refresh: RefreshSession,
    private readonly logout: Logout,
    private readonly changePassword: ChangePassword,
    private readonly currentUser: CurrentUser,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @RateLimit('login')
  @ApiOperation({ summary: '登录：访问令牌 15 分钟，刷新令牌 14 天；连续 5 次输错密码锁定 15 分钟' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ type: ErrorDto, description: '用户名或密码错误；账户锁定时 code 为 locked，lockedUntil 为解锁时间' })
  @ApiBadRequestResponse({ type: ErrorDto })
  signIn(@Body() body: LoginDto, @Req() req: Request): Promise<TokenPairDto> {
    return this.login.execute(new LoginCommand(body.username, body.password, req.headers['user-agent'] ?? null, req.ip ?? null));
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @RateLimit('login', 6)
  @ApiOperation({ summary: '用刷新令牌换新的访问令牌（刷新令牌随之更换）' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ type: ErrorDto })
  renew(@Body() body: RefreshDto): Promise<TokenPairDto> {
    return this.refresh.execute(body.refreshToken);
  }

  @Post('logout')
  @Roles(...EVERYONE)
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: '退出：本会话的令牌立即失效' })
  @ApiNoContentResponse()
  async signOut(@CurrentActor() actor: Actor) {
    await this.logout.execute(actor);
  }

  @Get('me')
  @Roles(...EVERYONE)
  @ApiBearerAuth()
  @ApiOperation({ summary: '当前用户：用户名、姓名、角色、辖区，是否须先修改密码' })
  @ApiOkResponse({ type: SessionUserDto })
  me(@CurrentActor() actor: Actor): Promise<SessionUserDto> {
    return this.currentUser.execute(actor);
  }

  @Post('password')
  @Roles(...EVERYONE)
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: '修改本人密码（其他会话随之失效）' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiUnprocessableEntityResponse({ type: ErrorDto, description: '原密码不正确（oldPassword），或新密码不合要求（newPassword）' })
  async password(@CurrentActor() actor: Actor, @Body() body: ChangePasswordDto) {
    await this.changePassword.execute(actor.userId, actor.sessionId, body.oldPassword, body.newPassword);
  }
}
