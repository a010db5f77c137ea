import { Logger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { EmbeddedRocketMQ, type RunningEmbeddedRocketMQ } from '../embedded/embedded-rocketmq.js';
import {
  EMBEDDED_ROCKETMQ_ASYNC_OPTIONS_TYPE,
  EMBEDDED_ROCKETMQ_MODULE_OPTIONS,
  EMBEDDED_ROCKETMQ_OPTIONS_TYPE,
  EmbeddedRocketMQConfigurableModule,
  type EmbeddedRocketMQModuleOptions,
} from './embedded-rocketmq.module-definition.js';
import { EmbeddedRocketMQLifecycle } from './embedded-rocketmq.lifecycle.js';
import { EMBEDDED_ROCKETMQ } from './embedded-rocketmq.tokens.js';

const runningBroker: Provider = {
  provide: EMBEDDED_ROCKETMQ,
  inject: [EMBEDDED_ROCKETMQ_MODULE_OPTIONS],
  useFactory: (options: EmbeddedRocketMQModuleOptions): Promise<RunningEmbeddedRocketMQ> =>
    EmbeddedRocketMQ.start({ logger: options.inWorker ? undefined : new Logger('EmbeddedRocketMQ'), ...options }),
};

function withBroker(definition: DynamicModule): DynamicModule {
  return {
    ...definition,
    providers: [...(definition.providers ?? []), runningBroker, EmbeddedRocketMQLifecycle],
    exports: [...(definition.exports ?? []), EMBEDDED_ROCKETMQ],
  };
}

/**
 * Starts a RocketMQ name server and broker inside the application (or in a child process with
 * `inWorker: true`) while the module initialises, and stops it at shutdown. Wire the client to it:
 *
 *   imports: [
 *     EmbeddedRocketMQModule.forRoot({ storeDir: '.data/rocketmq' }),
 *     RocketMQModule.forRootAsync({
 *       inject: [EMBEDDED_ROCKETMQ],
 *       useFactory: (mq: RunningEmbeddedRocketMQ) => ({ nameServer: mq.nameServer, producer: { group: 'app' } }),
 *     }),
 *   ]
 */
@Module({})
export class EmbeddedRocketMQModule extends EmbeddedRocketMQConfigurableModule {
  static override forRoot(options: typeof EMBEDDED_ROCKETMQ_OPTIONS_TYPE = {}): DynamicModule {
    return withBroker(super.forRoot(options));
  }

  static override forRootAsync(options: typeof EMBEDDED_ROCKETMQ_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withBroker(super.forRootAsync(options));
  }
}
