/** The NestJS layer: module, producer, listener decorators, transactions, registry, health. */
export { RocketMQModule } from './rocketmq.module.js';
export { RocketMQCoreModule } from './rocketmq-core.module.js';
export { ASYNC_OPTIONS_TYPE as RocketMQModuleAsyncOptions, OPTIONS_TYPE as RocketMQModuleForRootOptions } from './rocketmq.module-definition.js';
export type { RocketMQConsumerDefaults, RocketMQModuleExtras, RocketMQModuleOptions, RocketMQConnectionProducerOptions } from './interfaces/module-options.interface.js';
export type { RocketMQListenerOptions } from './interfaces/listener-options.interface.js';
export type { DelaySpec, HeaderValue, RocketMQRequestOptions, RocketMQSendOptions, SendCallback, TransactionSendOptions } from './interfaces/send-options.interface.js';
export {
  RocketMQLocalTransactionState,
  type RocketMQLocalTransactionListener,
  type TransactionContext,
  type TransactionListenerOptions,
} from './interfaces/transaction-listener.interface.js';
export {
  CONTENT_TYPE_PROPERTY,
  DEFAULT_CONNECTION,
  DEFAULT_TRANSACTION_FLOW,
  ROCKETMQ_CONTEXT_TYPE,
  TRANSACTION_FLOW_PROPERTY,
  getRocketMQConnectionToken,
  getRocketMQProducerToken,
} from './rocketmq.constants.js';
export { RocketMQConfigurationError, RocketMQTransactionFlowError } from './rocketmq.errors.js';
export { RocketMQListener } from './decorators/rocketmq-listener.decorator.js';
export { RocketMQTransactionListener } from './decorators/transaction-listener.decorator.js';
export { InjectRocketMQConnection, InjectRocketMQProducer } from './decorators/inject.decorators.js';
export { Ctx, Headers, MessageContext, Payload, RawMessage, RocketMQHeaders, RocketMQParamType, RocketMQPayload } from './decorators/param.decorators.js';
export { RocketMQListenerContext } from './context/rocketmq-listener-context.js';
export { RocketMQProducer } from './producer/rocketmq-producer.js';
export { parseDestination, type RocketMQDestination } from './producer/destination.js';
export { RocketMQConnection, type ConnectionPing } from './connection/rocketmq-connection.js';
export { RocketMQConnections } from './connection/connection-registry.js';
export { RocketMQListenerRegistry, type RocketMQListenerInfo } from './listeners/listener-registry.js';
export type { ListenerState, ListenerStats } from './listeners/listener-container.js';
export {
  RocketMQHealthCheckError,
  RocketMQHealthIndicator,
  type ConnectionHealth,
  type ConsumerGroupHealth,
  type HealthStatus,
  type RocketMQHealthIndicatorResult,
  type RocketMQHealthOptions,
} from './health/rocketmq-health.indicator.js';
export { RocketMQContentType, JsonSerializer, type RocketMQSerializer, type SerializedPayload } from './serialization/serializer.js';
export * from './microservices/index.js';
