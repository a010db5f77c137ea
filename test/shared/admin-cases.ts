/**
 * The AdminClient cases, run against Apache RocketMQ by test/interop/admin.interop-spec.ts and against
 * the embedded broker by test/e2e/broker-admin.e2e-spec.ts, so both brokers answer the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AdminClient, ConsumerNotOnlineError, MessageNotFoundError, TopicNotFoundError } from '../../libs/rocketmq/src/client/admin/index.js';
import { ClientInstance } from '../../libs/rocketmq/src/client/client-instance.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import type { SendResult } from '../../libs/rocketmq/src/client/producer/send-result.js';
import { buildSubscriptionData, encodeHeartbeatData } from '../../libs/rocketmq/src/protocol/body/heartbeat-data.js';
import { Message } from '../../libs/rocketmq/src/protocol/message/message.js';
import type { MessageQueue } from '../../libs/rocketmq/src/protocol/message/message-queue.js';
import { RemotingCommand } from '../../libs/rocketmq/src/protocol/remoting-command.js';
import { RequestCode } from '../../libs/rocketmq/src/protocol/request-code.js';
import { ResponseCode } from '../../libs/rocketmq/src/protocol/response-code.js';

export interface AdminTestTarget {
  nameServer(): string;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

const quiet = { log() {}, warn() {}, error() {} };

function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

const CLUSTER = 'DefaultCluster';
const QUEUES = 4;
const MESSAGES = 6;

/** Retries `probe` until it stops throwing (the broker builds its index asynchronously). */
async function eventually<T>(probe: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

export function describeAdminClient(title: string, target: AdminTestTarget): void {
  describe(title, () => {
  const topic = uniqueName('AdminTopic');
  const group = uniqueName('AdminGroup');
  const sharedKey = uniqueName('key');
  let admin: AdminClient;
  let producer: Producer;
  const sent: SendResult[] = [];
  let queues: MessageQueue[] = [];
  let brokerName = '';

  beforeAll(async () => {
    await target.start?.();
    admin = new AdminClient({ nameServer: target.nameServer(), logger: quiet });
    await admin.start();
    producer = new Producer({ nameServer: target.nameServer(), group: uniqueName('AdminProducer'), logger: quiet });
    await producer.start();
    const overview = await admin.clusterInfo();
    brokerName = overview.clusters[CLUSTER]?.[0] ?? '';
  });

  afterAll(async () => {
    await producer?.shutdown();
    if (admin) {
      await admin.deleteTopic(topic, CLUSTER).catch(() => undefined);
      await admin.shutdown();
    }
    await target.stop?.();
  });

  describe('cluster', () => {
    it('lists the brokers of DefaultCluster with their master addresses', async () => {
      const overview = await admin.clusterInfo();
      expect(overview.clusters[CLUSTER]).toEqual([brokerName]);
      const broker = overview.brokers[brokerName]!;
      expect(broker.cluster).toBe(CLUSTER);
      expect(broker.masterAddr).toMatch(/:\d+$/);
      expect(broker.replicas[0]).toEqual({ brokerId: 0, addr: broker.masterAddr });
    });

    it('reads the runtime statistics of a broker', async () => {
      const overview = await admin.clusterInfo();
      const info = await admin.brokerRuntimeInfo(overview.brokers[brokerName]!.masterAddr!);
      expect(info['brokerVersionDesc']).toMatch(/^V\d/);
      expect(Number(info['msgPutTotalTodayNow'])).toBeGreaterThanOrEqual(0);
    });
  });

  describe('topics', () => {
    it('creates a topic on every master and returns once the name server routes it', async () => {
      const result = await admin.createTopic({ topic, readQueueNums: QUEUES, writeQueueNums: QUEUES, clusterName: CLUSTER });
      expect(result.brokerAddrs).toHaveLength(1);
      const route = await admin.topicRoute(topic);
      expect(route?.queueDatas).toEqual([expect.objectContaining({ brokerName: brokerName, readQueueNums: QUEUES, writeQueueNums: QUEUES, perm: 6 })]);
      expect(await admin.topicList()).toContain(topic);
      queues = Array.from({ length: QUEUES }, (_, queueId) => ({ topic, brokerName: brokerName, queueId }));
    });

    it('reports offsets per queue that add up to the messages sent', async () => {
      for (let i = 0; i < MESSAGES; i++) {
        sent.push(await producer.send(new Message(topic, Buffer.from(`admin ${i}`), { keys: [`k-${i}`, sharedKey], tags: 'a' })));
      }
      const stats = await admin.topicStats(topic);
      expect(stats.queues.map((q) => q.mq)).toEqual(queues);
      expect(stats.totalMaxOffset).toBe(MESSAGES);
      expect(stats.storedMessages).toBe(MESSAGES);
      for (const q of stats.queues) {
        expect(q.minOffset).toBe(0);
        expect(q.maxOffset).toBe(sent.filter((r) => r.messageQueue.queueId === q.mq.queueId).length);
        if (q.maxOffset > 0) expect(q.lastUpdateTimestamp).toBeGreaterThan(Date.now() - 60_000);
      }
    });

    it('reads min, max, searched offsets and the earliest store time of a queue', async () => {
      const mq = sent[0]!.messageQueue;
      const stats = await admin.topicStats(topic);
      expect(await admin.maxOffset(mq)).toBe(stats.queues[mq.queueId]!.maxOffset);
      expect(await admin.minOffset(mq)).toBe(0);
      expect(await admin.searchOffset(mq, 0)).toBe(0);
      const earliest = await admin.earliestMessageTime(mq);
      expect(earliest).toBeGreaterThan(Date.now() - 60_000);
      expect(earliest).toBeLessThanOrEqual(Date.now() + 5_000);
    });

    it('reports an unknown topic with TopicNotFoundError', async () => {
      expect(await admin.topicRoute(uniqueName('NoSuchTopic'))).toBeUndefined();
      await expect(admin.topicStats(uniqueName('NoSuchTopic'))).rejects.toBeInstanceOf(TopicNotFoundError);
    });
  });

  describe('messages', () => {
    it('views a message by its offset msgId', async () => {
      const first = sent[0]!;
      const message = await admin.viewMessage(first.offsetMsgId);
      expect(message.topic).toBe(topic);
      expect(message.body.toString()).toBe('admin 0');
      expect(message.msgId).toBe(first.msgId);
      expect(message.queueOffset).toBe(first.queueOffset);
    });

    it('finds messages by key on every broker', async () => {
      const byKey = await eventually(async () => {
        const found = await admin.queryMessageByKey(topic, sharedKey);
        if (found.length < MESSAGES) throw new Error(`index has ${found.length} of ${MESSAGES}`);
        return found;
      });
      expect(byKey.map((m) => m.msgId).sort()).toEqual(sent.map((r) => r.msgId).sort());
      const one = await admin.queryMessageByKey(topic, 'k-3');
      expect(one.map((m) => m.body.toString())).toEqual(['admin 3']);
      expect(await admin.queryMessageByKey(topic, uniqueName('absent'))).toEqual([]);
    });

    it('finds a message by its unique id', async () => {
      const target = sent[2]!;
      const message = await eventually(() => admin.queryMessageByUniqueKey(topic, target.msgId));
      expect(message.msgId).toBe(target.msgId);
      expect(message.body.toString()).toBe('admin 2');
    });

    it('falls back to the offset msgId when the unique-id lookup finds nothing', async () => {
      const target = sent[1]!;
      const message = await admin.queryMessageByUniqueKey(topic, target.offsetMsgId);
      expect(message.msgId).toBe(target.msgId);
    });

    it('throws MessageNotFoundError for an id nobody has', async () => {
      // 127.0.0.1:1 as an offset msgId: the fallback is refused at once.
      await expect(admin.queryMessageByUniqueKey(topic, '7F00000100000001000000000000FFFF')).rejects.toBeInstanceOf(MessageNotFoundError);
    });
  });

  describe('consumer groups', () => {
    it('creates a subscription group', async () => {
      await admin.createSubscriptionGroup({ groupName: group, retryMaxTimes: 3 }, CLUSTER);
    });

    it('shows every message as lag for a group that never committed an offset', async () => {
      const progress = await admin.consumerProgress(group, topic);
      const stats = await admin.topicStats(topic);
      expect(progress.queues.map((q) => q.mq)).toEqual(queues);
      expect(progress.totalLag).toBe(MESSAGES);
      for (const q of progress.queues) {
        expect(q.consumerOffset).toBe(0);
        expect(q.brokerOffset).toBe(stats.queues[q.mq.queueId]!.maxOffset);
        expect(q.lag).toBe(q.brokerOffset);
      }
    });

    it('shows less lag once offsets are committed', async () => {
      const stats = await admin.topicStats(topic);
      for (const q of stats.queues) await admin.updateConsumerOffset(group, q.mq, q.maxOffset);
      const busiest = stats.queues.reduce((a, b) => (b.maxOffset > a.maxOffset ? b : a));
      await admin.updateConsumerOffset(group, busiest.mq, busiest.maxOffset - 1);
      expect(await admin.committedOffset(group, busiest.mq)).toBe(busiest.maxOffset - 1);

      const progress = await admin.consumerProgress(group, topic);
      expect(progress.totalLag).toBe(1);
      expect(progress.totalConsumerOffset).toBe(MESSAGES - 1);
      expect(progress.queues.find((q) => q.mq.queueId === busiest.mq.queueId)?.lag).toBe(1);
    });

    it('knows which groups consume the topic and which topics the group consumes', async () => {
      expect(await admin.groupsConsumingTopic(topic)).toContain(group);
      expect(await admin.topicsConsumedBy(group)).toContain(topic);
      const all = await admin.consumerProgress(group);
      expect(all.queues.filter((q) => q.mq.topic === topic)).toHaveLength(QUEUES);
    });

    it('resets committed offsets to a timestamp and to the end', async () => {
      const toStart = await admin.resetOffsetByTimestamp(topic, group, 0);
      expect([...toStart.keys()]).toEqual(queues);
      expect([...toStart.values()]).toEqual([0, 0, 0, 0]);
      expect((await admin.consumerProgress(group, topic)).totalLag).toBe(MESSAGES);
      for (const mq of queues) expect(await admin.committedOffset(group, mq)).toBe(0);

      const toEnd = await admin.resetOffsetByTimestamp(topic, group, -1);
      const stats = await admin.topicStats(topic);
      expect([...toEnd.values()]).toEqual(stats.queues.map((q) => q.maxOffset));
      expect((await admin.consumerProgress(group, topic)).totalLag).toBe(0);
    });

    it('reports the connections and subscriptions of an online consumer', async () => {
      await expect(admin.consumerConnections(group)).rejects.toBeInstanceOf(ConsumerNotOnlineError);
      // A consumer stand-in: one heartbeat with a subscription keeps the group online for two minutes.
      const client = ClientInstance.acquire({ nameServer: target.nameServer(), logger: quiet });
      try {
        const overview = await admin.clusterInfo();
        const body = encodeHeartbeatData({
          clientID: client.clientId,
          producerDataSet: [],
          consumerDataSet: [
            {
              groupName: group,
              consumeType: 'CONSUME_PASSIVELY',
              messageModel: 'CLUSTERING',
              consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
              subscriptionDataSet: [buildSubscriptionData(topic, 'a || b')],
              unitMode: false,
            },
          ],
          heartbeatFingerprint: 0,
          withoutSub: false,
        });
        const response = await client.remoting.invoke(overview.brokers[brokerName]!.masterAddr!, RemotingCommand.request(RequestCode.HEART_BEAT, undefined, body), 3000);
        expect(response.code).toBe(ResponseCode.SUCCESS);

        const connection = await admin.consumerConnections(group);
        expect(connection.connections.map((c) => c.clientId)).toEqual([client.clientId]);
        expect(connection.messageModel).toBe('CLUSTERING');
        expect(connection.consumeType).toBe('CONSUME_PASSIVELY');
        expect(connection.subscriptions[topic]?.tagsSet.sort()).toEqual(['a', 'b']);
      } finally {
        await client.release();
      }
    });
  });

  describe('cleanup', () => {
    it('deletes the subscription group', async () => {
      await admin.deleteSubscriptionGroup(group, CLUSTER, { cleanOffset: true });
    });

    it('deletes the topic from the brokers and the name server', async () => {
      await producer.shutdown();
      await admin.deleteTopic(topic, CLUSTER);
      expect(await admin.topicRoute(topic)).toBeUndefined();
      expect(await admin.topicList()).not.toContain(topic);
    });
  });
});
}
