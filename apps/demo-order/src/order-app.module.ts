/** The demo's Nest module, assembled from the validated configuration and the opened database. */
import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { RocketMQModule, type RocketMQLogger } from '@app/rocketmq';
import type { OrderAppConfig } from './config/order-config.js';
import { ConsumerStats } from './consumers/consumer-stats.js';
import { IdempotentEffects } from './consumers/idempotent-effects.js';
import { InventoryConsumer } from './consumers/inventory.consumer.js';
import { NotificationConsumer } from './consumers/notification.consumer.js';
import { PointsConsumer } from './consumers/points.consumer.js';
import type { SqlDatabase } from './database/sql-database.js';
import { DemoTotals } from './http/demo-totals.js';
import { HealthController } from './http/health.controller.js';
import { StatsController } from './http/stats.controller.js';
import { ORDER_CONFIG, ORDER_DATABASE } from './order-app.tokens.js';
import { LISTENER_IDS } from './order-topics.js';
import { OrderCreatedTransaction } from './orders/order-created.transaction.js';
import { OrderRepository } from './orders/order-repository.js';
import { OrdersController } from './orders/orders.controller.js';
import { OrdersService } from './orders/orders.service.js';
import { StatusOutbox } from './status/status-outbox.js';
import { StatusRelayConsumer } from './status/status-relay.consumer.js';
import { StatusTrackerConsumer } from './status/status-tracker.consumer.js';

export interface OrderAppModuleOptions {
  config: OrderAppConfig;
  db: SqlDatabase;
  nameServer: string;
  /** RocketMQ client logs; default Nest's logger (i.e. pino once the app uses it). */
  rocketmqLogger?: RocketMQLogger;
}

@Module({})
export class OrderAppModule {
  static register({ config, db, nameServer, rocketmqLogger }: OrderAppModuleOptions): DynamicModule {
    const consumersOn = config.role !== 'api';
    const runs = (name: OrderAppConfig['consumers'][number]) => consumersOn && config.consumers.includes(name);
    const controllers: Type[] = [HealthController, StatsController];
    if (config.role !== 'consumers') controllers.push(OrdersController);
    const providers: Provider[] = [
      { provide: ORDER_CONFIG, useValue: config },
      { provide: ORDER_DATABASE, useValue: db },
      OrderRepository,
      OrdersService,
      StatusOutbox,
      // Every role answers check-backs: any instance of the producer group may be asked.
      OrderCreatedTransaction,
      ConsumerStats,
      IdempotentEffects,
      DemoTotals,
      InventoryConsumer,
      PointsConsumer,
      NotificationConsumer,
      StatusRelayConsumer,
      StatusTrackerConsumer,
    ];
    return {
      module: OrderAppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            transport: config.logPretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
            // Request logs at debug: at 200 orders/s info-level access logs would drown the rest.
            customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'debug'),
          },
        }),
        TerminusModule,
        RocketMQModule.forRoot({
          nameServer,
          ...(rocketmqLogger ? { logger: rocketmqLogger } : {}),
          producer: { group: config.producerGroup },
          consumerDefaults: { consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' },
          listeners: {
            [LISTENER_IDS.inventory]: runs('inventory'),
            [LISTENER_IDS.points]: runs('points'),
            [LISTENER_IDS.notification]: runs('notification'),
            [LISTENER_IDS.statusRelay]: runs('status'),
            [LISTENER_IDS.statusTracker]: runs('status'),
          },
          shutdownDrainTimeoutMs: 10_000,
        }),
      ],
      controllers,
      providers,
    };
  }
}
