/**
 * The Nest layer against a real Apache RocketMQ: RocketMQProducer sends, @RocketMQListener methods
 * receive through Nest's pipeline (pipes, interceptors), tag routing inside one group, retries,
 * the DLQ, request-reply, the registry and the health indicator.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  BadRequestException,
  Injectable,
  UseInterceptors,
  type ArgumentMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Observable } from 'rxjs';
import { AdminClient } from '../../libs/rocketmq/src/client/admin/admin-client.js';
import { PullConsumer } from '../../libs/rocketmq/src/client/consumer/pull-consumer.js';
import type { RocketMQLogger } from '../../libs/rocketmq/src/logger.js';
import { RocketMQTimeoutError } from '../../libs/rocketmq/src/protocol/errors.js';
import type { MessageExt } from '../../libs/rocketmq/src/protocol/message/message.js';
import {
  Ctx,
  Headers,
  Payload,
  RocketMQHealthIndicator,
  RocketMQListener,
  RocketMQListenerRegistry,
  RocketMQModule,
  RocketMQProducer,
  type RocketMQListenerContext,
} from '../../libs/rocketmq/src/nest/index.js';
import { testLogger, sleep, waitFor } from '../interop/support/helpers.js';
import { nameServer, uniqueName } from '../interop/support/target.js';

const quiet = testLogger;



// Names are fixed when the decorators run, so they are chosen at load time.
const ORDERS = uniqueName('nest_orders');
const RETRY = uniqueName('nest_retry');
const DEAD = uniqueName('nest_dead');
const QUOTES = uniqueName('nest_quotes');
const ORDERS_GROUP = uniqueName('nest_orders_g');
const RETRY_GROUP = uniqueName('nest_retry_g');
const DEAD_GROUP = uniqueName('nest_dead_g');
const QUOTES_GROUP = uniqueName('nest_quotes_g');

class OrderDto {
  id!: number;
  item!: string;
}

/** A ValidationPipe-like pipe: checks the declared type and turns the plain object into an OrderDto. */
@Injectable()
class OrderValidationPipe implements PipeTransform {
  readonly seen: ArgumentMetadata[] = [];
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    this.seen.push(metadata);
    if (metadata.metatype !== OrderDto) return value;
    const v = value as Partial<OrderDto>;
    if (typeof v?.id !== 'number' || typeof v.item !== 'string') throw new BadRequestException('an order needs a numeric id and an item');
    return Object.assign(new OrderDto(), v);
  }
}

const intercepted: Array<{ type: string; handler: string; tag: string | undefined }> = [];

@Injectable()
class RecordingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ctx = context.getArgByIndex(1) as RocketMQListenerContext;
    intercepted.push({ type: context.getType(), handler: context.getHandler().name, tag: ctx.tags });
    return next.handle();
  }
}

const pipe = new OrderValidationPipe();

@Injectable()
class OrderListeners {
  readonly created: Array<{ order: OrderDto; isDto: boolean; region: string | undefined; keys: string[]; tag: string | undefined }> = [];
  readonly paid: Array<{ order: unknown; tag: string | undefined }> = [];

  @RocketMQListener({ topic: ORDERS, consumerGroup: ORDERS_GROUP, selectorExpression: 'created' })
  @UseInterceptors(RecordingInterceptor)
  onCreated(@Payload(pipe) order: OrderDto, @Ctx() ctx: RocketMQListenerContext, @Headers('region') region: string | undefined): void {
    this.created.push({ order, isDto: order instanceof OrderDto, region, keys: ctx.keys, tag: ctx.tags });
  }

  @RocketMQListener({ topic: ORDERS, consumerGroup: ORDERS_GROUP, selectorExpression: 'paid' })
  @UseInterceptors(RecordingInterceptor)
  onPaid(@Payload() order: unknown, @Ctx() ctx: RocketMQListenerContext): void {
    this.paid.push({ order, tag: ctx.tags });
  }
}

