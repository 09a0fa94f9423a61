import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ChangePassword, Login, LoginCommand, Logout, RefreshSession } from '@sunlight/accounts';
import type { Actor } from '@sunlight/common';
import { RateLimit } from '../common/rate-limits.js';
import { CurrentActor, Public, Roles } from './access.js';
import { ChangePasswordDto, LoginDto, RefreshDto } from './auth.dto.js';

const EVERYONE = ['uploader', 'inspector', 'supervisor', 'admin'] as const;

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly login: Login,
    private readonly refresh: RefreshSession,
    private readonly logout: Logout,
    private readonly changePassword: ChangePassword,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @RateLimit('login')
  @ApiOperation({ summary: '登录：访问令牌 15 分钟，刷新令牌 14 天；连续 5 次输错密码锁定 15 分钟' })
  signIn(@Body() body: LoginDto, @Req() req: Request) {
    return this.login.execute(new LoginCommand(body.username, body.password, req.headers['user-agent'] ?? null, req.ip ?? null));
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @RateLimit('login', 6)
  @ApiOperation({ summary: '用刷新令牌换新的访问令牌（刷新令牌随之更换）' })
  renew(@Body() body: RefreshDto) {
    return this.refresh.execute(body.refreshToken);
  }

  @Post('logout')
  @Roles(...EVERYONE)
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: '退出：本会话的令牌立即失效' })
  async signOut(@CurrentActor() actor: Actor) {
    await this.logout.execute(actor);
  }

  @Get('me')
  @Roles(...EVERYONE)
  @ApiBearerAuth()
  me(@CurrentActor() actor: Actor) {
    return { id: actor.userId, username: actor.username, role: actor.role, regionCode: actor.scope };
  }

  @Post('password')
  @Roles(...EVERYONE)
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: '修改本人密码（其他会话随之失效）' })
  async password(@CurrentActor() actor: Actor, @Body() body: ChangePasswordDto) {
    await this.changePassword.execute(actor.userId, actor.sessionId, body.oldPassword, body.newPassword);
  }
}
