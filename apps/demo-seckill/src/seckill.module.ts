/**
 * The app's Nest module, built from a validated config. The role picks the parts: `api` serves HTTP
 * and produces, `consumer` runs the order listener, `all` both.
 */
import { type DynamicModule, Inject, Module, type OnApplicationShutdown, type Provider, RequestMethod } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { RocketMQModule } from '@app/rocketmq';
import type { SeckillConfig } from './config/seckill-config.js';
import type { SeckillGate } from './gate/seckill-gate.js';
import { HealthController } from './http/health.controller.js';
import { SalesController } from './http/sales.controller.js';
import { SeckillController } from './http/seckill.controller.js';
import { SeckillService } from './http/seckill.service.js';
import { FixedRateLimiter } from './orders/fixed-rate-limiter.js';
import { orderListenerClass } from './orders/order-listener.js';
import { OrderPlacementService } from './orders/order-placement.service.js';
import type { OrderRepository } from './orders/order-repository.js';
import { ORDER_RATE_LIMITER, ORDER_REPOSITORY, SECKILL_CONFIG, SECKILL_GATE } from './tokens.js';

/** Closes the gate and the database last, after the listeners drained (module destroy) and the producers stopped. */
class ResourceCloser implements OnApplicationShutdown {
  constructor(
    @Inject(SECKILL_GATE) private readonly gate: SeckillGate,
    @Inject(ORDER_REPOSITORY) private readonly orders: OrderRepository,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.gate.close(), this.orders.close()]);
  }
}

@Module({})
export class SeckillModule {
  /** `gate` and `orders` are opened by the caller (startSeckillApp); the module closes them at shutdown. */
  static forRoot(config: SeckillConfig, nameServer: string, resources: { gate: SeckillGate; orders: OrderRepository }): DynamicModule {
    const serveHttp = config.role !== 'consumer';
    const consume = config.role !== 'api';
    const providers: Provider[] = [
      { provide: SECKILL_CONFIG, useValue: config },
      { provide: SECKILL_GATE, useValue: resources.gate },
      { provide: ORDER_REPOSITORY, useValue: resources.orders },
      ResourceCloser,
    ];
    if (serveHttp) providers.push(SeckillService);
    if (consume) {
      // a little burst so a consumer that was idle starts at full speed, without exceeding the rate over any second
      const burst = Math.max(1, Math.floor(config.orders.ratePerSec / 50));
      providers.push({ provide: ORDER_RATE_LIMITER, useValue: new FixedRateLimiter(config.orders.ratePerSec, burst) }, OrderPlacementService, orderListenerClass(config));
    }
    return {
      module: SeckillModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: { level: config.logLevel, autoLogging: false, quietReqLogger: true },
          // the accept path stays lean: no per-request child logger on the hot route
          exclude: [{ method: RequestMethod.POST, path: 'seckill' }],
        }),
        RocketMQModule.forRoot({
          nameServer,
          // offsets committed every second (default 5): a consumer killed -9 leaves at most about a second of
          // handled messages to be delivered again, each of which costs a rate-limiter slot and a database check
          persistConsumerOffsetIntervalMs: 1000,
          producer: { group: config.rocketmq.producerGroup, sendTimeoutMs: 3000 },
          shutdownDrainTimeoutMs: config.shutdownDrainTimeoutMs,
        }),
        ...(serveHttp ? [TerminusModule] : []),
      ],
      controllers: serveHttp ? [SeckillController, SalesController, HealthController] : [],
      providers,
    };
  }
}
