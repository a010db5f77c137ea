/**
 * The RocketMQ transport strategy: `NestFactory.createMicroservice(AppModule, { strategy: new ServerRocketMQ(options) })`.
 *
 * - Patterns map to topics and tags (see rocketmq-pattern.ts); `listen()` rejects patterns
 *   that do not map, and handlers that would compete for the same messages.
 * - One push consumer per consumer group (see rocketmq-subscriptions.ts).
 * - `@EventPattern`: a handler that returns acknowledges the message; one that throws (or whose
 *   stream errors) has it redelivered by RocketMQ, and after `maxReconsumeTimes` moved to the DLQ.
 * - `@MessagePattern`: the request is a request-reply message (`CORRELATION_ID`, `REPLY_TO_CLIENT`);
 *   the handler's result goes back in one reply message (RocketMQ carries one reply per request:
 *   a handler streaming several values replies with the last), an error as an error reply that
 *   makes the client's `send()` fail. A request message that reaches an event handler is handled
 *   as an event (no reply).
 * - Packet metadata (traceparent, …) travels in user properties; the v12 processing hooks wrap
 *   every message.
 */
import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { finalize, isObservable, lastValueFrom, throwError, type Observable } from 'rxjs';
import type { ConsumeContext } from '../../client/consumer/consume-types.js';
import { PushConsumer } from '../../client/consumer/push-consumer.js';
import { Producer } from '../../client/producer/producer.js';
import { createReplyMessage } from '../../client/producer/reply.js';
import { MessageConst } from '../../protocol/message/message-const.js';
import type { MessageExt } from '../../protocol/message/message.js';
import type { RocketMQLogger } from '../../logger.js';
import { RocketMQContext } from './ctx-host/rocketmq.context.js';
import {
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_REPLY_PRODUCER_GROUP,
  pickClientOptions,
  type RocketMQPatternExtras,
  type RocketMQServerOptions,
  type RocketMQStatus,
} from './rocketmq-options.js';
import { findRoute, planSubscriptions, type GroupPlan, type HandlerEntry } from './rocketmq-subscriptions.js';
import { RocketMQRequestDeserializer } from './serializers/rocketmq.deserializer.js';
import { RocketMQResponseSerializer, type RocketMQOutgoingRecord } from './serializers/rocketmq.serializer.js';

/** Transport id: `@EventPattern('orders', ROCKETMQ_TRANSPORT)` binds a handler to this transport in hybrid apps. */
export const ROCKETMQ_TRANSPORT = Symbol.for('nest-rocketmq');

/** Events of `server.on(...)`. */
export type RocketMQServerEvents = {
  /** A reply could not be sent, a message had no handler, a consumer failed to stop, … */
  error: (error: Error) => void;
  status: (status: RocketMQStatus) => void;
};

/** What `unwrap()` returns. */
export interface RocketMQServerHandles {
  /** One push consumer per consumer group. */
  consumers: ReadonlyMap<string, PushConsumer>;
  /** The reply producer (only when there are `@MessagePattern` handlers). */
  producer: Producer | undefined;
}

const GROUP_KEY_SEPARATOR = '@@';
const NO_MESSAGE_HANDLER = 'There is no matching message handler defined in the remote service.';
/** A request whose handler has not finished this long after its TTL is no longer awaited (the requester gave up). */
const REPLY_GRACE_MS = 1000;

export class ServerRocketMQ extends Server<RocketMQServerEvents, RocketMQStatus> implements CustomTransportStrategy {
  override readonly transportId = ROCKETMQ_TRANSPORT;
  /** Event handler failures reach the consumer, which redelivers the message. */
  override readonly propagatesEventHandlerErrors = true;
  protected override readonly logger = new Logger(ServerRocketMQ.name);

  private readonly events = new EventEmitter();
  private readonly patternOfKey = new Map<string, string>();
  private readonly consumers = new Map<string, PushConsumer>();
  private producer: Producer | undefined;
  private plans = new Map<string, GroupPlan>();
  private listening = false;

  constructor(private readonly options: RocketMQServerOptions) {
    super();
    this.serializer = options.serializer ?? new RocketMQResponseSerializer();
    this.deserializer = options.deserializer ?? new RocketMQRequestDeserializer({ keepBinary: options.keepBinary });
  }

