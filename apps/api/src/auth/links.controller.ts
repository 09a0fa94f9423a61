import { Body, Controller, Injectable, Post, RequestMethod, type OnApplicationBootstrap } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService } from '@nestjs/core';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { SignedLinks, LINK_TTL_SECONDS } from '@sunlight/accounts';
import { InputError, type Actor } from '@sunlight/common';
import { CurrentActor, LINK_PARAM, Roles, SIGNED_LINK_KEY, linkTarget } from './access.js';

export class CreateLinkDto {
  @ApiProperty({ description: '要打开的地址（路径和查询串，如 /api/notices/3/print 或 /api/leads/export.csv?status=new）', example: '/api/notices/3/print' })
  @IsString()
  @MaxLength(2000)
  path: string;
}

export class SignedLinkDto {
  @ApiProperty({ description: `带签名的地址，${LINK_TTL_SECONDS} 秒内有效，只对本人本会话、只对这一地址有效`, example: '/api/notices/3/print?link=eyJ1Ijo…' })
  url: string;
  @ApiProperty({ description: '失效时间 (ISO 8601)', example: '2026-11-30T08:58:00.000Z' })
  expiresAt: string;
}

/** The GET routes marked @SignedLinkable, as patterns over paths (found once, at start-up). */
@Injectable()
export class LinkableRoutes implements OnApplicationBootstrap {
  private patterns: RegExp[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    const join = (...parts: (string | undefined)[]) => '/' + parts.flatMap((p) => (p ?? '').split('/')).filter(Boolean).join('/');
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type?.prototype) continue;
      const base = Reflect.getMetadata(PATH_METADATA, type) as string | undefined;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = type.prototype[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(SIGNED_LINK_KEY, handler) !== true) continue;
        if (Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.GET) continue;
        const path = join(base, Reflect.getMetadata(PATH_METADATA, handler) as string | undefined);
        const source = path
          .split('/')
          .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
          .join('/');
        this.patterns.push(new RegExp(`^${source}$`));
      }
    }
  }

  /** Does a GET of this path reach a linkable route? */
  covers(path: string): boolean {
    return this.patterns.some((p) => p.test(path));
  }
}

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/links')
export class LinksController {
  constructor(
    private readonly links: SignedLinks,
    private readonly routes: LinkableRoutes,
  ) {}

  @Post()
  @Roles('uploader', 'inspector', 'supervisor', 'admin')
  @ApiCreatedResponse({ type: SignedLinkDto })
  @ApiOperation({
    summary: `签名链接：供浏览器直接打开的打印页和下载（不能带访问令牌的场合），${LINK_TTL_SECONDS} 秒内有效，绑定本人、本会话、角色、辖区和这一地址（含查询串）；会话退出或角色、辖区变更即失效。只有标明可用签名链接的 GET 地址接受`,
  })
  async create(@Body() body: CreateLinkDto, @CurrentActor() actor: Actor): Promise<SignedLinkDto> {
    const target = linkTarget(body.path);
    if (!target || new URL(body.path, 'http://sunlight.invalid').searchParams.has(LINK_PARAM)) {
      throw new InputError(`path 应为本系统的地址（以 / 开头的路径和查询串，不含 ${LINK_PARAM} 参数），收到 "${String(body.path).slice(0, 100)}"`, { column: 'path', value: String(body.path).slice(0, 100), expected: '/api/…' });
    }
    if (!this.routes.covers(target.split('?')[0])) {
      throw new InputError(`地址 ${target.split('?')[0]} 不支持签名链接：只有打印页和下载地址可以在浏览器中直接打开`, { column: 'path', value: target.slice(0, 100), expected: 'a printable or downloadable GET route' });
    }
    const link = await this.links.sign(actor, target);
    return { url: `${target}${target.includes('?') ? '&' : '?'}${LINK_PARAM}=${link.token}`, expiresAt: link.expiresAt };
  }
}