@Injectable()
class RetryListener {
  readonly deliveries: Array<{ reconsumeTimes: number; at: number; msgId: string }> = [];
  succeeded = 0;

  @RocketMQListener({ topic: RETRY, consumerGroup: RETRY_GROUP, delayLevelWhenNextConsume: 1, maxReconsumeTimes: 5 })
  handle(@Payload() _payload: string, @Ctx() ctx: RocketMQListenerContext): void {
    this.deliveries.push({ reconsumeTimes: ctx.reconsumeTimes, at: Date.now(), msgId: ctx.msgId });
    if (ctx.reconsumeTimes < 2) throw new Error(`failing on purpose (delivery ${ctx.reconsumeTimes + 1})`);
    this.succeeded += 1;
  }
}

@Injectable()
class PoisonListener {
  readonly deliveries: number[] = [];

  @RocketMQListener({ topic: DEAD, consumerGroup: DEAD_GROUP, delayLevelWhenNextConsume: 1, maxReconsumeTimes: 1 })
  handle(@Payload() _payload: unknown, @Ctx() ctx: RocketMQListenerContext): void {
    this.deliveries.push(ctx.reconsumeTimes);
    throw new Error('poison message (test)');
  }
}

@Injectable()
class QuoteListener {
  @RocketMQListener({ topic: QUOTES, consumerGroup: QUOTES_GROUP, reply: true })
  quote(@Payload() request: { sku: string; qty: number }, @Ctx() ctx: RocketMQListenerContext): { sku: string; total: number; queueId: number } {
    return { sku: request.sku, total: request.qty * 10, queueId: ctx.queueId };
  }
}

let app: TestingModule;
let producer: RocketMQProducer;

