/**
 * Several Nest applications of one consumer group in one process, against a real Apache RocketMQ:
 * orderly consumption across 3 instances keeps per-key order, broadcasting reaches every
 * instance, and app.close() drains a handler in flight and commits, so the next instance of the
 * group does not get the message again.
 */
import 'reflect-metadata';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, type Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AdminClient } from '../../libs/rocketmq/src/client/admin/admin-client.js';
import type { RocketMQLogger } from '../../libs/rocketmq/src/logger.js';
import {
  Ctx,
  Payload,
  RocketMQListener,
  RocketMQListenerRegistry,
  RocketMQModule,
  RocketMQProducer,
  type RocketMQListenerContext,
  type RocketMQModuleOptions,
} from '../../libs/rocketmq/src/nest/index.js';
import { testLogger, sleep, waitFor } from '../interop/support/helpers.js';
import { nameServer, uniqueName } from '../interop/support/target.js';

const quiet = testLogger;



const ORDERED = uniqueName('nest_ordered');
const ORDERED_GROUP = uniqueName('nest_ordered_g');
const BROADCAST = uniqueName('nest_broadcast');
const BROADCAST_GROUP = uniqueName('nest_broadcast_g');
const SLOW = uniqueName('nest_slow');
const SLOW_GROUP = uniqueName('nest_slow_g');

const APP_NAME = 'APP_NAME';

type Received = { app: string; key: string; seq: number; queueId: number };
const ordered: Received[] = [];

@Injectable()
class OrderedListener {
  constructor(@Inject(APP_NAME) private readonly app: string) {}

  @RocketMQListener({ topic: ORDERED, consumerGroup: ORDERED_GROUP, consumeMode: 'ORDERLY' })
  async handle(@Payload() event: { key: string; seq: number }, @Ctx() ctx: RocketMQListenerContext): Promise<void> {
    // Uneven handler times: ordering must come from the queue lock, not from luck.
    await sleep((event.seq * 7) % 20);
    ordered.push({ app: this.app, key: event.key, seq: event.seq, queueId: ctx.queueId });
  }
}

const broadcast: Array<{ app: string; n: number }> = [];

@Injectable()
class BroadcastListener {
  constructor(@Inject(APP_NAME) private readonly app: string) {}

  @RocketMQListener({ topic: BROADCAST, consumerGroup: BROADCAST_GROUP, messageModel: 'BROADCASTING' })
  handle(@Payload() event: { n: number }): void {
    broadcast.push({ app: this.app, n: event.n });
  }
}

const slow: Array<{ app: string; id: string; phase: 'start' | 'end'; at: number }> = [];

@Injectable()
class SlowListener {
  constructor(@Inject(APP_NAME) private readonly app: string) {}

  @RocketMQListener({ topic: SLOW, consumerGroup: SLOW_GROUP })
  async handle(@Payload() event: { id: string; workMs: number }): Promise<void> {
    slow.push({ app: this.app, id: event.id, phase: 'start', at: Date.now() });
    await sleep(event.workMs);
    slow.push({ app: this.app, id: event.id, phase: 'end', at: Date.now() });
  }
}

const apps: TestingModule[] = [];
const offsetsDir = mkdtempSync(path.join(os.tmpdir(), 'nest-rocketmq-offsets-'));

