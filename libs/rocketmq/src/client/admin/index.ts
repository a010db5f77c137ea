export {
  AdminClient,
  type CreateTopicResult,
  type DeleteSubscriptionGroupOptions,
  type QueryByKeyOptions,
  type QueryByUniqueKeyOptions,
  type SubscriptionGroupInput,
} from './admin-client.js';
export {
  AdminWaitTimeoutError,
  ClusterNotFoundError,
  ConsumerNotOnlineError,
  MessageNotFoundError,
  RocketMQAdminError,
  SubscriptionGroupNotFoundError,
  TopicNotFoundError,
} from './admin-errors.js';
export type { BrokerReplica, BrokerSummary, ClusterOverview } from './cluster-overview.js';
export type { ConsumerClientConnection, ConsumerConnection } from './consumer-connection.js';
export type { ConsumerProgress, QueueProgress } from './consumer-progress.js';
export { DEFAULT_TEMPLATE_TOPIC, Perm, type CreateTopicOptions } from './create-topic.js';
export type { TopicQueueStats, TopicStats } from './topic-stats.js';
