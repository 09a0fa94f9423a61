import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ActorContext } from '@sunlight/common';
import { browserHtml, Digests } from '@sunlight/digest';
import { Roles } from '../auth/access.js';
import { IdPipe } from '../common/whole-number.pipe.js';
import { DigestDetailDto, DigestListItemDto, DigestPreviewDto, DigestSentDto, DigestSettingsDto, DigestSettingsPatchDto } from './dto.js';

@ApiTags('digests')
@ApiBearerAuth()
@Controller('api/digests')
export class DigestsController {
  constructor(private readonly digests: Digests) {}

  @Get()
  @Roles('supervisor', 'admin')
  @ApiOkResponse({ type: [DigestListItemDto] })
  @ApiOperation({ summary: '我的预警摘要及其发送状态，最新在前（管理员：全部）' })
  list(): Promise<DigestListItemDto[]> {
    return this.digests.list();
  }

  @Get('settings')
  @Roles('supervisor')
  @ApiOkResponse({ type: DigestSettingsDto })
  @ApiOperation({ summary: '我的摘要设置（默认每天 8:00）' })
  settings(): Promise<DigestSettingsDto> {
    return this.digests.settings(ActorContext.current().userId);
  }

  @Put('settings')
  @Roles('supervisor')
  @ApiOkResponse({ type: DigestSettingsDto })
  @ApiOperation({ summary: '修改我的摘要设置：每天或每周某日、时刻、无新情况是否发送、即时提醒、工作群' })
  update(@Body() body: DigestSettingsPatchDto): Promise<DigestSettingsDto> {
    return this.digests.updateSettings(ActorContext.current().userId, body);
  }

  @Get('preview')
  @Roles('supervisor')
  @ApiOkResponse({ type: DigestPreviewDto })
  @ApiOperation({ summary: '下一期摘要现在会说什么（不发送、不保存）' })
  async preview(): Promise<DigestPreviewDto> {
    const c = await this.digests.preview(ActorContext.current().userId);
    return { subject: c.subject, text: c.text, html: c.html, browserHtml: browserHtml(c.html, c.charts), charts: c.charts, figures: c.figures, empty: c.empty };
  }

  @Post('send')
  @Roles('supervisor')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: DigestSentDto })
  @ApiOperation({ summary: '立即生成并发送一期摘要' })
  async send(): Promise<DigestSentDto> {
    const { id } = await this.digests.prepare(ActorContext.current().userId, 'manual');
    await this.digests.enqueue(id);
    return { digestId: id };
  }

  @Get(':id')
  @Roles('supervisor', 'admin')
  @ApiOkResponse({ type: DigestDetailDto })
  @ApiOperation({ summary: '一期摘要：内容、数字、发送状态与失败原因' })
  get(@Param('id', new IdPipe()) id: string): Promise<DigestDetailDto> {
    return this.digests.get(id);
  }
}
