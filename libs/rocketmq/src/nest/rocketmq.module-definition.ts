import { ConfigurableModuleBuilder, type DynamicModule, type Provider } from '@nestjs/common';
import { RocketMQConnections } from './connection/connection-registry.js';
import { RocketMQConnection } from './connection/rocketmq-connection.js';
import type { RocketMQModuleExtras, RocketMQModuleOptions } from './interfaces/module-options.interface.js';
import { RocketMQProducer } from './producer/rocketmq-producer.js';
import { RocketMQCoreModule } from './rocketmq-core.module.js';
import { DEFAULT_CONNECTION, getRocketMQConnectionToken, getRocketMQProducerToken } from './rocketmq.constants.js';

/** Each forRoot module holds its own options under this token (not exported). */
export const ROCKETMQ_MODULE_OPTIONS = 'ROCKETMQ_MODULE_OPTIONS';

/** Adds the connection and its producer, under tokens of the connection's name. */
function withConnection(definition: DynamicModule, extras: RocketMQModuleExtras): DynamicModule {
  const name = extras.name ?? DEFAULT_CONNECTION;
  const connectionToken = getRocketMQConnectionToken(name);
  const producerToken = getRocketMQProducerToken(name);
  const providers: Provider[] = [
    {
      provide: connectionToken,
      useFactory: (options: RocketMQModuleOptions, connections: RocketMQConnections) => new RocketMQConnection(name, options, connections),
      inject: [ROCKETMQ_MODULE_OPTIONS, RocketMQConnections],
    },
    { provide: producerToken, useFactory: (connection: RocketMQConnection) => connection.producer, inject: [connectionToken] },
  ];
  const exported: (string | typeof RocketMQProducer | typeof RocketMQConnection)[] = [connectionToken, producerToken];
  if (name === DEFAULT_CONNECTION) {
    providers.push({ provide: RocketMQProducer, useExisting: producerToken }, { provide: RocketMQConnection, useExisting: connectionToken });
    exported.push(RocketMQProducer, RocketMQConnection);
  }
  return {
    ...definition,
    global: extras.isGlobal ?? true,
    imports: [...(definition.imports ?? []), RocketMQCoreModule],
    providers: [...(definition.providers ?? []), ...providers],
    exports: [...(definition.exports ?? []), ...exported],
  };
}

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<RocketMQModuleOptions>({
  moduleName: 'RocketMQ',
  optionsInjectionToken: ROCKETMQ_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<RocketMQModuleExtras>({ name: DEFAULT_CONNECTION, isGlobal: true }, withConnection)
  .build();
