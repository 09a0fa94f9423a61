import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { QueueName, QueueRegistry } from '@sunlight/queue';
import { Public } from '../auth/access.js';

@ApiTags('health')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly queues: QueueRegistry,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: '数据库与队列是否可用 (database and queue)' })
  check() {
    return this.health.check([
      () => this.db.pingCheck('database').withTimeout(3000),
      () =>
        this.indicators
          .check('queue')
          .attempt(async () => {
            const counts = await this.queues.get(QueueName.Checks).queue.getJobCounts('waiting', 'active', 'failed');
            return { backend: this.queues.backend.description, checks: counts };
          })
          .withTimeout(3000),
    ]);
  }
}
