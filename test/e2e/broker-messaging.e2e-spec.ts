/**
 * Our client against EmbeddedRocketMQ: every way of sending, push consumption (clustering, queue split,
 * broadcasting, orderly), tag and SQL92 filters, and where a new group starts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PushConsumerOptions } from '../../libs/rocketmq/src/client/consumer/consumer-options.js';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { Message, type MessageOptions } from '../../libs/rocketmq/src/protocol/message/message.js';
import type { RunningEmbeddedRocketMQ } from '../../libs/broker/src/index.js';
import { Cleanups, quiet, sleep, startEmbedded, uniqueName, waitFor } from './support/embedded.js';

let mq: RunningEmbeddedRocketMQ;
const cleanups = new Cleanups();

beforeAll(async () => {
  mq = await startEmbedded();
});
afterEach(() => cleanups.run());
afterAll(() => mq.stop());

async function producer(): Promise<Producer> {
  const p = new Producer({ nameServer: mq.nameServer, group: uniqueName('pg'), logger: quiet });
  await p.start();
  cleanups.add(() => p.shutdown());
  return p;
}

function consumer(options: Partial<PushConsumerOptions> & { group: string }): PushConsumer {
  const c = new PushConsumer({ nameServer: mq.nameServer, logger: quiet, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...options });
  cleanups.add(() => c.shutdown({ drainTimeoutMs: 1000 }));
  return c;
}

async function sendAll(p: Producer, topic: string, count: number, options: (i: number) => MessageOptions = () => ({})): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await p.send(new Message(topic, Buffer.from(`m${i}`), options(i)))).msgId);
  return ids;
}

describe('sending', () => {
  it('sends synchronously to a new topic, auto-created through TBW102 with 4 queues', async () => {
    const topic = uniqueName('st');
    const p = await producer();
    const result = await p.send(new Message(topic, Buffer.from('hello'), { tags: 'TagA', keys: ['k1'] }));
    expect(result.status).toBe('SEND_OK');
    expect(result.msgId).toMatch(/^[0-9A-F]{32}$/);
    expect(result.offsetMsgId).toMatch(/^[0-9A-F]{32}$/);
    expect(result.queueOffset).toBe(0);
    const broker = mq.instances!.brokers[0]!;
    const created = broker.context.topics.get(topic)!;
    expect(created.writeQueueNums).toBe(4);
    expect(created.perm).toBe(6);
  });

  it('sends one-way, in batches (consecutive offsets, one msgId per message) and orderly (one queue per key)', async () => {
    const topic = uniqueName('bt');
    const p = await producer();
    await p.send(new Message(topic, Buffer.from('warm')));
    await expect(p.sendOneway(new Message(topic, Buffer.from('one-way')))).resolves.toBeUndefined();
    const batch = await p.sendBatch(Array.from({ length: 16 }, (_, i) => new Message(topic, Buffer.from(`b${i}`))));
    expect(batch.status).toBe('SEND_OK');
    expect(batch.msgId.split(',')).toHaveLength(16);
    expect(new Set(batch.offsetMsgId.split(',')).size).toBe(16);
    const queues = new Map<string, Set<number>>();
    for (let i = 0; i < 20; i++) {
      const key = `k${i % 4}`;
      const r = await p.sendOrderly(new Message(topic, Buffer.from(`${key}:${i}`)), key);
      queues.set(key, (queues.get(key) ?? new Set()).add(r.messageQueue.queueId));
    }
    for (const q of queues.values()) expect(q.size).toBe(1);
    const store = mq.instances!.brokers[0]!.context.store;
    const mqOfBatch = batch.messageQueue.queueId;
    expect(store.maxOffset(topic, mqOfBatch)).toBeGreaterThanOrEqual(batch.queueOffset + 16);
  });

  it('sends many messages concurrently with distinct offsets per queue', async () => {
    const topic = uniqueName('ct');
    const p = await producer();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => p.send(new Message(topic, Buffer.from(`c${i}`)))));
    expect(results.every((r) => r.status === 'SEND_OK')).toBe(true);
    expect(new Set(results.map((r) => `${r.messageQueue.queueId}/${r.queueOffset}`)).size).toBe(200);
  });
});

describe('push consumption, clustering', () => {
  it('receives every message sent', async () => {
    const topic = uniqueName('ct');
    const p = await producer();
    const ids = await sendAll(p, topic, 10);
    const received = new Set<string>();
    await consumer({ group: uniqueName('cg') })
      .subscribe(topic)
      .onMessage((m) => {
        received.add(m.msgId);
      })
      .start();
    await waitFor(() => received.size === 10, 15_000, 'all 10 messages');
    expect([...received].sort()).toEqual([...ids].sort());
  }, 30_000);

  it('splits the queues between two members, which together receive everything exactly once', async () => {
    const topic = uniqueName('ct');
    const group = uniqueName('cg');
    const p = await producer();
    await sendAll(p, topic, 1);
    const seen = new Map<string, number>();
    const per = [0, 0];
    const make = (i: number) =>
      consumer({ group })
        .subscribe(topic)
        .onMessage((m) => {
          seen.set(m.msgId, (seen.get(m.msgId) ?? 0) + 1);
          per[i]! += 1;
        });
    const a = make(0);
    const b = make(1);
    await a.start();
    await b.start();
    const own = (c: PushConsumer) => c.assignedQueues().filter((q) => q.topic === topic).length;
    // NOTIFY_CONSUMER_IDS_CHANGED makes the first member give up half of its queues at once
    await waitFor(() => own(a) === 2 && own(b) === 2, 10_000, 'a 2/2 split of the 4 queues');
    const ids = await sendAll(p, topic, 20);
    await waitFor(() => ids.every((id) => seen.has(id)), 15_000, 'all 20 messages');
    await sleep(300);
    expect(ids.map((id) => seen.get(id))).toEqual(ids.map(() => 1));
    expect(per[0]).toBeGreaterThan(0);
    expect(per[1]).toBeGreaterThan(0);
  }, 40_000);
});

describe('push consumption, broadcasting and orderly', () => {
  it('delivers every message to every member of a broadcasting group', async () => {
    const topic = uniqueName('bt');
    const group = uniqueName('bg');
    const p = await producer();
    const ids = await sendAll(p, topic, 5);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rmq-offsets-'));
    cleanups.add(async () => rmSync(dir, { recursive: true, force: true }));
    const got = [new Set<string>(), new Set<string>()];
    for (const i of [0, 1]) {
      await consumer({ group, messageModel: 'BROADCASTING', localOffsetStoreDir: dir })
        .subscribe(topic)
        .onMessage((m) => {
          got[i]!.add(m.msgId);
        })
        .start();
    }
    await waitFor(() => got[0]!.size === 5 && got[1]!.size === 5, 15_000, 'both members to receive 5 messages');
    expect([...got[0]!].sort()).toEqual([...ids].sort());
    expect([...got[1]!].sort()).toEqual([...ids].sort());
  }, 30_000);

  it('keeps the order of each sharding key with an orderly consumer (queue locks)', async () => {
    const topic = uniqueName('ot');
    const p = await producer();
    await p.send(new Message(topic, Buffer.from('warm:0')));
    const sequences = new Map<string, number[]>();
    const c = consumer({ group: uniqueName('og'), consumeMode: 'ORDERLY' })
      .subscribe(topic)
      .onMessage(async (m) => {
        const [key, seq] = m.body.toString().split(':') as [string, string];
        if (key === 'warm') return;
        await sleep(Math.random() * 3);
        sequences.set(key, [...(sequences.get(key) ?? []), Number(seq)]);
      });
    await c.start();
    const keys = ['a', 'b', 'c', 'd'];
    for (let seq = 0; seq < 8; seq++) for (const key of keys) await p.sendOrderly(new Message(topic, Buffer.from(`${key}:${seq}`)), key);
    await waitFor(() => keys.every((k) => (sequences.get(k)?.length ?? 0) >= 8), 20_000, 'all ordered messages');
    for (const key of keys) expect(sequences.get(key)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  }, 30_000);
});

describe('filters', () => {
  it('filters by tag expression on the consume queue', async () => {
    const topic = uniqueName('ft');
    const p = await producer();
    await sendAll(p, topic, 9, (i) => ({ tags: ['TagA', 'TagB', 'TagC'][i % 3] }));
    const tags: string[] = [];
    await consumer({ group: uniqueName('fg') })
      .subscribe(topic, 'TagA || TagB')
      .onMessage((m) => {
        tags.push(m.tags ?? '');
      })
      .start();
    await waitFor(() => tags.length >= 6, 15_000, 'six TagA/TagB messages');
    await sleep(500);
    expect(tags.sort()).toEqual(['TagA', 'TagA', 'TagA', 'TagB', 'TagB', 'TagB']);
  }, 30_000);

  it('filters by SQL92 on properties', async () => {
    const topic = uniqueName('sq');
    const p = await producer();
    await sendAll(p, topic, 10, (i) => ({ properties: { a: String(i + 1) }, tags: i % 2 ? 'odd' : 'even' }));
    const values: number[] = [];
    await consumer({ group: uniqueName('sg') })
      .subscribe(topic, "a > 5 AND TAGS = 'odd'", 'SQL92')
      .onMessage((m) => {
        values.push(Number(m.getProperty('a')));
      })
      .start();
    await waitFor(() => values.length >= 3, 15_000, 'the matching messages');
    await sleep(500);
    expect(values.sort((x, y) => x - y)).toEqual([6, 8, 10]);
  }, 30_000);
});

describe('start offsets', () => {
  it('starts a new group at the first offset with CONSUME_FROM_FIRST_OFFSET', async () => {
    const topic = uniqueName('fo');
    const p = await producer();
    const before = await sendAll(p, topic, 3);
    const got: string[] = [];
    await consumer({ group: uniqueName('first'), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', setZeroIfNotFound: false })
      .subscribe(topic)
      .onMessage((m) => {
        got.push(m.msgId);
      })
      .start();
    await waitFor(() => got.length >= 3, 15_000, 'the three earlier messages');
    expect(got.sort()).toEqual([...before].sort());
  }, 30_000);

  it('starts a new group at the end with CONSUME_FROM_LAST_OFFSET (setZeroIfNotFound=false)', async () => {
    const topic = uniqueName('lo');
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
    await sleep(300);
    const after = await sendAll(p, topic, 3);
    await waitFor(() => got.length >= 3, 15_000, 'the three later messages');
    await sleep(300);
    expect(got.sort()).toEqual([...after].sort());
    expect(got.some((id) => before.has(id))).toBe(false);
  }, 30_000);

  it('reads from 0 with CONSUME_FROM_LAST_OFFSET when the first message is still in memory (setZeroIfNotFound default)', async () => {
    const topic = uniqueName('lz');
    const p = await producer();
    const before = await sendAll(p, topic, 2);
    const got: string[] = [];
    await consumer({ group: uniqueName('lastz'), consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET' })
      .subscribe(topic)
      .onMessage((m) => {
        got.push(m.msgId);
      })
      .start();
    await waitFor(() => got.length >= 2, 15_000, 'the earlier messages');
    expect(got.sort()).toEqual([...before].sort());
  }, 30_000);
});
