import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ActorContext } from '@sunlight/common';
import {
  ApproveRuleChange,
  ApproveRuleChangeCommand,
  CompareShadow,
  DiffRuleChange,
  GoLive,
  GoLiveCommand,
  ListRuleVersions,
  ProposeRuleChange,
  ProposeRuleChangeCommand,
  RejectRuleChange,
  RejectRuleChangeCommand,
} from '@sunlight/rules';
import { Roles } from '../auth/access.js';
import { ErrorDto } from '../common/error.dto.js';
import { ShadowComparisonDto } from './backtests.controller.js';
import { IdPipe, WholeNumberPipe } from '../common/whole-number.pipe.js';
import {
  ApproveRuleChangeDto,
  ProposeRuleChangeDto,
  ProposedRuleChangeDto,
  RejectRuleChangeDto,
  RuleChangeDiffDto,
  RuleChangeOutcomeDto,
  RuleChangeQueryDto,
  RuleVersionDto,
  toRuleVersionDto,
} from './dto.js';

/**
 * Rule versions and their changes, for admins (issue 14): an admin drafts a change, a second
 * admin approves it (live from a day, or at once) or rejects it. Every step is audited.
 */
@ApiTags('rules')
@ApiBearerAuth()
@Controller('api')
@Roles('admin')
@ApiBadRequestResponse({ type: ErrorDto })
export class RuleChangesController {
  constructor(
    private readonly list: ListRuleVersions,
    private readonly propose: ProposeRuleChange,
    private readonly approve: ApproveRuleChange,
    private readonly reject: RejectRuleChange,
    private readonly diff: DiffRuleChange,
    private readonly compareShadow: CompareShadow,
    private readonly goLive: GoLive,
  ) {}

  @Get('rule-changes/:id/shadow')
  @ApiOperation({ summary: '影子运行的对比：已批准、待生效的版本在此前每次比对中旁路运行（不产生线索），其命中与现有线索相比的新增、不再命中、金额和已有处理结果' })
  @ApiOkResponse({ type: ShadowComparisonDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: '变更尚未批准' })
  async shadow(@Param('id', new IdPipe()) id: string): Promise<ShadowComparisonDto> {
    const c = await this.compareShadow.execute(id);
    const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
    return { ...c, effectiveFrom: iso(c.effectiveFrom), firstFoundAt: iso(c.firstFoundAt), lastFoundAt: iso(c.lastFoundAt) };
  }

  @Post('rule-changes/:id/go-live')
  @HttpCode(200)
  @ApiOperation({ summary: '让影子运行中的版本立即生效（不等到生效日）；提出者本人不能' })
  @ApiOkResponse({ type: RuleChangeOutcomeDto })
  @ApiForbiddenResponse({ type: ErrorDto, description: '提出者本人不能（双人复核）' })
  @ApiConflictResponse({ type: ErrorDto, description: '尚未批准，或已生效、已被取代' })
  @ApiNotFoundResponse({ type: ErrorDto })
  doGoLive(@Param('id', new IdPipe()) id: string): Promise<RuleChangeOutcomeDto> {
    return this.goLive.execute(new GoLiveCommand(id, ActorContext.current()));
  }

  @Get('rules/:code/versions')
  @ApiOperation({ summary: '一条规则的全部版本和草案（新的在前）：现行、待生效、已被取代、待审批、已驳回' })
  @ApiOkResponse({ type: [RuleVersionDto] })
  @ApiNotFoundResponse({ type: ErrorDto, description: '没有此规则' })
  async versions(@Param('code') code: string): Promise<RuleVersionDto[]> {
    return (await this.list.ofRule(code, ActorContext.current())).map(toRuleVersionDto);
  }

  @Get('rule-changes')
  @ApiOperation({ summary: '规则变更（不含初始版本），可按审批状态筛选；status=pending 即待审批，mayDecide 标出当前用户可以审批的' })
  @ApiOkResponse({ type: [RuleVersionDto] })
  async changes(@Query() query: RuleChangeQueryDto): Promise<RuleVersionDto[]> {
    return (await this.list.changes(query.status, ActorContext.current())).map(toRuleVersionDto);
  }

  @Post('rule-changes')
  @ApiOperation({ summary: '提出规则变更（新版本草案）：以现行版本为底，改启用、严重程度或参数；须另一名管理员审批' })
  @ApiCreatedResponse({ type: ProposedRuleChangeDto })
  @ApiUnprocessableEntityResponse({ type: ErrorDto, description: '参数未知、类型不对或超出范围（errors 指明 params.参数名 和允许范围），没有变更，缺少理由' })
  create(@Body() body: ProposeRuleChangeDto): Promise<ProposedRuleChangeDto> {
    return this.propose.execute(new ProposeRuleChangeCommand(body.rule, { enabled: body.enabled, severity: body.severity, params: body.params }, ActorContext.current(), body.reason));
  }

  @Post('rule-changes/:id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: '批准规则变更：成为该规则的下一个版本，自 from 当日零点（北京时间）起生效，省略则立即生效；不能批准自己提出的' })
  @ApiOkResponse({ type: RuleChangeOutcomeDto })
  @ApiForbiddenResponse({ type: ErrorDto, description: '提出者本人不能审批（双人复核）' })
  @ApiConflictResponse({ type: ErrorDto, description: '已批准或已驳回' })
  @ApiNotFoundResponse({ type: ErrorDto })
  doApprove(@Param('id', new IdPipe()) id: string, @Body() body: ApproveRuleChangeDto): Promise<RuleChangeOutcomeDto> {
    return this.approve.execute(new ApproveRuleChangeCommand(id, ActorContext.current(), body.from));
  }

  @Post('rule-changes/:id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: '驳回规则变更，须说明理由；不能驳回自己提出的' })
  @ApiOkResponse({ type: RuleChangeOutcomeDto })
  @ApiForbiddenResponse({ type: ErrorDto, description: '提出者本人不能审批（双人复核）' })
  @ApiConflictResponse({ type: ErrorDto, description: '已批准或已驳回' })
  @ApiNotFoundResponse({ type: ErrorDto })
  doReject(@Param('id', new IdPipe()) id: string, @Body() body: RejectRuleChangeDto): Promise<RuleChangeOutcomeDto> {
    return this.reject.execute(new RejectRuleChangeCommand(id, ActorContext.current(), body.reason));
  }

  @Get('rule-changes/:id/diff')
  @ApiOperation({ summary: '规则变更与另一版本的逐项差异（against 省略为草案所依据的版本）' })
  @ApiQuery({ name: 'against', required: false, type: Number, description: '对比的版本号' })
  @ApiOkResponse({ type: RuleChangeDiffDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiUnprocessableEntityResponse({ type: ErrorDto, description: '没有该版本' })
  showDiff(@Param('id', new IdPipe()) id: string, @Query('against', new WholeNumberPipe('against', { max: 1_000_000, fallback: 0 })) against: number): Promise<RuleChangeDiffDto> {
    return this.diff.execute(id, against || undefined);
  }
}
