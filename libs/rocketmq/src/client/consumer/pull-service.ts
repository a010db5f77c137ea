/**
 * The pull loop of a push consumer (Java's DefaultMQPushConsumerImpl.pullMessage): one loop per
 * owned queue, long-polling the broker, with local flow control, handing every batch to the
 * consume service. It stops when the queue's cache is dropped or the consumer shuts down.
 */
import type { RocketMQLogger } from '../../logger.js';
import type { SubscriptionData } from '../../protocol/body/heartbeat-data.js';
import { RocketMQResponseError } from '../../protocol/errors.js';
import type { MessageExt } from '../../protocol/message/message.js';
import { messageQueueToString, type MessageQueue } from '../../protocol/message/message-queue.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { RETRY_PREFIX } from '../namespace.js';
import type { ConsumerStats } from './consumer-stats.js';
import type { ResolvedPushConsumerOptions } from './consumer-options.js';
import type { OffsetStore } from './offset-store.js';
import type { PullApi } from './pull-api.js';
import type { ProcessQueue } from './process-queue.js';
import type { Rebalance } from './rebalance.js';

/** Java's PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL. */
const FLOW_CONTROL_DELAY_MS = 50;
/** Java's PULL_TIME_DELAY_MILLS_WHEN_BROKER_FLOW_CONTROL. */
const BROKER_FLOW_CONTROL_DELAY_MS = 20;
/** Java's PULL_TIME_DELAY_MILLS_WHEN_SUSPEND (paused consumer). */
const PAUSED_DELAY_MS = 1000;
/** Orderly: wait for the queue lock. */
const NOT_LOCKED_DELAY_MS = 3000;

export interface PullHost {
  readonly config: ResolvedPushConsumerOptions;
  readonly logger: RocketMQLogger;
  readonly offsetStore: OffsetStore;
  readonly rebalanceImpl: Rebalance;
  readonly stats: ConsumerStats;
  readonly pullApi: PullApi;
  isRunning(): boolean;
  isPaused(): boolean;
  subscription(topic: string): SubscriptionData | undefined;
  computePullFromWhere(mq: MessageQueue): Promise<number>;
  /** Pulled messages are cached in `pq`; `dispatch` says whether an orderly loop must start. */
  messagesPulled(messages: MessageExt[], pq: ProcessQueue, mq: MessageQueue, dispatch: boolean): void;
  /** Resolves after `ms`, or at once when the consumer shuts down. */
  sleep(ms: number): Promise<void>;
  requestRebalance(): void;
  /** Sends this client's heartbeat (its subscriptions) to the brokers now. */
  sendHeartbeat(): Promise<void>;
}

/** The broker does not hold this client's current subscription (yet): a heartbeat tells it. */
const STALE_SUBSCRIPTION_CODES: ReadonlySet<number> = new Set([
  ResponseCode.SUBSCRIPTION_NOT_EXIST,
  ResponseCode.SUBSCRIPTION_NOT_LATEST,
  ResponseCode.FILTER_DATA_NOT_EXIST,
  ResponseCode.FILTER_DATA_NOT_LATEST,
]);

export class PullService {
  constructor(private readonly host: PullHost) {}

  /** Starts pulling a newly assigned queue from `offset`. */
  start(mq: MessageQueue, pq: ProcessQueue, offset: number): void {
    void this.loop(mq, pq, offset).catch((error: Error) => {
      this.host.logger.error(`the pull loop of ${messageQueueToString(mq)} stopped: ${error.message}`, error.stack, 'PullService');
    });
  }

  /** Milliseconds to wait before the next pull because of local flow control, or 0. */
  private flowControlDelay(pq: ProcessQueue, mq: MessageQueue): number {
    const { config, logger } = this.host;
    if (this.host.isPaused()) return PAUSED_DELAY_MS;
    if (pq.cachedCount > config.pullThresholdForQueue || pq.cachedBytes > config.pullThresholdSizeForQueue * 1024 * 1024) {
      logger.debug?.(`flow control on ${messageQueueToString(mq)}: ${pq.cachedCount} messages / ${pq.cachedBytes} bytes cached`, 'PullService');
      return FLOW_CONTROL_DELAY_MS;
    }
    if (config.consumeMode === 'CONCURRENTLY' && pq.maxSpan() > config.consumeConcurrentlyMaxSpan) {
      logger.debug?.(`flow control on ${messageQueueToString(mq)}: cached offsets span ${pq.maxSpan()}`, 'PullService');
      return FLOW_CONTROL_DELAY_MS;
    }
    return 0;
  }

