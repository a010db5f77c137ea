import type { SendResult } from '../../client/producer/send-result.js';

export type HeaderValue = string | number | boolean;

/** Options of every `RocketMQProducer` send. */
export interface RocketMQSendOptions {
  /** Message keys (indexed by the broker; `mqadmin queryMsgByKey`). */
  keys?: string | readonly string[];
  /**
   * User properties. Names reserved by RocketMQ (KEYS, TAGS, DELAY, ...) are rejected; use the
   * dedicated options instead. Visible to SQL92 filters and to `@Headers()` on the listener side.
   */
  headers?: Readonly<Record<string, HeaderValue>>;
  /** Overrides the tag of the destination (`topic:tag`). */
  tags?: string;
  /** 4.x delay level 1..18 (1 s, 5 s, 10 s, 30 s, 1 min, ... 2 h). */
  delayLevel?: number;
  /** Ordered send: messages with the same key go to the same queue. */
  shardingKey?: string | number;
  /** Time budget of the send including retries, ms (default: the producer's `sendTimeoutMs`). */
  timeoutMs?: number;
}

/**
 * When a delayed message is delivered: a 4.x delay level, or (5.x brokers with the timer wheel)
 * a delay in ms / an absolute time. 4.9 brokers ignore `delayMs` / `deliverAt` and deliver at once.
 */
export type DelaySpec = { delayLevel: number } | { delayMs: number } | { deliverAt: Date | number };

export interface RocketMQRequestOptions extends Omit<RocketMQSendOptions, 'delayLevel'> {
  /** How long to wait for the reply, ms. Default: the producer's `sendTimeoutMs` (3000). */
  timeoutMs?: number;
}

export interface TransactionSendOptions extends Omit<RocketMQSendOptions, 'delayLevel' | 'shardingKey'> {
  /** The `@TransactionListener` flow to run; default `"default"`. */
  flow?: string;
}

/** Callback of `sendAsync`: node style, or an object with onSuccess / onException (rocketmq-spring style). */
export type SendCallback =
  | ((error: Error | undefined, result: SendResult | undefined) => void)
  | { onSuccess?(result: SendResult): void; onException?(error: Error): void };
