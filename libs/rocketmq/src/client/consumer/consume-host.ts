/** What the consume services need from their push consumer. */
import type { RocketMQLogger } from '../../logger.js';
import type { MessageExt } from '../../protocol/message/message.js';
import type { MessageQueue } from '../../protocol/message/message-queue.js';
import type { ConsumeOutcome } from './consume-types.js';
import type { ConsumerStats } from './consumer-stats.js';
import type { ResolvedPushConsumerOptions } from './consumer-options.js';
import type { OffsetStore } from './offset-store.js';
import type { Rebalance } from './rebalance.js';

export interface ConsumeHost {
  readonly config: ResolvedPushConsumerOptions;
  readonly logger: RocketMQLogger;
  readonly offsetStore: OffsetStore;
  readonly rebalanceImpl: Rebalance;
  readonly stats: ConsumerStats;
  /** False once shutdown began: no new handler invocations. */
  isRunning(): boolean;
  /** Runs the user's handler on a batch of one queue. */
  invokeHandler(messages: MessageExt[], mq: MessageQueue, orderly: boolean): Promise<ConsumeOutcome>;
  /** Concurrent retry: CONSUMER_SEND_MSG_BACK, falling back to a send to the retry topic. False if both failed. */
  sendMessageBack(message: MessageExt, delayLevel: number, mq: MessageQueue): Promise<boolean>;
  /** Orderly, max reconsume times reached: a send to the retry topic the broker diverts to the DLQ. */
  sendToDeadLetterQueue(message: MessageExt): Promise<boolean>;
  /** The max reconsume times in effect (−1 resolved). */
  maxReconsumeTimes(): number;
  /** Runs `task` after `delayMs` unless the consumer shuts down first. */
  later(delayMs: number, task: () => void): void;
}
