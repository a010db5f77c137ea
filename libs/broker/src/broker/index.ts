/** The broker: configuration, the context contract features code against, and the Broker itself. */
export { Broker, BrokerStateError, storeOptionsOf, type BrokerOptions } from './broker.js';
export { defaultBrokerConfig, parseDelayLevels, DEFAULT_MESSAGE_DELAY_LEVEL, type BrokerConfig } from './broker-config.js';
export type {
  BrokerContext,
  BrokerLogger,
  BrokerService,
  ClientRegistry,
  ConsumerGroupInfo,
  ConsumerOffsetRegistry,
  InternalMessage,
  PutHook,
  SubscriptionGroupRegistry,
  TopicConfigRegistry,
} from './broker-context.js';
export { installDefaultFeatures, FEATURE_FOLDERS } from './features.js';
export { PutRefusedError } from './processors/processor-context.js';
export * from './metadata/system-topics.js';
export { brokerConfigFromProperties, BrokerConfigError, type ParsedBrokerConfig } from './broker-config-file.js';
