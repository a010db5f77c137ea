import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthIndicatorResult } from '@nestjs/terminus';
import { RocketMQHealthIndicator } from '@app/rocketmq';
import type { SqlDatabase } from '../database/sql-database.js';
import { ORDER_DATABASE } from '../order-app.tokens.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly rocketmq: RocketMQHealthIndicator,
    @Inject(ORDER_DATABASE) private readonly db: SqlDatabase,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.rocketmq.isHealthy('rocketmq', { includeLag: false }) as Promise<HealthIndicatorResult>,
      async (): Promise<HealthIndicatorResult> => {
        await this.db.query('SELECT 1');
        return { database: { status: 'up', engine: this.db.description } };
      },
    ]);
  }
}
