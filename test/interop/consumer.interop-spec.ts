/**
 * Push consumer against a real Apache RocketMQ broker: clustering, queue split, broadcasting,
 * orderly, retry and DLQ, tag and SQL92 filters, start offsets and graceful shutdown.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PushConsumerOptions } from '../../libs/rocketmq/src/client/consumer/consumer-options.js';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { PullConsumer } from '../../libs/rocketmq/src/client/consumer/pull-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import type { MessageExt } from '../../libs/rocketmq/src/protocol/message/message.js';
import { Message, type MessageOptions } from '../../libs/rocketmq/src/protocol/message/message.js';
import { nameServer, targetVersion, uniqueName } from './support/target.js';

const debug = (level: string) => (message: string, context?: string) => process.stderr.write(`${level} [${context}] ${message}\n`);
const quiet = process.env.CONSUMER_DEBUG
  ? { log: debug('LOG'), warn: debug('WARN'), error: debug('ERROR'), debug: debug('DEBUG') }
  : { log() {}, warn() {}, error() {} };
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
});

async function producer(): Promise<Producer> {
  const p = new Producer({ nameServer: nameServer(), group: uniqueName('pg'), logger: quiet });
  await p.start();
  cleanups.push(() => p.shutdown());
  return p;
}

function consumer(options: Partial<PushConsumerOptions> & { group: string }): PushConsumer {
  const c = new PushConsumer({ nameServer: nameServer(), logger: quiet, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...options });
  cleanups.push(() => c.shutdown({ drainTimeoutMs: 1000 }));
  return c;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sendAll(p: Producer, topic: string, count: number, options: (i: number) => MessageOptions = () => ({})): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const result = await p.send(new Message(topic, Buffer.from(`m${i}`), options(i)));
    ids.push(result.msgId);
  }
  return ids;
}

describe('push consumer, clustering', () => {
  it('receives every message sent synchronously', async () => {
    const topic = uniqueName('ct');
    const p = await producer();
    const ids = await sendAll(p, topic, 10);
    const received = new Set<string>();
    const c = consumer({ group: uniqueName('cg') }).subscribe(topic).onMessage((m) => {
      received.add(m.msgId);
    });
    await c.start();
    await waitFor(() => received.size === 10, 20_000, 'all 10 messages');
    expect([...received].sort()).toEqual([...ids].sort());
  }, 30_000);

  it('splits the queues between two members, which together receive everything exactly once', async () => {
    const topic = uniqueName('ct');
    const group = uniqueName('cg');
    const p = await producer();
    await sendAll(p, topic, 1);
    const seen = new Map<string, number>();
    const perConsumer = [0, 0];
    const make = (i: number) =>
      consumer({ group }).subscribe(topic).onMessage((m) => {
        seen.set(m.msgId, (seen.get(m.msgId) ?? 0) + 1);
        perConsumer[i]! += 1;
      });
    const a = make(0);
    const b = make(1);
    await a.start();
    await b.start();
    const own = (c: PushConsumer) => c.assignedQueues().filter((q) => q.topic === topic).length;
    await waitFor(() => own(a) === 2 && own(b) === 2, 15_000, 'a 2/2 split of the 4 queues');
    const ids = await sendAll(p, topic, 20);
    await waitFor(() => ids.every((id) => seen.has(id)), 20_000, 'all 20 messages');
    await sleep(500);
    expect(ids.map((id) => seen.get(id))).toEqual(ids.map(() => 1));
    expect(perConsumer[0]).toBeGreaterThan(0);
    expect(perConsumer[1]).toBeGreaterThan(0);
  }, 45_000);
});

describe('push consumer, broadcasting', () => {
  it('delivers every message to every member', async () => {
    const topic = uniqueName('bt');
    const group = uniqueName('bg');
    const p = await producer();
    const ids = await sendAll(p, topic, 5);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rmq-offsets-'));
    const got: Array<Set<string>> = [new Set(), new Set()];
    for (const i of [0, 1]) {
      const c = consumer({ group, messageModel: 'BROADCASTING', localOffsetStoreDir: dir }).subscribe(topic).onMessage((m) => {
        got[i]!.add(m.msgId);
      });
      await c.start();
    }
    await waitFor(() => got[0]!.size === 5 && got[1]!.size === 5, 20_000, 'both members to receive 5 messages');
    expect([...got[0]!].sort()).toEqual([...ids].sort());
    expect([...got[1]!].sort()).toEqual([...ids].sort());
  }, 30_000);
});

describe('push consumer, orderly', () => {
  it('keeps the order of each sharding key across two consumers', async () => {
    const topic = uniqueName('ot');
    const group = uniqueName('og');
    const p = await producer();
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'];
    const perKey = 10;
    await p.send(new Message(topic, Buffer.from('warm:0')));
    const sequences = new Map<string, number[]>();
    const make = () =>
      consumer({ group, consumeMode: 'ORDERLY' }).subscribe(topic).onMessage(async (m) => {
        const [key, seq] = m.body.toString().split(':') as [string, string];
        await sleep(Math.random() * 5);
        const list = sequences.get(key) ?? [];
        list.push(Number(seq));
        sequences.set(key, list);
      });
    const a = make();
    const b = make();
    await a.start();
    await b.start();
    const own = (c: PushConsumer) => c.assignedQueues().filter((q) => q.topic === topic).length;
    await waitFor(() => own(a) === 2 && own(b) === 2, 15_000, 'a 2/2 split of the 4 queues');
    for (let seq = 0; seq < perKey; seq++) {
      for (const key of keys) await p.sendOrderly(new Message(topic, Buffer.from(`${key}:${seq}`), { keys: key }), key);
    }
    await waitFor(() => keys.every((k) => (sequences.get(k)?.length ?? 0) >= perKey), 30_000, 'all ordered messages');
    for (const key of keys) {
      const list = sequences.get(key)!;
      // A rebalance may hand a queue over and repeat a tail of it, but never reorders.
      expect(list).toEqual([...Array(perKey).keys()]);
    }
  }, 45_000);
});

describe('push consumer, retry and DLQ', () => {
  it('redelivers a failed message with backoff, then moves it to the DLQ', async () => {
    const topic = uniqueName('rt');
    const group = uniqueName('rg');
    const p = await producer();
    const [id] = await sendAll(p, topic, 1);
    const deliveries: Array<{ reconsumeTimes: number; at: number; topic: string }> = [];
    const c = consumer({ group, delayLevelWhenNextConsume: 1, maxReconsumeTimes: 2 })
      .subscribe(topic)
      .onMessage((m) => {
        deliveries.push({ reconsumeTimes: m.reconsumeTimes, at: Date.now(), topic: m.topic });
        throw new Error('handler failure (test)');
      });
    await c.start();
    await waitFor(() => deliveries.length >= 3, 30_000, 'three deliveries');
    expect(deliveries.map((d) => d.reconsumeTimes)).toEqual([0, 1, 2]);
    expect(deliveries.every((d) => d.topic === topic)).toBe(true);
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(800);

    const dlq = new PullConsumer({ nameServer: nameServer(), group: uniqueName('dlqreader'), logger: quiet });
    cleanups.push(() => dlq.shutdown());
    let queues: Awaited<ReturnType<PullConsumer['fetchMessageQueues']>> = [];
    const deadline = Date.now() + 15_000;
    while (queues.length === 0 && Date.now() < deadline) {
      queues = await dlq.fetchMessageQueues(`%DLQ%${group}`).catch(() => []);
      if (queues.length === 0) await sleep(500);
    }
    expect(queues.length).toBeGreaterThan(0);
    dlq.assign(queues);
    await dlq.start();
    for (const q of queues) await dlq.seekToBegin(q);
    let dead: MessageExt[] = [];
    const until = Date.now() + 10_000;
    while (dead.length === 0 && Date.now() < until) dead = await dlq.poll(1000);
    expect(dead.map((m) => m.msgId)).toContain(id);
    await sleep(1500);
    expect(deliveries).toHaveLength(3);
  }, 60_000);
});

describe('push consumer, filters', () => {
  it('filters by tag expression', async () => {
    const topic = uniqueName('ft');
    const p = await producer();
    await sendAll(p, topic, 9, (i) => ({ tags: ['TagA', 'TagB', 'TagC'][i % 3] }));
    const tags: string[] = [];
    const c = consumer({ group: uniqueName('fg') }).subscribe(topic, 'TagA || TagB').onMessage((m) => {
      tags.push(m.tags ?? '');
    });
    await c.start();
    await waitFor(() => tags.length >= 6, 20_000, 'six TagA/TagB messages');
    await sleep(1000);
    expect(tags.sort()).toEqual(['TagA', 'TagA', 'TagA', 'TagB', 'TagB', 'TagB']);
  }, 30_000);

  it('filters by SQL92 on user properties', async () => {
    const topic = uniqueName('st');
    const p = await producer();
    await sendAll(p, topic, 10, (i) => ({ properties: { a: String(i + 1) } }));
    const values: number[] = [];
    const c = consumer({ group: uniqueName('sg') }).subscribe(topic, 'a > 5', 'SQL92').onMessage((m) => {
      values.push(Number(m.getProperty('a')));
    });
    await c.start();
    await waitFor(() => values.length >= 5, 20_000, 'five messages with a > 5');
    await sleep(1000);
    expect(values.sort((x, y) => x - y)).toEqual([6, 7, 8, 9, 10]);
  }, 30_000);
});

describe('push consumer, start offsets', () => {
  it('starts a new group at the first offset with CONSUME_FROM_FIRST_OFFSET', async () => {
    const topic = uniqueName('ft');
    const p = await producer();
    const before = await sendAll(p, topic, 3);
    const got: string[] = [];
    await consumer({ group: uniqueName('first'), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', setZeroIfNotFound: false })
      .subscribe(topic)
      .onMessage((m) => {
        got.push(m.msgId);
      })
      .start();
    await waitFor(() => got.length >= 3, 20_000, 'the three earlier messages');
    expect(got.sort()).toEqual([...before].sort());
  }, 30_000);

  it('starts a new group at the end with CONSUME_FROM_LAST_OFFSET', async () => {
    const topic = uniqueName('lt');
    const p = await producer();
    const before = new Set(await sendAll(p, topic, 3));
    const got: string[] = [];
    const c = consumer({ group: uniqueName('last'), consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', setZeroIfNotFound: false })
      .subscribe(topic)
      .onMessage((m) => {
        got.push(m.msgId);
      });
    await c.start();
    await waitFor(() => c.assignedQueues().filter((q) => q.topic === topic).length === 4, 10_000, 'the queues');
    await sleep(500);
    const after = await sendAll(p, topic, 3);
    if (targetVersion().startsWith('4.')) {
      // 4.9 brokers have no setZeroIfNotFound: a new group on a topic whose first message is still in
      // memory gets offset 0, so it reads from the start (the Java client does the same there).
      await waitFor(() => got.length >= 6, 20_000, 'all six messages');
      expect(got.sort()).toEqual([...before, ...after].sort());
      return;
    }
    await waitFor(() => got.length >= 3, 20_000, 'the three later messages');
    await sleep(500);
    expect(got.sort()).toEqual([...after].sort());
    expect(got.some((id) => before.has(id))).toBe(false);
  }, 30_000);
});

describe('push consumer, graceful shutdown', () => {
  it('finishes the in-flight message and commits it, so the next member of the group does not get it again', async () => {
    const topic = uniqueName('gt');
    const group = uniqueName('gg');
    const p = await producer();
    const [id] = await sendAll(p, topic, 1);
    let started = false;
    let finished = false;
    const first = new PushConsumer({ nameServer: nameServer(), logger: quiet, group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' })
      .subscribe(topic)
      .onMessage(async () => {
        started = true;
        await sleep(1500);
        finished = true;
      });
    await first.start();
    await waitFor(() => started, 20_000, 'the handler to start');
    await first.shutdown({ drainTimeoutMs: 10_000 });
    expect(finished).toBe(true);

    const again: string[] = [];
    await consumer({ group })
      .subscribe(topic)
      .onMessage((m) => {
        again.push(m.msgId);
      })
      .start();
    await sleep(3000);
    expect(again).not.toContain(id);
  }, 40_000);
});
