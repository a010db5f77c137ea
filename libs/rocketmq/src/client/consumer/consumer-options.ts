import type { ConsumeFromWhere, MessageModel } from '../../protocol/body/heartbeat-data.js';
import { RocketMQClientError } from '../../protocol/errors.js';
import type { ClientOptions } from '../client-options.js';
import { allocateAveragely, type AllocateMessageQueueStrategy } from './allocate-strategies.js';

export type ConsumeMode = 'CONCURRENTLY' | 'ORDERLY';

/** Options of a push consumer (Java's DefaultMQPushConsumer); defaults are Java's. */
export interface PushConsumerOptions extends ClientOptions {
  /** Consumer group. All members of a group must subscribe the same way and use the same strategy. */
  group: string;
  /** CLUSTERING (default): the group shares the queues; BROADCASTING: every member gets every message. */
  messageModel?: MessageModel;
  /** Where a group without a committed offset starts. Default CONSUME_FROM_LAST_OFFSET. */
  consumeFromWhere?: ConsumeFromWhere;
  /** For CONSUME_FROM_TIMESTAMP: a Date, ms since epoch, or Java's `yyyyMMddHHmmss` (local time). Default: 30 minutes ago. */
  consumeTimestamp?: Date | number | string;
  /** Default: averagely (Java's default). */
  allocateStrategy?: AllocateMessageQueueStrategy;
  /** CONCURRENTLY (default) or ORDERLY (one message at a time per queue, queue locked on the broker). */
  consumeMode?: ConsumeMode;
  /** Handler invocations running at once. Default 20. */
  consumeConcurrency?: number;
  /** Messages per handler invocation. Default 1. */
  consumeMessageBatchMaxSize?: number;
  /** Messages per pull. Default 32. */
  pullBatchSize?: number;
  /** Bytes per pull (5.x brokers). Default 256 KiB. */
  pullBatchSizeInBytes?: number;
  /** Pause pulling a queue while this many of its messages are cached. Default 1000. */
  pullThresholdForQueue?: number;
  /** Pause pulling a queue while this many MiB of its messages are cached. Default 100. */
  pullThresholdSizeForQueue?: number;
  /** Concurrent: pause pulling a queue while its cached offsets span more than this. Default 2000. */
  consumeConcurrentlyMaxSpan?: number;
  /** Pause between pulls of a queue, ms. Default 0. */
  pullIntervalMs?: number;
  /** Deliveries before a message goes to the DLQ: default 16 (concurrent), unlimited (orderly). */
  maxReconsumeTimes?: number;
  /** Orderly: pause of a queue after a failure, ms. Default 1000. */
  suspendCurrentQueueTimeMillis?: number;
  /** Concurrent: default delay level of retries (0 = broker decides: 3 + reconsumeTimes). */
  delayLevelWhenNextConsume?: number;
  /** Concurrent: a handler running longer is treated as failed (its message is retried). Default 15 min. */
  consumeTimeoutMs?: number;
  /** Orderly: one queue is consumed for at most this long before others get a turn, ms. Default 60000. */
  maxTimeConsumeContinuouslyMs?: number;
  /** How long the broker may hold a pull (long polling), ms. Default 15000. */
  brokerSuspendMaxTimeMs?: number;
  /** Network timeout of a held pull, ms. Default 30000. */
  consumerTimeoutMsWhenSuspend?: number;
  /** Wait after a failed pull, ms. Default 1000. */
  pullTimeDelayMsWhenException?: number;
  /** Send the subscription expression with every pull. Default false (the heartbeat's is used). */
  postSubscriptionWhenPull?: boolean;
  /** Broadcasting offsets directory. Default `~/.rocketmq_offsets`. */
  localOffsetStoreDir?: string;
  /**
   * QUERY_CONSUMER_OFFSET `setZeroIfNotFound` (5.x brokers). Unset, as Java: for a group without a
   * committed offset the broker answers 0 while the queue still holds its first message, so a new
   * group starts at the beginning of a young topic whatever `consumeFromWhere` says. `false`:
   * the broker answers "not found" and `consumeFromWhere` decides.
   */
  setZeroIfNotFound?: boolean;
}