beforeAll(async () => {
  const admin = new AdminClient({ nameServer: nameServer(), logger: quiet });
  await admin.start();
  try {
    const cluster = Object.keys((await admin.clusterInfo()).clusters)[0]!;
    for (const topic of [ORDERS, RETRY, DEAD, QUOTES]) await admin.createTopic({ topic, clusterName: cluster, readQueueNums: 4, writeQueueNums: 4 });
  } finally {
    await admin.shutdown();
  }
  app = await Test.createTestingModule({
    imports: [
      RocketMQModule.forRoot({
        nameServer: nameServer(),
        logger: quiet,
        consumerDefaults: { consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' },
        shutdownDrainTimeoutMs: 2000,
      }),
    ],
    providers: [OrderListeners, RetryListener, PoisonListener, QuoteListener, RecordingInterceptor],
  }).compile();
  await app.init();
  producer = app.get(RocketMQProducer);
}, 60_000);

afterAll(async () => {
  await app?.close();
}, 30_000);

describe('RocketMQProducer + @RocketMQListener', () => {
  it('delivers a typed payload through the pipe and the interceptor, with keys and headers', async () => {
    const listeners = app.get(OrderListeners);
    const result = await producer.send(`${ORDERS}:created`, { id: 1, item: 'book' }, { keys: 'order-1', headers: { region: 'eu' } });
    expect(result.status).toBe('SEND_OK');
    await waitFor(() => listeners.created.length >= 1, 20_000, 'the created order');
    expect(listeners.created[0]).toEqual({ order: { id: 1, item: 'book' }, isDto: true, region: 'eu', keys: ['order-1'], tag: 'created' });
    expect(pipe.seen.some((m) => m.metatype === OrderDto)).toBe(true);
    expect(intercepted).toContainEqual({ type: 'rocketmq', handler: 'onCreated', tag: 'created' });
  }, 30_000);

  it('routes two tags of one topic to two methods of one class sharing one consumer', async () => {
    const listeners = app.get(OrderListeners);
    await producer.send(`${ORDERS}:paid`, { id: 2, item: 'pen' });
    await producer.send(`${ORDERS}:created`, { id: 3, item: 'cup' });
    await producer.send(`${ORDERS}:ignored`, { id: 4, item: 'not subscribed' });
    await waitFor(() => listeners.paid.length >= 1 && listeners.created.length >= 2, 20_000, 'the paid and the second created order');
    await sleep(1000);
    expect(listeners.paid).toEqual([{ order: { id: 2, item: 'pen' }, tag: 'paid' }]);
    expect(listeners.created.map((c) => c.order.id)).toEqual([1, 3]);
    const registry = app.get(RocketMQListenerRegistry);
    const info = registry.get('OrderListeners.onPaid');
    expect(info.subscription).toBe('created || paid');
    expect(info.sharesConsumerWith).toEqual(['OrderListeners.onCreated']);
    expect(info.state).toBe('running');
    expect(intercepted.filter((i) => i.handler === 'onPaid')).toHaveLength(1);
  }, 30_000);

  it('retries a failing handler: fails twice, succeeds on the third delivery, reconsumeTimes visible', async () => {
    const listener = app.get(RetryListener);
    const sent = await producer.send(RETRY, 'try me');
    await waitFor(() => listener.succeeded === 1, 40_000, 'the third delivery to succeed');
    await sleep(1500);
    expect(listener.deliveries.map((d) => d.reconsumeTimes)).toEqual([0, 1, 2]);
    expect(new Set(listener.deliveries.map((d) => d.msgId))).toEqual(new Set([sent.msgId]));
    // delayLevelWhenNextConsume=1: about a second between deliveries, not the broker's 10 s backoff.
    expect(listener.deliveries[1]!.at - listener.deliveries[0]!.at).toBeGreaterThanOrEqual(800);
    expect(listener.deliveries[1]!.at - listener.deliveries[0]!.at).toBeLessThan(8000);
    expect(app.get(RocketMQListenerRegistry).get('RetryListener.handle').stats).toMatchObject({ handled: 1, failed: 2 });
  }, 60_000);

  it('moves a message that always fails to %DLQ%<group> after maxReconsumeTimes', async () => {
    const listener = app.get(PoisonListener);
    const sent = await producer.send(DEAD, { poison: true });
    await waitFor(() => listener.deliveries.length >= 2, 30_000, 'two deliveries');
    const dlq = new PullConsumer({ nameServer: nameServer(), group: uniqueName('nest_dlq_reader'), logger: quiet });
    try {
      let queues: Awaited<ReturnType<PullConsumer['fetchMessageQueues']>> = [];
      const deadline = Date.now() + 15_000;
      while (queues.length === 0 && Date.now() < deadline) {
        queues = await dlq.fetchMessageQueues(`%DLQ%${DEAD_GROUP}`).catch(() => []);
        if (queues.length === 0) await sleep(500);
      }
      expect(queues.length).toBeGreaterThan(0);
      dlq.assign(queues);
      await dlq.start();
      for (const q of queues) await dlq.seekToBegin(q);
      let dead: MessageExt[] = [];
      const until = Date.now() + 10_000;
      while (dead.length === 0 && Date.now() < until) dead = await dlq.poll(1000);
      expect(dead.map((m) => m.msgId)).toContain(sent.msgId);
      expect(JSON.parse(dead[0]!.body.toString())).toEqual({ poison: true });
    } finally {
      await dlq.shutdown();
    }
    expect(listener.deliveries).toEqual([0, 1]);
  }, 60_000);
});

describe('request-reply', () => {
  it('sendAndReceive gets the reply listener\'s return value, deserialized', async () => {
    const reply = await producer.sendAndReceive<{ sku: string; total: number }>(QUOTES, { sku: 'A-1', qty: 3 }, { timeoutMs: 15_000 });
    expect(reply).toMatchObject({ sku: 'A-1', total: 30 });
    expect(app.get(RocketMQListenerRegistry).get('QuoteListener.quote').stats.replied).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('sends requests with one sharding key to one queue', async () => {
    const replies: { queueId: number }[] = [];
    for (let i = 0; i < 6; i++) {
      replies.push(await producer.sendAndReceive<{ queueId: number }>(QUOTES, { sku: `S-${i}`, qty: i }, { timeoutMs: 15_000, shardingKey: 'customer-7' }));
    }
    expect(new Set(replies.map((r) => r.queueId)).size).toBe(1);
  });

  it('times out when nobody answers', async () => {
    const started = Date.now();
    await expect(producer.sendAndReceive(uniqueName('nest_nobody'), { q: 1 }, { timeoutMs: 1500 })).rejects.toBeInstanceOf(RocketMQTimeoutError);
    expect(Date.now() - started).toBeLessThan(6000);
  }, 20_000);
});

describe('registry and health', () => {
  it('pauses and resumes a listener at runtime', async () => {
    const registry = app.get(RocketMQListenerRegistry);
    const listener = app.get(RetryListener);
    expect(registry.pause('RetryListener.handle')).toEqual(['RetryListener.handle']);
    expect(registry.get('RetryListener.handle').state).toBe('paused');
    const before = listener.deliveries.length;
    // The broker may be holding a pull (long polling) that returns the message at once: the
    // listener holds such messages until resumed, so no handler runs while paused.
    await producer.send(RETRY, 'while paused');
    await sleep(3000);
    const whilePaused = listener.deliveries.length - before;
    registry.resume('RetryListener.handle');
    await waitFor(() => listener.deliveries.length > before, 40_000, 'the message sent while paused');
    expect(whilePaused).toBe(0);
    expect(registry.get('RetryListener.handle').state).toBe('running');
    expect(registry.list().map((l) => l.id).sort()).toEqual(
      ['OrderListeners.onCreated', 'OrderListeners.onPaid', 'PoisonListener.handle', 'QuoteListener.quote', 'RetryListener.handle'].sort(),
    );
  }, 60_000);

  it('reports connections, consumer states and lag; a max-lag threshold makes it down', async () => {
    const health = app.get(RocketMQHealthIndicator);
    const result = await health.check('rocketmq');
    const detail = result['rocketmq']!;
    expect(detail.status).toBe('up');
    expect((detail['connections'] as Record<string, { status: string; brokers: number }>)['default']).toMatchObject({ status: 'up' });
    const consumers = detail['consumers'] as Array<{ group: string; state: string; lag?: number }>;
    expect(consumers.map((c) => c.group).sort()).toEqual([DEAD_GROUP, ORDERS_GROUP, QUOTES_GROUP, RETRY_GROUP].sort());
    expect(consumers.every((c) => c.state === 'running' && typeof c.lag === 'number')).toBe(true);

    // Pause a group and pile up messages: lag over the threshold turns the indicator down.
    const registry = app.get(RocketMQListenerRegistry);
    registry.pause('OrderListeners.onCreated');
    await sleep(1000);
    try {
      for (let i = 0; i < 5; i++) await producer.send(`${ORDERS}:other`, { i });
      let down: Awaited<ReturnType<RocketMQHealthIndicator['check']>> | undefined;
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const r = await health.check('rocketmq', { maxLag: 2 });
        if (r['rocketmq']!.status === 'down') {
          down = r;
          break;
        }
        await sleep(500);
      }
      expect(down).toBeDefined();
      const lagging = (down!['rocketmq']!['consumers'] as Array<{ group: string; status: string; lag: number }>).find((c) => c.group === ORDERS_GROUP)!;
      expect(lagging.status).toBe('down');
      expect(lagging.lag).toBeGreaterThan(2);
      await expect(health.isHealthy('rocketmq', { maxLag: 2 })).rejects.toMatchObject({ isHealthCheckError: true });
    } finally {
      registry.resume('OrderListeners.onCreated');
    }
  }, 40_000);
});
