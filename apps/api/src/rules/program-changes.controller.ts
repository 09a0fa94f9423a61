import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ActorContext } from '@sunlight/common';
import { DecideProgramChange, DecideProgramChangeCommand, ListProgramChanges, ProposeProgramChange, ProposeProgramChangeCommand } from '@sunlight/programs';
import { Roles } from '../auth/access.js';
import { ErrorDto } from '../common/error.dto.js';
import { IdPipe } from '../common/whole-number.pipe.js';
import { ApproveRuleChangeDto, RejectRuleChangeDto, RuleChangeOutcomeDto } from './dto.js';
import { ProgramChangeDto, ProgramChangeQueryDto, ProposeProgramChangeDto, ProposedProgramChangeDto, toProgramChangeDto } from './program-changes.dto.js';

/** Changes of program settings (cap, ages, means test, universal), for admins: maker-checker as for rules. */
@ApiTags('programs')
@ApiBearerAuth()
@Controller('api/program-changes')
@Roles('admin')
@ApiBadRequestResponse({ type: ErrorDto })
export class ProgramChangesController {
  constructor(
    private readonly list: ListProgramChanges,
    private readonly propose: ProposeProgramChange,
    private readonly decide: DecideProgramChange,
  ) {}

  @Get()
  @ApiOperation({ summary: '资金项目变更（不含初始版本），可按审批状态筛选；mayDecide 标出当前用户可以审批的' })
  @ApiOkResponse({ type: [ProgramChangeDto] })
  async changes(@Query() query: ProgramChangeQueryDto): Promise<ProgramChangeDto[]> {
    return (await this.list.execute(query.status, ActorContext.current())).map(toProgramChangeDto);
  }

  @Post()
  @ApiOperation({ summary: '提出资金项目变更（标准上限、年龄范围、家计调查、应享）：以现行版本为底；须另一名管理员审批' })
  @ApiCreatedResponse({ type: ProposedProgramChangeDto })
  @ApiUnprocessableEntityResponse({ type: ErrorDto, description: '项目不存在、金额或年龄不对、没有变更、缺少理由（errors 指明字段）' })
  create(@Body() body: ProposeProgramChangeDto): Promise<ProposedProgramChangeDto> {
    const { program, reason, ...changes } = body;
    return this.propose.execute(new ProposeProgramChangeCommand(program, changes, ActorContext.current(), reason));
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: '批准资金项目变更：自 from 当日零点（北京时间）起生效，省略则立即生效（比对规则随即使用新标准）；不能批准自己提出的' })
  @ApiOkResponse({ type: RuleChangeOutcomeDto })
  @ApiForbiddenResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  doApprove(@Param('id', new IdPipe()) id: string, @Body() body: ApproveRuleChangeDto): Promise<RuleChangeOutcomeDto> {
    return this.decide.execute(new DecideProgramChangeCommand(id, 'approve', ActorContext.current(), { from: body.from }));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: '驳回资金项目变更，须说明理由；不能驳回自己提出的' })
  @ApiOkResponse({ type: RuleChangeOutcomeDto })
  @ApiForbiddenResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  doReject(@Param('id', new IdPipe()) id: string, @Body() body: RejectRuleChangeDto): Promise<RuleChangeOutcomeDto> {
    return this.decide.execute(new DecideProgramChangeCommand(id, 'reject', ActorContext.current(), { reason: body.reason }));
  }
}
