/**
 * EmbeddedRocketMQ's lifecycle: start-up time, several brokers, a restart on the same store (offsets, topics and
 * groups survive, in Apache's file shapes), the child-process mode, and retry / DLQ through a push consumer.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { PullConsumer } from '../../libs/rocketmq/src/client/consumer/pull-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { Message, type MessageExt } from '../../libs/rocketmq/src/protocol/message/message.js';
import { parseFastjson } from '../../libs/rocketmq/src/protocol/index.js';
import { RemotingClient } from '../../libs/rocketmq/src/remoting/remoting-client.js';
import { RemotingCommand, RequestCode, ResponseCode } from '../../libs/rocketmq/src/protocol/index.js';
import { quiet, sleep, startEmbedded, uniqueName, waitFor } from './support/embedded.js';

describe('start-up', () => {
  it('is ready (brokers visible in the name server) within a few hundred ms', async () => {
    const mq = await startEmbedded();
    try {
      process.stderr.write(`EmbeddedRocketMQ start-to-ready: ${mq.startupMs} ms\n`);
      expect(mq.startupMs).toBeLessThan(2000);
      expect(mq.brokers).toEqual([expect.objectContaining({ name: 'broker-a', cluster: 'DefaultCluster', addr: expect.stringMatching(/^127\.0\.0\.1:\d+$/) })]);
      const remoting = new RemotingClient();
      const cluster = await remoting.invoke(mq.nameServer, RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO), 3000);
      await remoting.close();
      expect(cluster.code).toBe(ResponseCode.SUCCESS);
      expect(cluster.body!.toString()).toContain(mq.brokers[0]!.addr);
    } finally {
      await mq.stop();
    }
  });

  it('starts several brokers of one cluster; a topic spreads over both', async () => {
    const mq = await startEmbedded({ brokers: 2 });
    const p = new Producer({ nameServer: mq.nameServer, group: uniqueName('pg'), logger: quiet });
    try {
      expect(mq.brokers.map((b) => b.name)).toEqual(['broker-a', 'broker-b']);
      await p.start();
      const topic = uniqueName('mt');
      const remoting = new RemotingClient();
      // create the topic on both brokers through their TBW102
      for (const b of mq.brokers) {
        const create = mq.instances!.brokers.find((x) => x.addr === b.addr)!.context.topics.createOnSend(topic, 'TBW102', 4, 0);
        expect(create).toBeDefined();
      }
      await Promise.all(mq.instances!.brokers.map((b) => b.registerNow()));
      await remoting.close();
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => p.send(new Message(topic, Buffer.from(`m${i}`)))));
      expect(new Set(results.map((r) => r.messageQueue.brokerName))).toEqual(new Set(['broker-a', 'broker-b']));
    } finally {
      await p.shutdown();
      await mq.stop();
    }
  }, 30_000);

  it('runs in a child process with the same API (inWorker)', async () => {
    const mq = await startEmbedded({ inWorker: true });
    const p = new Producer({ nameServer: mq.nameServer, group: uniqueName('pg'), logger: quiet });
    try {
      expect(mq.instances).toBeUndefined();
      await p.start();
      expect((await p.send(new Message(uniqueName('wt'), Buffer.from('x')))).status).toBe('SEND_OK');
    } finally {
      await p.shutdown();
      await mq.stop();
    }
  }, 60_000);
});

describe('restart on the same store', () => {
  it('keeps topics, groups and committed offsets, written in Apache fastjson shapes', async () => {
    const storeDir = mkdtempSync(path.join(os.tmpdir(), 'rmq-restart-'));
    const topic = uniqueName('rt');
    const group = uniqueName('rg');
    try {
      let mq = await startEmbedded({ storeDir });
      const p = new Producer({ nameServer: mq.nameServer, group: uniqueName('pg'), logger: quiet });
      await p.start();
      for (let i = 0; i < 6; i++) await p.send(new Message(topic, Buffer.from(`before-${i}`)));
      await p.shutdown();
      const got: string[] = [];
      const c1 = new PushConsumer({ nameServer: mq.nameServer, group, logger: quiet, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' })
        .subscribe(topic)
        .onMessage((m) => {
          got.push(m.body.toString());
        });
      await c1.start();
      await waitFor(() => got.length === 6, 15_000, 'six messages');
      await c1.shutdown();
      await mq.stop();

      const config = path.join(storeDir, 'broker-a', 'config');
      const offsets = readFileSync(path.join(config, 'consumerOffset.json'), 'utf8');
      expect(offsets).toMatch(new RegExp(`"${topic}@${group}":\\{0:\\d+,1:\\d+,2:\\d+,3:\\d+\\}`));
      const topics = parseFastjson(readFileSync(path.join(config, 'topics.json'), 'utf8')) as { topicConfigTable: Record<string, { perm: number }> };
      expect(topics.topicConfigTable['TBW102']!.perm).toBe(7);
      expect(topics.topicConfigTable[topic]).toBeDefined();
      expect(topics.topicConfigTable[`%RETRY%${group}`]).toBeDefined();
      expect(readFileSync(path.join(config, 'subscriptionGroup.json'), 'utf8')).toContain(`"groupName":"${group}"`);

      mq = await startEmbedded({ storeDir });
      const p2 = new Producer({ nameServer: mq.nameServer, group: uniqueName('pg'), logger: quiet });
      await p2.start();
      await p2.send(new Message(topic, Buffer.from('after')));
      await p2.shutdown();
      const again: string[] = [];
      const c2 = new PushConsumer({ nameServer: mq.nameServer, group, logger: quiet, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' })
        .subscribe(topic)
        .onMessage((m) => {
          again.push(m.body.toString());
        });
      await c2.start();
      await waitFor(() => again.length >= 1, 15_000, 'the new message');
      await sleep(500);
      expect(again).toEqual(['after']);
      await c2.shutdown();
      await mq.stop();
    } finally {
      rmSync(storeDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('retry and DLQ', () => {
  it('redelivers a failed message through %RETRY%group, then moves it to %DLQ%group', async () => {
    const mq = await startEmbedded();
    const topic = uniqueName('rt');
    const group = uniqueName('rg');
    const p = new Producer({ nameServer: mq.nameServer, group: uniqueName('pg'), logger: quiet });
    const deliveries: Array<{ reconsumeTimes: number; at: number; topic: string }> = [];
    const c = new PushConsumer({ nameServer: mq.nameServer, group, logger: quiet, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', delayLevelWhenNextConsume: 1, maxReconsumeTimes: 2 })
      .subscribe(topic)
      .onMessage((m) => {
        deliveries.push({ reconsumeTimes: m.reconsumeTimes, at: Date.now(), topic: m.topic });
        throw new Error('handler failure (test)');
      });
    const dlq = new PullConsumer({ nameServer: mq.nameServer, group: uniqueName('dlqreader'), logger: quiet });
    try {
      await p.start();
      const { msgId } = await p.send(new Message(topic, Buffer.from('poison')));
      await c.start();
      await waitFor(() => deliveries.length >= 3, 20_000, 'three deliveries');
      expect(deliveries.map((d) => d.reconsumeTimes)).toEqual([0, 1, 2]);
      expect(deliveries.every((d) => d.topic === topic)).toBe(true);
      // with the delay-level feature installed, each retry waits for level 1 (1 s)
      const delayed = mq.instances!.brokers[0]!.context.topics.get('SCHEDULE_TOPIC_XXXX') !== undefined && deliveries[1]!.at - deliveries[0]!.at >= 800;
      process.stderr.write(`retry spacing: ${deliveries[1]!.at - deliveries[0]!.at} ms (delay hook ${delayed ? 'active' : 'not installed'})\n`);
      let queues: Awaited<ReturnType<PullConsumer['fetchMessageQueues']>> = [];
      const deadline = Date.now() + 10_000;
      while (queues.length === 0 && Date.now() < deadline) {
        queues = await dlq.fetchMessageQueues(`%DLQ%${group}`).catch(() => []);
        if (queues.length === 0) await sleep(200);
      }
      expect(queues.length).toBe(1);
      dlq.assign(queues);
      await dlq.start();
      for (const q of queues) await dlq.seekToBegin(q);
      let dead: MessageExt[] = [];
      const until = Date.now() + 10_000;
      while (dead.length === 0 && Date.now() < until) dead = await dlq.poll(1000);
      expect(dead.map((m) => m.msgId)).toContain(msgId);
      await sleep(1500);
      expect(deliveries).toHaveLength(3);
    } finally {
      await dlq.shutdown().catch(() => undefined);
      await c.shutdown({ drainTimeoutMs: 500 }).catch(() => undefined);
      await p.shutdown();
      await mq.stop();
    }
  }, 60_000);
});