export interface ResolvedPushConsumerOptions {
  group: string;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  consumeTimestamp: number;
  allocateStrategy: AllocateMessageQueueStrategy;
  consumeMode: ConsumeMode;
  consumeConcurrency: number;
  consumeMessageBatchMaxSize: number;
  pullBatchSize: number;
  pullBatchSizeInBytes: number;
  pullThresholdForQueue: number;
  pullThresholdSizeForQueue: number;
  consumeConcurrentlyMaxSpan: number;
  pullIntervalMs: number;
  /** −1 = unlimited. */
  maxReconsumeTimes: number;
  suspendCurrentQueueTimeMillis: number;
  delayLevelWhenNextConsume: number;
  consumeTimeoutMs: number;
  maxTimeConsumeContinuouslyMs: number;
  brokerSuspendMaxTimeMs: number;
  consumerTimeoutMsWhenSuspend: number;
  pullTimeDelayMsWhenException: number;
  postSubscriptionWhenPull: boolean;
  localOffsetStoreDir: string | undefined;
  setZeroIfNotFound: boolean | undefined;
}

/** Parses Java's `yyyyMMddHHmmss` (local time). */
export function parseConsumeTimestamp(value: Date | number | string): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (!m) throw new RocketMQClientError(`consumeTimestamp "${value}" is not in the yyyyMMddHHmmss format`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s).getTime();
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RocketMQClientError(`${name} must be a positive number, got ${value}`);
  return value;
}

export function resolvePushConsumerOptions(options: PushConsumerOptions): ResolvedPushConsumerOptions {
  const consumeMode = options.consumeMode ?? 'CONCURRENTLY';
  const batch = positive('consumeMessageBatchMaxSize', options.consumeMessageBatchMaxSize ?? 1);
  if (batch > 1024) throw new RocketMQClientError('consumeMessageBatchMaxSize must be at most 1024');
  const pullBatchSize = positive('pullBatchSize', options.pullBatchSize ?? 32);
  if (pullBatchSize > 1024) throw new RocketMQClientError('pullBatchSize must be at most 1024');
  return {
    group: options.group,
    messageModel: options.messageModel ?? 'CLUSTERING',
    consumeFromWhere: options.consumeFromWhere ?? 'CONSUME_FROM_LAST_OFFSET',
    consumeTimestamp: options.consumeTimestamp === undefined ? Date.now() - 30 * 60_000 : parseConsumeTimestamp(options.consumeTimestamp),
    allocateStrategy: options.allocateStrategy ?? allocateAveragely,
    consumeMode,
    consumeConcurrency: positive('consumeConcurrency', options.consumeConcurrency ?? 20),
    consumeMessageBatchMaxSize: batch,
    pullBatchSize,
    pullBatchSizeInBytes: positive('pullBatchSizeInBytes', options.pullBatchSizeInBytes ?? 256 * 1024),
    pullThresholdForQueue: positive('pullThresholdForQueue', options.pullThresholdForQueue ?? 1000),
    pullThresholdSizeForQueue: positive('pullThresholdSizeForQueue', options.pullThresholdSizeForQueue ?? 100),
    consumeConcurrentlyMaxSpan: positive('consumeConcurrentlyMaxSpan', options.consumeConcurrentlyMaxSpan ?? 2000),
    pullIntervalMs: options.pullIntervalMs ?? 0,
    maxReconsumeTimes: options.maxReconsumeTimes ?? (consumeMode === 'ORDERLY' ? -1 : 16),
    suspendCurrentQueueTimeMillis: options.suspendCurrentQueueTimeMillis ?? 1000,
    delayLevelWhenNextConsume: options.delayLevelWhenNextConsume ?? 0,
    consumeTimeoutMs: positive('consumeTimeoutMs', options.consumeTimeoutMs ?? 15 * 60_000),
    maxTimeConsumeContinuouslyMs: options.maxTimeConsumeContinuouslyMs ?? 60_000,
    brokerSuspendMaxTimeMs: options.brokerSuspendMaxTimeMs ?? 15_000,
    consumerTimeoutMsWhenSuspend: options.consumerTimeoutMsWhenSuspend ?? 30_000,
    pullTimeDelayMsWhenException: options.pullTimeDelayMsWhenException ?? 1000,
    postSubscriptionWhenPull: options.postSubscriptionWhenPull ?? false,
    localOffsetStoreDir: options.localOffsetStoreDir,
    setZeroIfNotFound: options.setZeroIfNotFound,
  };
}
