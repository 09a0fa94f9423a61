import { BadRequestException, Controller, Get, HttpCode, Param, Post, Query, type PipeTransform } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { QueueHealth, QueueName, RetryFailedJobs, RetryJobCommand } from '@sunlight/queue';
import { Roles } from '../auth/access.js';
import { ErrorDto } from '../common/error.dto.js';
import { WholeNumberPipe, pageSize } from '../common/whole-number.pipe.js';
import { FailedJobPageDto, QueueCountsDto, RetryResultDto } from './dto.js';

/** A BullMQ job id: its own counter, or an id we gave it (`digest-12`, a scheduler's `repeat:…`). */
class JobIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[A-Za-z0-9:._-]{1,200}$/.test(value ?? '')) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: '参数 jobId 应为任务编号（字母、数字或 : . _ -） (jobId must be a job id)', parameter: 'jobId' });
    }
    return value;
  }
}

const QUEUE_PARAM = { name: 'name', enum: QueueName, enumName: 'QueueName', description: '队列' } as const;

/**
 * Queue health for the admin (队列监控): counts per queue, the failed jobs, and retrying them.
 * BullMQ's own API, so the same on Redis and on the PostgreSQL backend of the embedded default.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/admin/queues')
@Roles('admin')
export class QueuesController {
  constructor(
    private readonly health: QueueHealth,
    private readonly retryJobs: RetryFailedJobs,
  ) {}

  @Get()
  @ApiOperation({ summary: '各队列的等待、处理中、失败、延迟、已完成任务数，及消费进程数' })
  @ApiOkResponse({ type: [QueueCountsDto] })
  counts(): Promise<QueueCountsDto[]> {
    return this.health.counts();
  }

  @Get(':name/failed')
  @ApiOperation({ summary: '某队列的失败任务（最近失败的在前）：编号、任务、原因、尝试次数、时间' })
  @ApiParam(QUEUE_PARAM)
  @ApiQuery({ name: 'offset', required: false, description: '跳过的条数，默认 0' })
  @ApiQuery({ name: 'limit', required: false, description: '每页条数 1–200，默认 50' })
  @ApiOkResponse({ type: FailedJobPageDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  failed(@Param('name') name: string, @Query('offset', new WholeNumberPipe('offset', { min: 0, max: 1_000_000, fallback: 0 })) offset: number, @Query('limit', pageSize()) limit: number): Promise<FailedJobPageDto> {
    return this.health.failed(name, offset, limit);
  }

  @Post(':name/retry')
  @HttpCode(200)
  @ApiOperation({ summary: '重试某队列的全部失败任务（记入审计）' })
  @ApiParam(QUEUE_PARAM)
  @ApiOkResponse({ type: RetryResultDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  retryAll(@Param('name') name: string): Promise<RetryResultDto> {
    return this.retryJobs.execute(new RetryJobCommand(name));
  }

  @Post(':name/jobs/:jobId/retry')
  @HttpCode(200)
  @ApiOperation({ summary: '重试一个失败任务（记入审计）；不是失败状态的任务答 409' })
  @ApiParam(QUEUE_PARAM)
  @ApiOkResponse({ type: RetryResultDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto })
  retryOne(@Param('name') name: string, @Param('jobId', new JobIdPipe()) jobId: string): Promise<RetryResultDto> {
    return this.retryJobs.execute(new RetryJobCommand(name, jobId));
  }
}
