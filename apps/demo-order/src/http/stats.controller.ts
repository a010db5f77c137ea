import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConsumerStats } from '../consumers/consumer-stats.js';
import { DemoTotals, type DemoTotalsSnapshot } from './demo-totals.js';

@ApiTags('operations')
@Controller('stats')
export class StatsController {
  constructor(
    private readonly stats: ConsumerStats,
    private readonly totals: DemoTotals,
  ) {}

  @Get()
  @ApiOperation({ summary: "This process's delivery counters and the database's totals (orders, effects, violations)" })
  async get(): Promise<{ deliveries: ReturnType<ConsumerStats['snapshot']>; totals: DemoTotalsSnapshot }> {
    return { deliveries: this.stats.snapshot(), totals: await this.totals.read() };
  }
}