async function startApp(name: string, providers: Provider[], options: Partial<RocketMQModuleOptions> = {}): Promise<TestingModule> {
  const app = await Test.createTestingModule({
    imports: [
      RocketMQModule.forRoot({
        nameServer: nameServer(),
        instanceName: name,
        logger: quiet,
        consumerDefaults: { consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', localOffsetStoreDir: offsetsDir },
        ...options,
      }),
    ],
    providers: [{ provide: APP_NAME, useValue: name }, ...providers],
  }).compile();
  await app.init();
  apps.push(app);
  return app;
}

beforeAll(async () => {
  const admin = new AdminClient({ nameServer: nameServer(), logger: quiet });
  await admin.start();
  try {
    const cluster = Object.keys((await admin.clusterInfo()).clusters)[0]!;
    for (const topic of [ORDERED, BROADCAST, SLOW]) await admin.createTopic({ topic, clusterName: cluster, readQueueNums: 4, writeQueueNums: 4 });
  } finally {
    await admin.shutdown();
  }
}, 30_000);

afterEach(async () => {
  while (apps.length > 0) await apps.pop()!.close().catch(() => undefined);
}, 60_000);

describe('orderly consumption across application instances', () => {
  it('keeps per-key order with 3 instances of one group', async () => {
    const instances: TestingModule[] = [];
    for (let i = 0; i < 3; i++) instances.push(await startApp(uniqueName(`ord${i}`), [OrderedListener]));
    const consumers = instances.map((app) => app.get(RocketMQListenerRegistry).consumer('OrderedListener.handle'));
    // Let the group settle: the 4 queues split between the 3 members, each locked by one.
    await waitFor(
      () => {
        const owned = consumers.map((c) => c.queueStats().filter((q) => q.messageQueue.topic === ORDERED && q.locked).length);
        return owned.reduce((a, b) => a + b, 0) === 4 && owned.every((n) => n >= 1);
      },
      30_000,
      'the 4 queues to be split and locked between 3 instances',
    );
    const producer = instances[0]!.get(RocketMQProducer);
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'];
    const perKey = 12;
    // Per key the sends are sequential; keys go in parallel.
    await Promise.all(
      keys.map(async (key) => {
        for (let seq = 0; seq < perKey; seq++) await producer.sendOrderly(ORDERED, { key, seq }, key);
      }),
    );
    await waitFor(() => ordered.length >= keys.length * perKey, 40_000, 'every ordered message');
    await sleep(1000);
    for (const key of keys) {
      expect(ordered.filter((r) => r.key === key).map((r) => r.seq)).toEqual([...Array(perKey).keys()]);
      // One key, one queue, one instance at a time.
      expect(new Set(ordered.filter((r) => r.key === key).map((r) => r.queueId)).size).toBe(1);
    }
    expect(new Set(ordered.map((r) => r.app)).size).toBeGreaterThanOrEqual(2);
  }, 90_000);
});

describe('broadcasting', () => {
  it('delivers every message to every instance of the group', async () => {
    const a = await startApp(uniqueName('bca'), [BroadcastListener]);
    const b = await startApp(uniqueName('bcb'), [BroadcastListener]);
    for (const app of [a, b]) {
      const consumer = app.get(RocketMQListenerRegistry).consumer('BroadcastListener.handle');
      await waitFor(() => consumer.assignedQueues().filter((q) => q.topic === BROADCAST).length === 4, 20_000, 'all 4 queues on each instance');
    }
    const producer = a.get(RocketMQProducer);
    for (let n = 0; n < 3; n++) await producer.send(BROADCAST, { n });
    await waitFor(() => broadcast.length >= 6, 20_000, '3 messages on each of the 2 instances');
    await sleep(1000);
    const byApp = new Map<string, number[]>();
    for (const r of broadcast) byApp.set(r.app, [...(byApp.get(r.app) ?? []), r.n].sort());
    expect([...byApp.values()]).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
  }, 60_000);
});

describe('graceful shutdown', () => {
  it('app.close() waits for the handler in flight and commits: the next instance does not get the message again', async () => {
    const first = await startApp(uniqueName('slowa'), [SlowListener], { shutdownDrainTimeoutMs: 20_000 });
    const consumer = first.get(RocketMQListenerRegistry).consumer('SlowListener.handle');
    await waitFor(() => consumer.assignedQueues().filter((q) => q.topic === SLOW).length === 4, 20_000, 'the queues');
    const producer = first.get(RocketMQProducer);
    await producer.send(SLOW, { id: 'in-flight', workMs: 3000 });
    await waitFor(() => slow.some((s) => s.id === 'in-flight' && s.phase === 'start'), 20_000, 'the handler to start');

    await first.close();
    apps.splice(apps.indexOf(first), 1);
    const closedAt = Date.now();
    const end = slow.find((s) => s.id === 'in-flight' && s.phase === 'end');
    expect(end).toBeDefined();
    expect(end!.at).toBeLessThanOrEqual(closedAt);

    // The next instance of the group starts from the committed offset.
    const second = await startApp(uniqueName('slowb'), [SlowListener]);
    await second.get(RocketMQProducer).send(SLOW, { id: 'after', workMs: 0 });
    await waitFor(() => slow.some((s) => s.id === 'after' && s.phase === 'end'), 30_000, 'the second instance to consume');
    await sleep(2000);
    expect(slow.filter((s) => s.id === 'in-flight' && s.phase === 'start')).toHaveLength(1);
  }, 90_000);
});
