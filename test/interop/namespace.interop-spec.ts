/**
 * Namespaces on a real broker: clients with `namespace` send and consume on `<ns>%<topic>` and
 * `<ns>%<group>` on the wire (NamespaceUtil.java), see their own names in the API, retry through
 * `%RETRY%<ns>%<group>`, and never see another namespace's messages of the same names.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { AdminClient } from '../../libs/rocketmq/src/client/admin/admin-client.js';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import type { MessageExt } from '../../libs/rocketmq/src/protocol/message/message.js';
import { Message } from '../../libs/rocketmq/src/protocol/message/message.js';
import { Cleanups, sleep, testLogger, waitFor } from './support/helpers.js';
import { nameServer, uniqueName } from './support/target.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

async function admin(): Promise<AdminClient> {
  const client = new AdminClient({ nameServer: nameServer(), logger: testLogger });
  await client.start();
  cleanups.add(() => client.shutdown());
  return client;
}

async function producerIn(namespace: string): Promise<Producer> {
  const producer = new Producer({ nameServer: nameServer(), namespace, group: uniqueName('ns_pg'), logger: testLogger });
  await producer.start();
  cleanups.add(() => producer.shutdown());
  return producer;
}

async function consumerIn(namespace: string, group: string, topic: string, onMessage: (m: MessageExt) => void | Promise<void>): Promise<PushConsumer> {
  const consumer = new PushConsumer({ nameServer: nameServer(), namespace, group, logger: testLogger, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', maxReconsumeTimes: 3 })
    .subscribe(topic)
    .onMessage(onMessage);
  await consumer.start();
  cleanups.add(() => consumer.shutdown({ drainTimeoutMs: 500 }));
  return consumer;
}

describe('namespaces', () => {
  it('sends and consumes on <ns>%topic and <ns>%group, isolated from another namespace with the same names', async () => {
    const [nsA, nsB] = [uniqueName('nsA'), uniqueName('nsB')];
    const topic = uniqueName('NsTopic');
    const group = uniqueName('ns_cg');
    const mqadmin = await admin();
    const cluster = Object.keys((await mqadmin.clusterInfo()).clusters)[0]!;
    for (const ns of [nsA, nsB]) await mqadmin.createTopic({ topic: `${ns}%${topic}`, clusterName: cluster, readQueueNums: 2, writeQueueNums: 2 });

    const producerA = await producerIn(nsA);
    const producerB = await producerIn(nsB);
    const sentA = await Promise.all([1, 2, 3].map((i) => producerA.send(new Message(topic, Buffer.from(`a${i}`)))));
    await producerB.send(new Message(topic, Buffer.from('b1')));
    expect(sentA.every((r) => r.status === 'SEND_OK')).toBe(true);

    const receivedA: MessageExt[] = [];
    const receivedB: MessageExt[] = [];
    await consumerIn(nsA, group, topic, (m) => void receivedA.push(m));
    await consumerIn(nsB, group, topic, (m) => void receivedB.push(m));
    await waitFor(() => receivedA.length === 3 && receivedB.length === 1, 30_000, 'each namespace to get its own messages');
    await sleep(500);

    expect(receivedA.map((m) => m.body.toString()).sort()).toEqual(['a1', 'a2', 'a3']);
    expect(receivedB.map((m) => m.body.toString())).toEqual(['b1']);
    // the application sees its own topic name; the wire name carries the namespace
    expect(new Set(receivedA.map((m) => m.topic))).toEqual(new Set([topic]));
    const topics = await mqadmin.topicList();
    expect(topics).toEqual(expect.arrayContaining([`${nsA}%${topic}`, `${nsB}%${topic}`]));
    expect(topics).not.toContain(topic);
  }, 60_000);

  it('retries a failed message through %RETRY%<ns>%<group> and redelivers it under the application topic name', async () => {
    const ns = uniqueName('nsR');
    const topic = uniqueName('NsRetry');
    const group = uniqueName('ns_retry_cg');
    const producer = await producerIn(ns);
    await producer.send(new Message(topic, Buffer.from('retry me')));

    const deliveries: { topic: string; reconsumeTimes: number }[] = [];
    await consumerIn(ns, group, topic, (m) => {
      deliveries.push({ topic: m.topic, reconsumeTimes: m.reconsumeTimes });
      if (deliveries.length === 1) throw new Error('first delivery fails on purpose');
    });
    await waitFor(() => deliveries.length === 2, 40_000, 'the redelivery after the retry delay');
    expect(deliveries).toEqual([
      { topic, reconsumeTimes: 0 },
      { topic, reconsumeTimes: 1 },
    ]);
    const mqadmin = await admin();
    const topics = await mqadmin.topicList();
    expect(topics).toContain(`%RETRY%${ns}%${group}`);
    // the group's progress is kept under its wire name (offsets are committed every few seconds)
    let committed = 0;
    for (const deadline = Date.now() + 15_000; committed < 1 && Date.now() < deadline; await sleep(500)) {
      committed = (await mqadmin.consumerProgress(`${ns}%${group}`, `${ns}%${topic}`)).totalConsumerOffset;
    }
    expect(committed).toBe(1);
  }, 60_000);
});