  /**
   * Handlers with a `group` extra are kept apart from those of the same pattern in other groups
   * (Nest would chain them into one handler). Same pattern, same group: chained, as in Nest.
   */
  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, any> = {}): void {
    const route = this.normalizePattern(pattern as never);
    const group = (extras as RocketMQPatternExtras).group;
    const key = group === undefined ? route : `${route}${GROUP_KEY_SEPARATOR}${group}`;
    this.patternOfKey.set(key, route);
    super.addHandler(key, callback, isEventHandler, extras);
  }

  async listen(callback: (error?: unknown, info?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      await this.stop(0).catch(() => undefined);
      callback(error);
    }
  }

  async close(): Promise<void> {
    await this.stop(this.options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
  }

  on<K extends keyof RocketMQServerEvents>(event: K, callback: RocketMQServerEvents[K]): this {
    this.events.on(event, callback as (...args: unknown[]) => void);
    return this;
  }

  unwrap<T = RocketMQServerHandles>(): T {
    if (!this.listening) throw new Error('ServerRocketMQ is not listening: call app.listen() before unwrap()');
    const handles: RocketMQServerHandles = { consumers: this.consumers, producer: this.producer };
    return handles as T;
  }

  /** The consumer groups and their subscriptions, as `listen()` set them up (for diagnostics). */
  getSubscriptionPlan(): ReadonlyMap<string, GroupPlan> {
    return this.plans;
  }

  /** Runs the handler of `pattern` on an event packet (Nest's hook; the consumer path uses the route table). */
  override async handleEvent(pattern: string, packet: ReadPacket, context: RocketMQContext): Promise<any> {
    const handler = this.getHandlerByPattern(pattern);
    if (!handler) {
      this.report(new Error(`There is no matching event handler for pattern ${pattern}`));
      return;
    }
    return this.runEventHandler(handler, packet, context);
  }

  // ------------------------------------------------------------------------------------------
  // start and stop

  private handlerEntries(): HandlerEntry[] {
    return [...this.messageHandlers].map(([key, handler]) => ({
      key,
      pattern: this.patternOfKey.get(key) ?? key,
      isEventHandler: handler.isEventHandler === true,
      extras: (handler.extras ?? {}) as RocketMQPatternExtras,
    }));
  }

  private get clientLogger(): RocketMQLogger {
    return this.options.logger ?? new Logger('RocketMQ');
  }

  private async start(): Promise<void> {
    const entries = this.handlerEntries();
    this.plans = planSubscriptions(entries, { group: this.options.group, topicNaming: this.options.topicNaming });
    if (this.plans.size === 0) this.logger.warn('ServerRocketMQ has no @EventPattern or @MessagePattern handlers in its controllers: nothing to consume');
    const connection = { ...pickClientOptions(this.options), logger: this.clientLogger };
    if (entries.some((e) => !e.isEventHandler)) {
      this.producer = new Producer({ ...connection, ...this.options.producer, group: this.options.replyProducerGroup ?? DEFAULT_REPLY_PRODUCER_GROUP });
      await this.producer.start();
    }
    for (const plan of this.plans.values()) {
      const consumer = new PushConsumer({ ...connection, ...this.options.consumer, ...plan.settings, group: plan.group });
      for (const subscription of plan.topics.values()) consumer.subscribe(subscription.topic, subscription.expression, subscription.type);
      consumer.onMessage((message, context) => this.handleMessage(plan, message, context));
      this.consumers.set(plan.group, consumer);
      await consumer.start();
      this.logger.log(`Consuming ${[...plan.topics.values()].map((s) => `${s.topic} (${s.expression})`).join(', ')} in group ${plan.group}`);
    }
    this.listening = true;
    this.setStatus('connected');
  }

  private async stop(drainTimeoutMs: number): Promise<void> {
    const consumers = [...this.consumers.values()];
    this.consumers.clear();
    // Consumers first: their running handlers may still send replies.
    const results = await Promise.allSettled(consumers.map((c) => c.shutdown({ drainTimeoutMs })));
    for (const result of results) if (result.status === 'rejected') this.report(result.reason as Error);
    const producer = this.producer;
    this.producer = undefined;
    await producer?.shutdown().catch((error: Error) => this.report(error));
    if (this.listening) {
      this.listening = false;
      this.setStatus('disconnected');
    }
  }

  // ------------------------------------------------------------------------------------------
  // consuming

  /** The consumer's handler: route by topic and tag, then run as an event or a request. */
  private async handleMessage(plan: GroupPlan, message: MessageExt, consumeContext: ConsumeContext): Promise<void> {
    const subscription = plan.topics.get(message.topic);
    const route = subscription && findRoute(subscription, message.tags);
    const handler = route && this.messageHandlers.get(route.key);
    if (!route || !handler) {
      this.report(new Error(`Message ${message.msgId} of topic ${message.topic} (tag ${message.tags ?? 'none'}) has no handler in group ${plan.group}; it is acknowledged`));
      return;
    }
    const isRequest = !handler.isEventHandler && !!message.getProperty(MessageConst.CORRELATION_ID) && !!message.getProperty(MessageConst.REPLY_TO_CLIENT);
    let packet: ReadPacket;
    try {
      packet = await this.deserializer.deserialize(message, { channel: message.topic, pattern: route.pattern });
    } catch (error) {
      if (!isRequest) throw error; // redelivered, then dead-lettered: the message stays visible
      await this.sendReply(message, { err: { status: 'error', message: (error as Error).message }, isDisposed: true });
      return;
    }
    const context = new RocketMQContext([message, consumeContext, route.pattern, packet.metadata ?? {}]);
    if (isRequest) await this.handleRequestMessage(handler, packet, context, message);
    else await this.runEventHandler(handler, packet, context);
  }

  private runEventHandler(handler: MessageHandler, packet: ReadPacket, context: RocketMQContext): Promise<void> {
    return this.runHooked(context, async (runEndHook) => {
      const resultOrStream = await handler(packet.data, context);
      if (isObservable(resultOrStream)) await lastValueFrom(resultOrStream.pipe(finalize(runEndHook)), { defaultValue: undefined });
      else runEndHook();
    });
  }

  /**
   * Runs `work` inside the processing hooks and settles when it does, whatever the hooks return
   * (a hook need not hand back the promise of `done`).
   */
  private runHooked(context: RocketMQContext, work: (runEndHook: () => void) => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const returned: unknown = this.runWithProcessingHooks(context, async (runEndHook) => {
        try {
          await work(runEndHook);
          resolve();
        } catch (error) {
          runEndHook();
          reject(error);
        }
      });
      if (returned instanceof Promise) returned.catch(reject);
    });
  }

  /** Runs a request handler through `handleRequest` and waits until its one reply is sent (or the requester gave up). */
  private async handleRequestMessage(handler: MessageHandler, packet: ReadPacket, context: RocketMQContext, request: MessageExt): Promise<void> {
    let replied!: () => void;
    const done = new Promise<void>((resolve) => (replied = resolve));
    const respond = this.createReplier(request, replied);
    // `produce` never rejects: a handler that throws outright replies with its error like one whose stream errors.
    const produce = async (): Promise<Observable<unknown>> => {
      try {
        return this.transformToObservable(await handler(packet.data, context)) as Observable<unknown>;
      } catch (error) {
        return throwError(() => error);
      }
    };
    this.handleRequest(context, produce, respond);
    const ttl = Number(request.getProperty(MessageConst.TTL));
    const budget = Number.isFinite(ttl) && ttl > 0 ? Math.max(0, request.bornTimestamp + ttl - Date.now()) + REPLY_GRACE_MS : undefined;
    if (budget === undefined) return done;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, budget)))]);
    clearTimeout(timer);
  }

  /**
   * The `respond` of `Server#send`: keeps the last value and sends one reply when the stream ends
   * (or at its first error).
   */
  private createReplier(request: MessageExt, replied: () => void): (packet: WritePacket) => Promise<void> {
    let last: { value: unknown } | undefined;
    let finished = false;
    return async (packet) => {
      if (finished) return;
      if (packet.err !== undefined && packet.err !== null) {
        finished = true;
        await this.sendReply(request, { err: packet.err, isDisposed: true }).finally(replied);
        return;
      }
      if ('response' in packet) last = { value: packet.response };
      if (packet.isDisposed) {
        finished = true;
        await this.sendReply(request, last ? { response: last.value, isDisposed: true } : { isDisposed: true }).finally(replied);
      }
    };
  }

  private async sendReply(request: MessageExt, packet: WritePacket): Promise<void> {
    try {
      if (!this.producer) throw new Error('the reply producer is not running');
      const id = request.getProperty(MessageConst.CORRELATION_ID) ?? '';
      const record = (await this.serializer.serialize({ ...packet, id })) as RocketMQOutgoingRecord;
      const reply = createReplyMessage(request, record.body);
      for (const [name, value] of Object.entries(record.properties)) reply.putUserProperty(name, value);
      await this.producer.send(reply);
    } catch (error) {
      this.report(new Error(`The reply to request ${request.msgId} (topic ${request.topic}) could not be sent: ${(error as Error).message}`, { cause: error }));
    }
  }

  private setStatus(status: RocketMQStatus): void {
    this._status$.next(status);
    this.events.emit('status', status);
  }

  private report(error: Error): void {
    if (this.events.listenerCount('error') > 0) this.events.emit('error', error);
    else this.logger.error(error.message, error.stack);
  }
}
