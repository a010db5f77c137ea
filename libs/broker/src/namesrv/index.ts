/** The embeddable RocketMQ name server. */
export { NameServer, NameServerStateError, type NameServerOptions } from './name-server.js';
export {
  RouteInfoManager,
  type BrokerChannel,
  type BrokerLiveInfo,
  type RegisterBrokerInput,
  type RegisterBrokerResult,
  type RouteInfoManagerOptions,
  type UnregisterBrokerInput,
} from './route-info-manager.js';
export { KVConfigManager } from './kv-config-manager.js';
export {
  ORDER_TOPIC_CONFIG_NAMESPACE,
  NamesrvConfigError,
  defaultNamesrvConfig,
  namesrvConfigToProperties,
  parseProperties,
  type NamesrvConfig,
} from './namesrv-config.js';
export { STANDARD_JSON_ROUTE_VERSION, topicNotExistRemark } from './namesrv-processor.js';
export * from './namesrv-headers.js';
export type { NamesrvLogger } from './namesrv-logger.js';
