/**
 * One push consumer serving the listeners of one group: it routes each message to the method of
 * its topic and tag, deserializes the payload, invokes the Nest-wrapped handler, answers requests
 * with the return value, and turns an exception into a retry (concurrent: back to the broker;
 * orderly: the queue is suspended).
 */
import type { ConsumeContext } from '../../client/consumer/consume-types.js';
import type { PushConsumerOptions } from '../../client/consumer/consumer-options.js';
import { PushConsumer } from '../../client/consumer/push-consumer.js';
import { createReplyMessage } from '../../client/producer/reply.js';
import type { MessageExt } from '../../protocol/message/message.js';
import type { RocketMQConnection } from '../connection/rocketmq-connection.js';
import { isRequestMessage, RocketMQListenerContext } from '../context/rocketmq-listener-context.js';
import { CONTENT_TYPE_PROPERTY } from '../rocketmq.constants.js';
import { routeMessage, type ConsumerPlan, type PlannedListener } from './consumer-plan.js';

/** The Nest-wrapped handler: `(payload, context) => result`. */
export type ListenerInvoker = (payload: unknown, context: RocketMQListenerContext) => Promise<unknown>;

export type ListenerState = 'disabled' | 'created' | 'starting' | 'running' | 'paused' | 'stopping' | 'stopped' | 'failed';

export interface ListenerStats {
  handled: number;
  failed: number;
  replied: number;
  lastError?: { message: string; at: number };
}

const DEFAULT_DRAIN_MS = 30_000;

export class ListenerContainer {
  readonly consumer: PushConsumer;
  readonly stats = new Map<string, ListenerStats>();
  private _state: ListenerState = 'created';
  private startError: Error | undefined;
  /** While paused, handlers wait here: fetching stops, and messages already fetched wait too. */
  private gate: { promise: Promise<void>; open(): void } | undefined;

  constructor(
    readonly plan: ConsumerPlan<ListenerInvoker>,
    readonly connection: RocketMQConnection,
  ) {
    this.consumer = new PushConsumer(this.consumerOptions());
    for (const route of plan.topics.values()) this.consumer.subscribe(route.topic, route.expression, route.type);
    this.consumer.onMessage((message, context) => this.handle(message, context));
    for (const l of plan.listeners) this.stats.set(l.id, { handled: 0, failed: 0, replied: 0 });
  }

  get state(): ListenerState {
    return this._state;
  }

  get error(): Error | undefined {
    return this.startError;
  }

  /** The group as the broker knows it (with namespace). */
  get wireGroup(): string {
    return this.consumer.group;
  }

  async start(): Promise<void> {
    if (this._state !== 'created') return;
    this._state = 'starting';
    try {
      await this.consumer.start();
      this._state = 'running';
    } catch (error) {
      this._state = 'failed';
      this.startError = error as Error;
      throw error;
    }
  }

  /** Stops pulling, waits for running handlers (drain), commits offsets and leaves the group. */
  async stop(): Promise<void> {
    if (this._state === 'stopped' || this._state === 'stopping') return;
    const wasStarted = this._state !== 'created';
    this._state = 'stopping';
    this.openGate();
    const drainTimeoutMs = this.plan.settings.awaitTerminationMillisWhenShutdown ?? this.connection.options.shutdownDrainTimeoutMs ?? DEFAULT_DRAIN_MS;
    if (wasStarted) await this.consumer.shutdown({ drainTimeoutMs });
    else await this.consumer.shutdown();
    this._state = 'stopped';
  }

  /**
   * Stops fetching, and holds messages already fetched (or returned by a pull the broker was
   * holding) until {@link resume}: no handler starts while paused. Shutdown releases them.
   */
  pause(): void {
    if (this._state !== 'running') return;
    this.consumer.pause();
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gate = { promise, open };
    this._state = 'paused';
  }

  resume(): void {
    if (this._state !== 'paused') return;
    this._state = 'running';
    this.openGate();
    this.consumer.resume();
  }

  private openGate(): void {
    const gate = this.gate;
    this.gate = undefined;
    gate?.open();
  }

  private consumerOptions(): PushConsumerOptions {
    const s = this.plan.settings;
    const base = this.connection.clientOptions();
    const options: PushConsumerOptions = {
      ...base,
      ...this.connection.options.consumerDefaults,
      group: this.plan.group,
      namespace: this.plan.namespace ?? base.namespace,
    };
    const set = <K extends keyof PushConsumerOptions>(key: K, value: PushConsumerOptions[K] | undefined) => {
      if (value !== undefined) options[key] = value;
    };
    set('instanceName', s.instanceName);
    set('messageModel', s.messageModel);
    set('consumeMode', s.consumeMode);
    set('maxReconsumeTimes', s.maxReconsumeTimes);
    set('consumeConcurrency', s.consumeThreadNumber ?? s.consumeConcurrency);
    set('consumeTimeoutMs', s.consumeTimeout === undefined ? undefined : s.consumeTimeout * 60_000);
    set('delayLevelWhenNextConsume', s.delayLevelWhenNextConsume);
    set('suspendCurrentQueueTimeMillis', s.suspendCurrentQueueTimeMillis);
    set('consumeFromWhere', s.consumeFromWhere);
    set('consumeTimestamp', s.consumeTimestamp);
    set('pullBatchSize', s.pullBatchSize);
    return options;
  }

  private async handle(message: MessageExt, consume: ConsumeContext): Promise<void> {
    while (this.gate) await this.gate.promise;
    const listener = routeMessage(this.plan, message.topic, message.tags);
    if (!listener) {
      this.connection.logger.warn(
        `message ${message.msgId} of ${message.topic} (tag ${message.tags ?? 'none'}) matches no listener of group ${this.plan.group}; acknowledged without handling`,
        'RocketMQListener',
      );
      return;
    }
    const stats = this.stats.get(listener.id)!;
    const context = new RocketMQListenerContext(message, consume, listener.id);
    let result: unknown;
    try {
      const payload = this.connection.serializer.deserialize(message.body, message.getProperty(CONTENT_TYPE_PROPERTY));
      result = await listener.handler(payload, context);
      stats.handled += 1;
    } catch (error) {
      stats.failed += 1;
      stats.lastError = { message: (error as Error)?.message ?? String(error), at: Date.now() };
      throw error;
    }
    if (isRequestMessage(message)) await this.reply(listener, message, result, stats);
    else if (listener.options.reply) {
      this.connection.logger.warn(`${listener.source} is a reply listener but message ${message.msgId} is not a request (sent without sendAndReceive); no reply sent`, 'RocketMQListener');
    }
  }

  /** A failed reply is logged, not retried: the handler did its work; the requester times out. */
  private async reply(listener: PlannedListener<ListenerInvoker>, request: MessageExt, result: unknown, stats: ListenerStats): Promise<void> {
    try {
      const { body, contentType } = this.connection.serializer.serialize(result === undefined ? null : result);
      const reply = createReplyMessage(request, body);
      if (contentType) reply.putUserProperty(CONTENT_TYPE_PROPERTY, contentType);
      stats.replied += 1;
      await this.connection.rawProducer.send(reply, { timeoutMs: listener.options.replyTimeout ?? 3000 });
    } catch (error) {
      stats.replied -= 1;
      this.connection.logger.error(`replying to request ${request.msgId} from ${listener.source} failed: ${(error as Error).message}`, (error as Error).stack, 'RocketMQListener');
    }
  }
}