  private async loop(mq: MessageQueue, pq: ProcessQueue, offset: number): Promise<void> {
    const { host } = this;
    const { config } = host;
    const orderly = config.consumeMode === 'ORDERLY';
    let nextOffset = offset;
    let previouslyLocked = false;
    while (host.isRunning() && !pq.dropped) {
      pq.lastPullTimestamp = Date.now();
      const flowDelay = this.flowControlDelay(pq, mq);
      if (flowDelay > 0) {
        await host.sleep(flowDelay);
        continue;
      }
      if (orderly && config.messageModel === 'CLUSTERING') {
        if (!pq.locked) {
          await host.sleep(NOT_LOCKED_DELAY_MS);
          continue;
        }
        if (!previouslyLocked) {
          // The previous owner may have committed more since the queue was assigned.
          try {
            nextOffset = await host.computePullFromWhere(mq);
            previouslyLocked = true;
          } catch (error) {
            host.logger.warn(`no start offset for ${messageQueueToString(mq)}: ${(error as Error).message}`, 'PullService');
            await host.sleep(config.pullTimeDelayMsWhenException);
            continue;
          }
        }
      }
      const subscription = host.subscription(mq.topic);
      if (!subscription) {
        await host.sleep(config.pullTimeDelayMsWhenException);
        continue;
      }
      const commitOffset = config.messageModel === 'CLUSTERING' ? host.offsetStore.memoryOffset(mq) : -1;
      const started = Date.now();
      let result;
      try {
        result = await host.pullApi.pull({
          mq,
          subscription,
          offset: nextOffset,
          maxNums: config.pullBatchSize,
          maxBytes: config.pullBatchSizeInBytes,
          commitOffset,
          suspend: true,
          postSubscription: config.postSubscriptionWhenPull,
          suspendTimeoutMs: config.brokerSuspendMaxTimeMs,
          timeoutMs: config.consumerTimeoutMsWhenSuspend,
        });
      } catch (error) {
        if (!host.isRunning() || pq.dropped) return;
        const brokerFlowControl = error instanceof RocketMQResponseError && error.responseCode === ResponseCode.FLOW_CONTROL;
        if (!mq.topic.startsWith(RETRY_PREFIX) || !(error instanceof RocketMQResponseError && error.responseCode === ResponseCode.TOPIC_NOT_EXIST)) {
          host.logger.warn(`pulling ${messageQueueToString(mq)} at ${nextOffset} failed: ${(error as Error).message}`, 'PullService');
        }
        if (error instanceof RocketMQResponseError && STALE_SUBSCRIPTION_CODES.has(error.responseCode)) {
          // Java waits for the next periodic heartbeat (up to 30 s); sending one now lets the retry succeed
          await host.sendHeartbeat().catch(() => undefined);
        }
        await host.sleep(brokerFlowControl ? BROKER_FLOW_CONTROL_DELAY_MS : config.pullTimeDelayMsWhenException);
        continue;
      }
      if (!host.isRunning() || pq.dropped) return;
      host.stats.pulled(mq.topic, result.messages.length, Date.now() - started);
      pq.brokerMaxOffset = result.maxOffset;
      switch (result.status) {
        case 'FOUND': {
          nextOffset = result.nextBeginOffset;
          if (result.messages.length === 0) break;
          const dispatch = pq.putMessages(result.messages);
          host.messagesPulled(result.messages, pq, mq, dispatch);
          if (config.pullIntervalMs > 0) await host.sleep(config.pullIntervalMs);
          break;
        }
        case 'NO_NEW_MSG':
        case 'NO_MATCHED_MSG':
          nextOffset = result.nextBeginOffset;
          // Nothing cached: everything up to here is consumed (or filtered out).
          if (!pq.hasCachedMessages()) host.offsetStore.updateOffset(mq, nextOffset, true);
          break;
        case 'OFFSET_ILLEGAL':
          host.logger.warn(
            `offset ${nextOffset} of ${messageQueueToString(mq)} is illegal (queue holds ${result.minOffset}..${result.maxOffset}); restarting from ${result.nextBeginOffset}`,
            'PullService',
          );
          pq.dropped = true;
          try {
            await host.offsetStore.commitOffset(mq, result.nextBeginOffset);
          } catch (error) {
            host.logger.warn(`committing the corrected offset of ${messageQueueToString(mq)} failed: ${(error as Error).message}`, 'PullService');
          }
          await host.rebalanceImpl.removeProcessQueue(mq, pq);
          host.requestRebalance();
          return;
      }
    }
  }
}
