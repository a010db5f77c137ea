export {
  allocateAveragely,
  allocateAveragelyByCircle,
  allocateByConfig,
  allocateConsistentHash,
  md5Hash,
  type AllocateMessageQueueStrategy,
} from './allocate-strategies.js';
export type { BatchMessageHandler, ConsumeContext, ConsumeResult, MessageHandler } from './consume-types.js';
export { parseConsumeTimestamp, type ConsumeMode, type PushConsumerOptions } from './consumer-options.js';
export { PushConsumer, type ConsumerQueueStats, type ShutdownOptions } from './push-consumer.js';
export { PullConsumer, type PullConsumerOptions } from './pull-consumer.js';
export { defaultLocalOffsetStoreDir, LocalFileOffsetStore } from './local-file-offset-store.js';
export { RemoteOffsetStore } from './remote-offset-store.js';
export { OFFSET_NOT_FOUND, type OffsetStore, type ReadOffsetType } from './offset-store.js';
export type { PullStatus } from './pull-api.js';
