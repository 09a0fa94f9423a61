import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ActorContext } from '@sunlight/common';
import { Digests } from '@sunlight/digest';
import { Roles } from '../auth/access.js';
import { IdPipe } from '../common/whole-number.pipe.js';

class DigestSettingsDto {
  @ApiPropertyOptional({ enum: ['daily', 'weekly', 'off'], description: '每天、每周或不发' })
  @IsOptional() @IsIn(['daily', 'weekly', 'off']) frequency?: 'daily' | 'weekly' | 'off';
  @ApiPropertyOptional({ description: '每周发送日：1 周一 … 7 周日' })
  @IsOptional() @IsInt() @Min(1) @Max(7) weekday?: number;
  @ApiPropertyOptional({ description: '发送时刻（北京时间，时）', example: 8 })
  @IsOptional() @IsInt() @Min(0) @Max(23) hour?: number;
  @ApiPropertyOptional({ description: '无新情况时也发一句“本期无新情况”' })
  @IsOptional() @IsBoolean() sendEmpty?: boolean;
  @ApiPropertyOptional({ description: '红牌、应改未改即时提醒（每小时至多一次）' })
  @IsOptional() @IsBoolean() alerts?: boolean;
  @ApiPropertyOptional({ description: '同时推送到工作群 webhook' })
  @IsOptional() @IsBoolean() webhook?: boolean;
}

@ApiTags('digests')
@ApiBearerAuth()
@Controller('api/digests')
export class DigestsController {
  constructor(private readonly digests: Digests) {}

  @Get()
  @Roles('supervisor', 'admin')
  @ApiOperation({ summary: '我的预警摘要及其发送状态（管理员：全部）' })
  list() {
    return this.digests.list();
  }

  @Get('settings')
  @Roles('supervisor')
  @ApiOperation({ summary: '我的摘要设置（默认每天 8:00）' })
  settings() {
    return this.digests.settings(ActorContext.current().userId);
  }

  @Put('settings')
  @Roles('supervisor')
  @ApiOperation({ summary: '修改我的摘要设置：每天或每周某日、时刻、无新情况是否发送、即时提醒、工作群' })
  update(@Body() body: DigestSettingsDto) {
    return this.digests.updateSettings(ActorContext.current().userId, body);
  }

  @Get('preview')
  @Roles('supervisor')
  @ApiOperation({ summary: '下一期摘要现在会说什么（不发送、不保存）' })
  async preview() {
    const c = await this.digests.preview(ActorContext.current().userId);
    return { subject: c.subject, text: c.text, html: c.html, figures: c.figures, empty: c.empty };
  }

  @Post('send')
  @Roles('supervisor')
  @HttpCode(202)
  @ApiOperation({ summary: '立即生成并发送一期摘要' })
  async send() {
    const { id } = await this.digests.prepare(ActorContext.current().userId, 'manual');
    await this.digests.enqueue(id);
    return { digestId: id };
  }

  @Get(':id')
  @Roles('supervisor', 'admin')
  @ApiOperation({ summary: '一期摘要：内容、数字、发送状态与失败原因' })
  get(@Param('id', new IdPipe()) id: string) {
    return this.digests.get(id);
  }
}
