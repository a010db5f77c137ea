/** What message handlers receive and return. */
import type { MessageExt } from '../../protocol/message/message.js';
import type { MessageQueue } from '../../protocol/message/message-queue.js';

/**
 * A handler's verdict. Returning nothing means SUCCESS; throwing means RECONSUME_LATER.
 * - `RECONSUME_LATER` (concurrent): the message goes back to the broker and returns after a
 *   backoff (delay level 3 + reconsumeTimes unless the context says otherwise), and after
 *   `maxReconsumeTimes` attempts into `%DLQ%<group>`.
 * - `SUSPEND` (orderly): the queue pauses `suspendCurrentQueueTimeMillis` and the same
 *   messages are retried in place, keeping the order. For concurrent consumers it is RECONSUME_LATER,
 *   and for orderly consumers RECONSUME_LATER means SUSPEND.
 */
export type ConsumeResult = 'SUCCESS' | 'RECONSUME_LATER' | 'SUSPEND';

export interface ConsumeContext {
  /** The consumer group (without namespace). */
  readonly group: string;
  /** The queue the messages come from (topic without namespace). */
  readonly messageQueue: MessageQueue;
  readonly orderly: boolean;
  /**
   * Concurrent consumption: delay level of the retry of failed messages. 0 lets the broker choose
   * (3 + reconsumeTimes: 10 s, 30 s, 1 min, ...), a level 1..18 fixes it (1 = 1 s), −1 sends the
   * message straight to the DLQ.
   */
  delayLevelWhenNextConsume: number;
  /** Orderly consumption: how long the queue pauses before a failed batch is retried, ms. */
  suspendCurrentQueueTimeMillis: number;
  /**
   * Batch handlers, concurrent consumption: index of the last message consumed successfully
   * when the handler returns SUCCESS; messages after it are retried. Default: all succeeded.
   */
  ackIndex: number;
}

/** Handles one message; batches are handed over message by message. */
export type MessageHandler = (message: MessageExt, context: ConsumeContext) => Promise<ConsumeResult | void> | ConsumeResult | void;

/** Handles a batch of up to `consumeMessageBatchMaxSize` messages of one queue at once. */
export type BatchMessageHandler = (messages: MessageExt[], context: ConsumeContext) => Promise<ConsumeResult | void> | ConsumeResult | void;

/** The outcome of one handler invocation, as the consume services see it. */
export interface ConsumeOutcome {
  /** Messages to retry (concurrent: any; orderly: the suffix from the first failure). */
  failed: MessageExt[];
  context: ConsumeContext;
  /** The first error a handler threw, for logs. */
  error?: unknown;
  /** Wall time of the invocation, ms. */
  elapsedMs: number;
}
