import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { RocketMQHealthIndicator } from '@app/rocketmq';
import type { SeckillGate } from '../gate/seckill-gate.js';
import type { OrderRepository } from '../orders/order-repository.js';
import { ORDER_REPOSITORY, SECKILL_GATE } from '../tokens.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly rocketmq: RocketMQHealthIndicator,
    @Inject(SECKILL_GATE) private readonly gate: SeckillGate,
    @Inject(ORDER_REPOSITORY) private readonly orders: OrderRepository,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.rocketmq.isHealthy('rocketmq'),
      async () => ({ database: { status: 'up' as const, description: this.orders.description } }),
      async () => ({ gate: { status: 'up' as const, kind: this.gate.kind } }),
    ]);
  }
}
