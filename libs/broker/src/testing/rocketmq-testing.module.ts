import { Module, type DynamicModule } from '@nestjs/common';
import { RocketMQModule, type RocketMQModuleOptions } from '@app/rocketmq';
import type { EmbeddedRocketMQOptions, RunningEmbeddedRocketMQ } from '../embedded/embedded-rocketmq.js';
import { EmbeddedRocketMQModule } from '../nest/embedded-rocketmq.module.js';
import { EMBEDDED_ROCKETMQ } from '../nest/embedded-rocketmq.tokens.js';

export interface RocketMQTestingModuleOptions extends Omit<RocketMQModuleOptions, 'nameServer'> {
  /** The embedded broker's options; the defaults suit tests (temp store, free ports, 1 s transaction check-back). */
  broker?: EmbeddedRocketMQOptions;
}

/** Broker settings that make time-based behaviour observable within a test's timeout. */
const TEST_BROKER_CONFIG: EmbeddedRocketMQOptions['brokerConfig'] = {
  transactionCheckInterval: 1000,
  transactionTimeOut: 1000,
  mappedFileSizeCommitLog: 64 * 1024 * 1024,
};

/**
 * `RocketMQModule` wired to an embedded broker on free ports, for an application's tests:
 *
 *   const moduleRef = await Test.createTestingModule({
 *     imports: [RocketMQTestingModule.forRoot({ producer: { group: 'orders' } }), OrdersModule],
 *   }).compile();
 *
 * The broker starts while the module initialises (a temp store), the listeners and producer of
 * the application connect to it, and `app.close()` stops the consumers, then the broker, and
 * removes the store. Inject `EMBEDDED_ROCKETMQ` for its address.
 */
@Module({})
export class RocketMQTestingModule {
  static forRoot(options: RocketMQTestingModuleOptions = {}): DynamicModule {
    const { broker, ...moduleOptions } = options;
    return {
      module: RocketMQTestingModule,
      // the broker module comes first, so its shutdown hook runs after the connection's (Nest runs them in reverse)
      imports: [
        EmbeddedRocketMQModule.forRoot({ ...broker, brokerConfig: { ...TEST_BROKER_CONFIG, ...broker?.brokerConfig } }),
        RocketMQModule.forRootAsync({
          inject: [EMBEDDED_ROCKETMQ],
          useFactory: (mq: RunningEmbeddedRocketMQ): RocketMQModuleOptions => ({ ...moduleOptions, nameServer: mq.nameServer }),
        }),
      ],
    };
  }
}
