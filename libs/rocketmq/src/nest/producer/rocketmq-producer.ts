/**
 * The injectable producer (rocketmq-spring's RocketMQTemplate in spirit). Destinations are
 * `topic` or `topic:tag`; payloads go through the connection's serializer, which records the
 * content type so listeners deserialize symmetrically.
 */
import type { SendResult } from '../../client/producer/send-result.js';
import type { TransactionProducer, TransactionSendResult } from '../../client/producer/transaction-producer.js';
import { RocketMQClientError } from '../../protocol/errors.js';
import type { Message } from '../../protocol/message/message.js';
import type {
  DelaySpec,
  RocketMQRequestOptions,
  RocketMQSendOptions,
  SendCallback,
  TransactionSendOptions,
} from '../interfaces/send-options.interface.js';
import type { RocketMQConnection } from '../connection/rocketmq-connection.js';
import { CONTENT_TYPE_PROPERTY, DEFAULT_TRANSACTION_FLOW, TRANSACTION_FLOW_PROPERTY } from '../rocketmq.constants.js';
import { applyDelay, buildMessage } from './message-builder.js';

export class RocketMQProducer {
  constructor(private readonly connection: RocketMQConnection) {}

  /** The connection name. */
  get connectionName(): string {
    return this.connection.name;
  }

  /** The client producer, for what this facade does not cover (custom queue selection, ...). */
  unwrap(): TransactionProducer {
    return this.connection.rawProducer;
  }

  /** Builds the client message without sending it. */
  createMessage(destination: string, payload: unknown, options: RocketMQSendOptions = {}): Message {
    return buildMessage(destination, payload, this.connection.serializer, options);
  }

  /**
   * Sends and waits until the broker stored the message (retrying on another broker when one
   * fails). With `shardingKey` it is an ordered send.
   */
  send(destination: string, payload: unknown, options: RocketMQSendOptions = {}): Promise<SendResult> {
    const message = this.createMessage(destination, payload, options);
    return this.dispatch(message, options);
  }

  /**
   * Fire and track: returns at once; the outcome goes to `callback` (node style, or
   * `{ onSuccess, onException }`), or is logged when there is none — never an unhandled
   * rejection. Invalid destinations, headers or payloads throw synchronously.
   */
  sendAsync(destination: string, payload: unknown, callback?: SendCallback, options: RocketMQSendOptions = {}): void {
    const message = this.createMessage(destination, payload, options);
    this.dispatch(message, options).then(
      (result) => {
        if (typeof callback === 'function') callback(undefined, result);
        else callback?.onSuccess?.(result);
      },
      (error: Error) => {
        if (typeof callback === 'function') callback(error, undefined);
        else if (callback?.onException) callback.onException(error);
        else this.connection.logger.error(`sendAsync to ${destination} failed: ${error.message}`, error.stack, 'RocketMQProducer');
      },
    );
  }

  /** Sends without waiting for the broker's answer (no result, no retry). */
  async sendOneWay(destination: string, payload: unknown, options: Omit<RocketMQSendOptions, 'shardingKey' | 'timeoutMs'> = {}): Promise<void> {
    await this.connection.rawProducer.sendOneway(this.createMessage(destination, payload, options));
  }

  /** Ordered send: messages with the same sharding key go to the same queue, in order. */
  sendOrderly(destination: string, payload: unknown, shardingKey: string | number, options: Omit<RocketMQSendOptions, 'shardingKey'> = {}): Promise<SendResult> {
    return this.send(destination, payload, { ...options, shardingKey });
  }

  /**
   * Delayed delivery: `{ delayLevel }` (1..18, every broker), or `{ delayMs }` / `{ deliverAt }`
   * (5.x timer messages: TIMER_DELAY_MS / TIMER_DELIVER_MS; the broker's `timerWheelEnable` must be
   * on — 4.9 brokers ignore them and deliver at once; the broker caps delays at `timerMaxDelaySec`,
   * 3 days by default).
   */
  sendDelayed(destination: string, payload: unknown, delay: DelaySpec, options: Omit<RocketMQSendOptions, 'delayLevel'> = {}): Promise<SendResult> {
    const message = this.createMessage(destination, payload, options);
    applyDelay(message, delay);
    return this.dispatch(message, options);
  }

  /** Sends several payloads to one destination as one batch (one request, one queue). No delays in batches. */
  sendBatch(destination: string, payloads: readonly unknown[], options: Omit<RocketMQSendOptions, 'delayLevel' | 'shardingKey'> = {}): Promise<SendResult> {
    if (!Array.isArray(payloads) || payloads.length === 0) return Promise.reject(new RocketMQClientError('sendBatch needs at least one payload'));
    const messages = payloads.map((payload) => this.createMessage(destination, payload, options));
    return this.connection.rawProducer.sendBatch(messages, { timeoutMs: options.timeoutMs });
  }

  /**
   * Transactional send: stores a half message, runs the `@TransactionListener` of the flow
   * (`executeLocalTransaction(payload, arg, ctx)`) and commits or rolls back with its answer.
   * An unknown flow throws before anything is sent. If the local transaction throws, the message
   * stays UNKNOWN (the check-back settles it) and a LocalTransactionError is thrown.
   */
  sendInTransaction(destination: string, payload: unknown, arg?: unknown, flowOrOptions?: string | TransactionSendOptions): Promise<TransactionSendResult> {
    const options: TransactionSendOptions = typeof flowOrOptions === 'string' ? { flow: flowOrOptions } : (flowOrOptions ?? {});
    const flowName = options.flow ?? DEFAULT_TRANSACTION_FLOW;
    try {
      const flow = this.connection.flows.require(flowName);
      const message = this.createMessage(destination, payload, options);
      message.putProperty(TRANSACTION_FLOW_PROPERTY, flowName);
      return this.connection.rawProducer.sendMessageInTransaction(message, arg, (m, a) => this.connection.flows.execute(flow, m, payload, a));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Request-reply: sends and waits for the listener's return value (a `@RocketMQListener`
   * answering requests), deserialized. Rejects with RocketMQTimeoutError after `timeoutMs`.
   */
  async sendAndReceive<T = unknown>(destination: string, payload: unknown, options: RocketMQRequestOptions = {}): Promise<T> {
    const message = this.createMessage(destination, payload, options);
    const timeoutMs = options.timeoutMs ?? this.connection.options.producer?.sendTimeoutMs ?? 3000;
    const reply = await this.connection.rawProducer.request(message, timeoutMs, { shardingKey: options.shardingKey });
    return this.connection.serializer.deserialize(reply.body, reply.getProperty(CONTENT_TYPE_PROPERTY)) as T;
  }

  private dispatch(message: Message, options: RocketMQSendOptions): Promise<SendResult> {
    const client = this.connection.rawProducer;
    if (options.shardingKey !== undefined) return client.sendOrderly(message, options.shardingKey, { timeoutMs: options.timeoutMs });
    return client.send(message, { timeoutMs: options.timeoutMs });
  }
}
