import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { ActorContext } from '@sunlight/common';
import { GetBacktest, ListBacktests, RequestBacktest, RequestBacktestCommand, type BacktestRun } from '@sunlight/rules';
import { Roles } from '../auth/access.js';
import { ErrorDto } from '../common/error.dto.js';
import { IdPipe } from '../common/whole-number.pipe.js';

const YUAN = '元，两位小数';
const STATUSES = ['queued', 'running', 'completed', 'failed'] as const;

export class RequestBacktestDto {
  @ApiPropertyOptional({ description: '回测这条规则变更（草案或已审批版本）的设置；省略则回测现行版本' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: '应为规则变更编号' })
  changeId?: string;
}

export class BacktestQueuedDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: STATUSES, enumName: 'BacktestStatus' }) status: 'queued';
}

export class BacktestKeyDto {
  @ApiProperty({ description: '线索键' }) key: string;
  @ApiProperty({ type: String, nullable: true, description: '身份证号（打码）' }) id_number: string | null;
  @ApiProperty({ type: String, nullable: true }) program_code: string | null;
  @ApiProperty({ type: String, nullable: true }) period: string | null;
  @ApiProperty({ type: String, nullable: true, description: '银行账号（打码）' }) bank_account: string | null;
  @ApiPropertyOptional({ description: `新增的键：涉及金额，${YUAN}` }) amountAtRisk?: string;
  @ApiPropertyOptional({ type: 'integer', description: '新增的键：证据条数' }) items?: number;
  @ApiPropertyOptional({ description: '不再命中的键：它最新的线索' }) leadId?: string;
  @ApiPropertyOptional({ description: '不再命中的键：该线索的状态（中文见 /api/labels status）' }) status?: string;
}

export class BacktestResultDto {
  @ApiProperty() rule: string;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ type: 'integer', description: '命中的发放记录（R13：未领取的人月）' }) hits: number;
  @ApiProperty({ type: 'integer', description: '线索键' }) keys: number;
  @ApiProperty({ description: `涉及金额，${YUAN}` }) amountAtRisk: string;
  @ApiProperty({ type: 'integer', description: '现有线索中没有的键' }) added: number;
  @ApiProperty({ type: 'integer', description: '现有线索的键中本版本不再命中的' }) dropped: number;
  @ApiProperty({ type: 'integer', description: '其键已有线索以“已整改”销号' }) confirmed: number;
  @ApiProperty({ type: 'integer', description: '其键已有线索被查否' }) dismissed: number;
  @ApiProperty({ description: `新增的键的涉及金额，${YUAN}` }) addedAmountAtRisk: string;
  @ApiProperty({ type: [BacktestKeyDto], description: '新增的键（金额大的在前，至多 200 个）' }) addedKeys: BacktestKeyDto[];
  @ApiProperty({ type: [BacktestKeyDto], description: '不再命中的键（至多 200 个）' }) droppedKeys: BacktestKeyDto[];
  @ApiProperty({ type: 'integer', description: '耗时（毫秒）' }) ms: number;
}

export class BacktestDto {
  @ApiProperty() id: string;
  @ApiProperty() rule: string;
  @ApiProperty({ type: String, nullable: true, description: '回测的规则变更；null 为现行版本' }) changeId: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: '回测的版本号（草案为批准后将得到的版本号）' }) version: number | null;
  @ApiProperty({ enum: STATUSES, enumName: 'BacktestStatus', description: '中文见 /api/labels backtestStatus' }) status: BacktestRun['status'];
  @ApiProperty({ type: String, nullable: true, description: '进行到哪一步（中文见 /api/labels backtestStage）' }) stage: string | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty() requestedBy: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: string | null;
  @ApiProperty({ type: BacktestResultDto, nullable: true, description: '完成后的结果（列表中不含键的清单）' }) result: BacktestResultDto | null;
}

export class ShadowComparisonDto extends BacktestResultDto {
  @ApiProperty() changeId: string;
  @ApiProperty({ description: '仍在影子中运行（待生效）' }) inShadow: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: '生效时间；此前影子运行。已生效为 null' }) effectiveFrom: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: '影子运行第一次命中的时间' }) firstFoundAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastFoundAt: string | null;
  @ApiProperty({ type: 'integer', description: '有命中的比对运行次数' }) runs: number;
}

const toDto = (run: BacktestRun): BacktestDto => ({
  ...run,
  createdAt: new Date(run.createdAt).toISOString(),
  finishedAt: run.finishedAt ? new Date(run.finishedAt).toISOString() : null,
  result: run.result as BacktestResultDto | null,
});

/**
 * Backtests for admins (issue 14): a rule's live version, or a proposed change, over all stored
 * data, raising nothing. It runs as a job; the console polls the row for its stage and figures.
 */
@ApiTags('rules')
@ApiBearerAuth()
@Controller('api')
@Roles('admin')
export class BacktestsController {
  constructor(
    private readonly request: RequestBacktest,
    private readonly get: GetBacktest,
    private readonly list: ListBacktests,
  ) {}

  @Post('rules/:code/backtests')
  @HttpCode(202)
  @ApiOperation({ summary: '回测规则的现行版本或一条规则变更：在全部已存数据上会产生什么，不产生线索（排队执行，轮询 GET /api/rule-backtests/{id}）' })
  @ApiAcceptedResponse({ type: BacktestQueuedDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: '没有此规则变更' })
  @ApiUnprocessableEntityResponse({ type: ErrorDto, description: '没有此规则，或变更属于另一条规则，或规则没有自己的比对语句（R12）' })
  async create(@Param('code') code: string, @Body() body: RequestBacktestDto): Promise<BacktestQueuedDto> {
    const id = await this.request.execute(new RequestBacktestCommand(code.toUpperCase(), body.changeId ?? null, ActorContext.current().username));
    return { id, status: 'queued' };
  }

  @Get('rules/:code/backtests')
  @ApiOperation({ summary: '一条规则最近的回测（新的在前，不含键的清单）' })
  @ApiOkResponse({ type: [BacktestDto] })
  @ApiNotFoundResponse({ type: ErrorDto })
  async recent(@Param('code') code: string): Promise<BacktestDto[]> {
    return (await this.list.execute(code.toUpperCase())).map(toDto);
  }

  @Get('rule-backtests/:id')
  @ApiOperation({ summary: '一次回测：状态、进度和结果（新增与不再命中的键）' })
  @ApiOkResponse({ type: BacktestDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  async one(@Param('id', new IdPipe()) id: string): Promise<BacktestDto> {
    return toDto(await this.get.execute(id));
  }
}
