/**
 * The Nest microservice transport against a real Apache RocketMQ: a Nest microservice with
 * ServerRocketMQ and a client module with ClientRocketMQ talk through the broker.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Controller,
  Inject,
  Injectable,
  Module,
  ParseIntPipe,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type INestApplicationContext,
  type INestMicroservice,
  type NestInterceptor,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientsModule, Ctx, EventPattern, MessagePattern, Payload, RpcException, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { firstValueFrom, from, lastValueFrom, map, toArray, type Observable } from 'rxjs';
import { AdminClient } from '../../libs/rocketmq/src/client/admin/admin-client.js';
import type { RocketMQLogger } from '../../libs/rocketmq/src/logger.js';
import {
  ClientRocketMQ,
  RocketMQContext,
  RocketMQRecordBuilder,
  RocketMQReplyTimeoutError,
  ServerRocketMQ,
  type RocketMQServerHandles,
} from '../../libs/rocketmq/src/nest/microservices/index.js';
import { nameServer, uniqueName } from '../interop/support/target.js';

const debug = (level: string) => (message: string, context?: string) => process.stderr.write(`${level} [${context ?? ''}] ${message}\n`);
const quiet: RocketMQLogger = process.env.ROCKETMQ_TEST_DEBUG
  ? { log: debug('LOG'), warn: debug('WARN'), error: debug('ERROR') }
  : { log() {}, warn() {}, error() {} };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

// Patterns of this run: `<prefix>.orders.created` is consumed from topic `<prefix>_orders_created`.
const P = uniqueName('nestms');
const CREATED = `${P}.orders.created`;
const ORDERS = `${P}.orders`;
const ORDERS_PAID = `${P}.orders:paid`;
const FAILING = `${P}.orders.failing`;
const SLOW = `${P}.jobs.slow`;
const SUM = `${P}.math.sum`;
const BOOM = `${P}.math.boom`;
const CRASH = `${P}.math.crash`;
const GUARDED = `${P}.math.guarded`;
const NOBODY = `${P}.math.nobody`;
const COUNT = `${P}.math.count`;
const TOPICS = [CREATED, ORDERS, FAILING, SLOW, SUM, BOOM, CRASH, GUARDED, NOBODY, COUNT].map((p) => p.replace(/\./g, '_'));

interface Seen {
  pattern: string;
  data: unknown;
  topic: string;
  tags: string | undefined;
  keys: string[];
  msgId: string;
  reconsumeTimes: number;
  metadata: Record<string, string>;
}
const seen: Seen[] = [];
const failingAttempts: number[] = [];
const slow = { started: false, finished: false };
const interceptorCalls: string[] = [];

function record(pattern: string, data: unknown, ctx: RocketMQContext): void {
  seen.push({
    pattern,
    data,
    topic: ctx.getTopic(),
    tags: ctx.getTags(),
    keys: ctx.getKeys(),
    msgId: ctx.getMsgId(),
    reconsumeTimes: ctx.getReconsumeTimes(),
    metadata: ctx.getMetadata(),
  });
}

@Injectable()
class DenyThirteenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToRpc().getData() !== '13';
  }
}

@Injectable()
class WrapInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    interceptorCalls.push(context.getType());
    return next.handle().pipe(map((value) => ({ wrapped: value })));
  }
}

// `<string>`: with a string constant, Nest 12 picks the typed overload `EventPattern<TEventTypes>(topic)`, whose
// descriptor type rejects a typed `@Ctx()` parameter under strict mode; the explicit type argument selects the plain one.
@Controller()
class OrdersController {
  @EventPattern<string>(CREATED)
  created(@Payload() data: unknown, @Ctx() ctx: RocketMQContext): void {
    record(CREATED, data, ctx);
  }

  @EventPattern<string>(ORDERS_PAID)
  paid(@Payload() data: unknown, @Ctx() ctx: RocketMQContext): void {
    record(ORDERS_PAID, data, ctx);
  }

  @EventPattern<string>(ORDERS)
  anyOrder(@Payload() data: unknown, @Ctx() ctx: RocketMQContext): void {
    record(ORDERS, data, ctx);
  }

  @EventPattern<string>(FAILING, { group: `${P}_retry`, consumer: { delayLevelWhenNextConsume: 1 } })
  failing(@Ctx() ctx: RocketMQContext): void {
    failingAttempts.push(ctx.getReconsumeTimes());
    if (ctx.getReconsumeTimes() < 2) throw new Error(`not yet (attempt ${ctx.getReconsumeTimes()})`);
  }

  @EventPattern<string>(SLOW)
  async slowJob(): Promise<void> {
    slow.started = true;
    await sleep(2000);
    slow.finished = true;
  }

  @MessagePattern(SUM)
  sum(@Payload() numbers: number[], @Ctx() ctx: RocketMQContext): { sum: number; topic: string } {
    return { sum: numbers.reduce((a, b) => a + b, 0), topic: ctx.getTopic() };
  }

  @MessagePattern(BOOM)
  boom(@Payload() data: { item: string }): never {
    throw new RpcException({ status: 'error', message: `out of ${data.item}` });
  }

  @MessagePattern(CRASH)
  async crash(): Promise<never> {
    throw new Error('database down');
  }

  @MessagePattern(COUNT)
  count(@Payload() n: number): Observable<number> {
    return from(Array.from({ length: n }, (_, i) => i + 1));
  }

  @UseGuards(DenyThirteenGuard)
  @UseInterceptors(WrapInterceptor)
  @MessagePattern(GUARDED)
  double(@Payload(ParseIntPipe) n: number): number {
    return n * 2;
  }
}

@Module({ controllers: [OrdersController], providers: [DenyThirteenGuard, WrapInterceptor] })
class OrdersServiceModule {}

const RMQ = 'RMQ';
const RMQ_IMPATIENT = 'RMQ_IMPATIENT';

@Module({
  imports: [
    ClientsModule.register([
      { name: RMQ, customClass: ClientRocketMQ, options: { nameServer: nameServer(), logger: quiet, replyTimeoutMs: 20_000 } },
      { name: RMQ_IMPATIENT, customClass: ClientRocketMQ, options: { nameServer: nameServer(), logger: quiet, replyTimeoutMs: 2000, producerGroup: `${P}_impatient` } },
    ]),
  ],
})
class CallerModule {
  constructor(@Inject(RMQ) readonly client: ClientProxy) {}
}

let server: ServerRocketMQ;
let app: INestMicroservice;
let caller: INestApplicationContext;
let client: ClientProxy;
const hookEvents: string[] = [];

beforeAll(async () => {
  const admin = new AdminClient({ nameServer: nameServer(), logger: quiet });
  await admin.start();
  try {
    for (const topic of TOPICS) await admin.createTopic({ topic, clusterName: 'DefaultCluster', readQueueNums: 2, writeQueueNums: 2 });
  } finally {
    await admin.shutdown();
  }

  server = new ServerRocketMQ({ nameServer: nameServer(), logger: quiet, group: `${P}_svc`, drainTimeoutMs: 10_000 });
  server.setOnProcessingStartHook((_transport, ctx, done) => {
    hookEvents.push(`start ${(ctx as RocketMQContext).getPattern()}`);
    return done();
  });
  server.setOnProcessingEndHook((_transport, ctx) => hookEvents.push(`end ${(ctx as RocketMQContext).getPattern()}`));
  app = await NestFactory.createMicroservice(OrdersServiceModule, { strategy: server, logger: false });
  await app.listen();

  const moduleRef = await Test.createTestingModule({ imports: [CallerModule] }).compile();
  moduleRef.useLogger(process.env.ROCKETMQ_TEST_DEBUG ? ['error', 'warn', 'log'] : false);
  caller = await moduleRef.init();
  client = caller.get<ClientProxy>(RMQ);
  client.setOnDispatchHook?.((packet) => {
    packet.metadata = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
  });
  await client.connect();
}, 90_000);

afterAll(async () => {
  await caller?.close();
  await app?.close();
}, 60_000);

describe('ServerRocketMQ + ClientRocketMQ', () => {
  it('starts one consumer per group and reports connected', async () => {
    const handles = server.unwrap<RocketMQServerHandles>();
    expect([...handles.consumers.keys()].sort()).toEqual([`${P}_retry`, `${P}_svc`].sort());
    expect(handles.producer).toBeDefined();
    expect(await firstValueFrom(server.status)).toBe('connected');
  });

  describe('events', () => {
    it('emit() reaches the @EventPattern handler with the payload, the RocketMQ context and the metadata', async () => {
      const result = await firstValueFrom(client.emit(CREATED, { orderId: 1, total: 9.5 }));
      expect(result).toMatchObject({ status: 'SEND_OK' });
      await waitFor(() => seen.some((s) => s.pattern === CREATED), 30_000, 'the created event');
      const event = seen.find((s) => s.pattern === CREATED)!;
      expect(event).toMatchObject({ data: { orderId: 1, total: 9.5 }, topic: `${P}_orders_created`, reconsumeTimes: 0 });
      expect(event.metadata.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
      expect(event.msgId).toMatch(/^[0-9A-F]{32}$/);
      expect(hookEvents).toContain(`start ${CREATED}`);
      expect(hookEvents).toContain(`end ${CREATED}`);
    }, 40_000);

    it('routes by tag: topic:tag patterns get their tag, the untagged pattern gets the rest', async () => {
      await firstValueFrom(client.emit(ORDERS_PAID, { orderId: 2 }));
      await firstValueFrom(client.emit(`${ORDERS}:shipped`, { orderId: 3 }));
      await firstValueFrom(client.emit(ORDERS, new RocketMQRecordBuilder({ orderId: 4 }).setKeys('order-4').build()));
      await waitFor(() => seen.filter((s) => s.topic === `${P}_orders`).length === 3, 30_000, 'three order events');
      const byOrder = (id: number) => seen.find((s) => (s.data as { orderId: number }).orderId === id)!;
      expect(byOrder(2)).toMatchObject({ pattern: ORDERS_PAID, tags: 'paid' });
      expect(byOrder(3)).toMatchObject({ pattern: ORDERS, tags: 'shipped' });
      expect(byOrder(4)).toMatchObject({ pattern: ORDERS, tags: undefined, keys: ['order-4'] });
    }, 40_000);

    it('redelivers a message whose handler throws, with reconsumeTimes counting up, until it succeeds', async () => {
      await firstValueFrom(client.emit(FAILING, { orderId: 5 }));
      await waitFor(() => failingAttempts.includes(2), 60_000, 'the third delivery');
      expect(failingAttempts.slice(0, 3)).toEqual([0, 1, 2]);
      await sleep(2500);
      expect(failingAttempts).toHaveLength(3);
    }, 70_000);
  });

  describe('request-reply', () => {
    it("send() returns the @MessagePattern handler's result", async () => {
      await expect(firstValueFrom(client.send(SUM, [1, 2, 3]))).resolves.toEqual({ sum: 6, topic: `${P}_math_sum` });
    }, 40_000);

    it('answers concurrent requests each with its own reply', async () => {
      const sums = await Promise.all([1, 2, 3, 4].map((n) => firstValueFrom(client.send<{ sum: number }>(SUM, [n, n]))));
      expect(sums.map((s) => s.sum)).toEqual([2, 4, 6, 8]);
    }, 40_000);

    it("rejects send() with the handler's RpcException error", async () => {
      await expect(firstValueFrom(client.send(BOOM, { item: 'stock' }))).rejects.toEqual({ status: 'error', message: 'out of stock' });
    }, 40_000);

    it('rejects send() with an internal server error when the handler throws a plain Error', async () => {
      await expect(firstValueFrom(client.send(CRASH, {}))).rejects.toMatchObject({ status: 'error', message: 'Internal server error' });
    }, 40_000);

    it('applies pipes, interceptors and guards to pattern handlers', async () => {
      await expect(firstValueFrom(client.send(GUARDED, '21'))).resolves.toEqual({ wrapped: 42 });
      expect(interceptorCalls).toContain('rpc');
      await expect(firstValueFrom(client.send(GUARDED, 'abc'))).rejects.toMatchObject({ status: 'error' });
      await expect(firstValueFrom(client.send(GUARDED, '13'))).rejects.toMatchObject({ status: 'error' });
    }, 60_000);

    it('replies once to a handler that streams several values, with the last value', async () => {
      await expect(lastValueFrom(client.send(COUNT, 3).pipe(toArray()))).resolves.toEqual([3]);
    }, 40_000);

    it('fails a send() nobody answers with a timeout error that names the pattern', async () => {
      const impatient = caller.get<ClientProxy>(RMQ_IMPATIENT);
      const started = Date.now();
      const error = await firstValueFrom(impatient.send(NOBODY, { q: 1 })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RocketMQReplyTimeoutError);
      expect((error as Error).message).toContain(`No reply to "${NOBODY}" (topic ${P}_math_nobody) within 2000 ms`);
      expect(Date.now() - started).toBeLessThan(10_000);
    }, 30_000);

    it('rejects a pattern that is no topic before sending', async () => {
      await expect(firstValueFrom(client.send({ cmd: 'sum' }, [1]))).rejects.toThrow(/object pattern/);
    });
  });

  describe('shutdown', () => {
    it('close() waits for running handlers, then reports disconnected', async () => {
      await firstValueFrom(client.emit(SLOW, { job: 1 }));
      await waitFor(() => slow.started, 30_000, 'the slow handler to start');
      const statuses: string[] = [];
      server.on('status', (s) => statuses.push(s));
      await app.close();
      expect(slow.finished).toBe(true);
      expect(statuses).toEqual(['disconnected']);
      expect(() => server.unwrap()).toThrow(/not listening/);
    }, 60_000);
  });
});

describe('ServerRocketMQ.listen()', () => {
  it('rejects a pattern that maps to no topic, with a clear message', async () => {
    @Controller()
    class BadController {
      @EventPattern({ cmd: 'sum' })
      handle(): void {}
    }
    @Module({ controllers: [BadController] })
    class BadModule {}
    const bad = await NestFactory.createMicroservice(BadModule, { strategy: new ServerRocketMQ({ nameServer: nameServer(), logger: quiet }), logger: false });
    await expect(bad.listen()).rejects.toThrow(/object pattern/);
    await bad.close();
  }, 30_000);
});
