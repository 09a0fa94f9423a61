import { ApiProperty } from '@nestjs/swagger';
import { JobName, QueueName } from '@sunlight/queue';

export class QueueCountsDto {
  @ApiProperty({ enum: QueueName, enumName: 'QueueName' }) name: QueueName;
  @ApiProperty({ example: '文件导入' }) label: string;
  @ApiProperty({ description: '等待处理' }) waiting: number;
  @ApiProperty({ description: '正在处理' }) active: number;
  @ApiProperty({ description: '失败（不再自动重试）' }) failed: number;
  @ApiProperty({ description: '延迟（等待重试或定时）' }) delayed: number;
  @ApiProperty({ description: '已完成（保留 7 天、最多 1000 个）' }) completed: number;
}

export class FailedJobDto {
  @ApiProperty({ example: '17' }) id: string;
  @ApiProperty({ enum: JobName, enumName: 'JobName' }) name: string;
  @ApiProperty({ example: '导入发放批次' }) label: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: '任务参数（只含编号）', example: { batchId: '12' } }) data: Record<string, unknown>;
  @ApiProperty({ description: '失败原因' }) failedReason: string;
  @ApiProperty({ description: '已尝试次数' }) attemptsMade: number;
  @ApiProperty({ description: '允许的尝试次数' }) attempts: number;
  @ApiProperty({ format: 'date-time', description: '入队时间' }) timestamp: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: '最近一次失败的时间' }) failedAt: string | null;
}

export class FailedJobPageDto {
  @ApiProperty({ enum: QueueName, enumName: 'QueueName' }) queue: QueueName;
  @ApiProperty({ description: '失败任务总数' }) total: number;
  @ApiProperty({ type: [FailedJobDto], description: '最近失败的在前' }) items: FailedJobDto[];
}

export class RetryResultDto {
  @ApiProperty({ enum: QueueName, enumName: 'QueueName' }) queue: string;
  @ApiProperty({ description: '重新排队的任务数' }) retried: number;
}
