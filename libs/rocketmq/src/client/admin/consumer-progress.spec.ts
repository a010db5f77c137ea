import { describe, expect, it } from '@jest/globals';
import type { ConsumeStats, OffsetWrapper } from '../../protocol/body/consume-stats.js';
import type { TopicStatsTable } from '../../protocol/body/topic-stats-table.js';
import { MessageQueueMap, type MessageQueue } from '../../protocol/message/message-queue.js';
import { consumerProgressFrom } from './consumer-progress.js';
import { topicStatsFrom } from './topic-stats.js';

const mq = (brokerName: string, queueId: number, topic = 'T'): MessageQueue => ({ topic, brokerName, queueId });
const wrapper = (brokerOffset: number, consumerOffset: number, fields: Partial<OffsetWrapper> = {}): OffsetWrapper => ({
  brokerOffset,
  consumerOffset,
  pullOffset: 0,
  lastTimestamp: 0,
  ...fields,
});
const stats = (consumeTps: number, entries: [MessageQueue, OffsetWrapper][]): ConsumeStats => ({ consumeTps, offsetTable: new MessageQueueMap(entries) });

describe('consumer progress', () => {
  it('merges the brokers, sorts queues as Java does and totals offsets, lag and TPS', () => {
    const progress = consumerProgressFrom('G', [
      stats(1.5, [[mq('broker-b', 1), wrapper(10, 4, { lastTimestamp: 200 })], [mq('broker-b', 0), wrapper(5, 5, { lastTimestamp: 300 })]]),
      stats(2, [[mq('broker-a', 0), wrapper(7, 0)]]),
    ]);
    expect(progress.queues.map((q) => `${q.mq.brokerName}/${q.mq.queueId}:${q.lag}`)).toEqual(['broker-a/0:7', 'broker-b/0:0', 'broker-b/1:6']);
    expect(progress).toMatchObject({ group: 'G', totalBrokerOffset: 22, totalConsumerOffset: 9, totalLag: 13, consumeTps: 3.5, lastConsumeTimestamp: 300 });
  });

  it('never reports negative lag (a committed offset ahead of a truncated queue)', () => {
    const progress = consumerProgressFrom('G', [stats(0, [[mq('b', 0), wrapper(3, 5)]])]);
    expect(progress.queues[0]!.lag).toBe(0);
    expect(progress.totalLag).toBe(0);
  });

  it('keeps only the asked topic (drops the retry topic) when a topic is given', () => {
    const progress = consumerProgressFrom('G', [stats(0, [[mq('b', 0), wrapper(3, 1)], [mq('b', 0, '%RETRY%G'), wrapper(9, 0)]])], 'T');
    expect(progress.queues.map((q) => q.mq.topic)).toEqual(['T']);
    expect(progress.totalLag).toBe(2);
  });

  it('reports the pull offset as at least the committed offset (4.9.x sends none)', () => {
    const progress = consumerProgressFrom('G', [stats(0, [[mq('b', 0), wrapper(9, 4)], [mq('b', 1), wrapper(9, 4, { pullOffset: 7 })]])]);
    expect(progress.queues.map((q) => q.pullOffset)).toEqual([4, 7]);
  });
});

describe('topic stats', () => {
  const table = (entries: [MessageQueue, number, number, number][], topicPutTps?: number): TopicStatsTable => ({
    offsetTable: new MessageQueueMap(entries.map(([q, minOffset, maxOffset, lastUpdateTimestamp]) => [q, { minOffset, maxOffset, lastUpdateTimestamp }])),
    ...(topicPutTps === undefined ? {} : { topicPutTps }),
  });

  it('adds up max offsets and stored messages of every broker', () => {
    const stats = topicStatsFrom('T', [table([[mq('b', 1), 2, 5, 10], [mq('b', 0), 0, 4, 30]], 1.25), table([[mq('a', 0), 0, 0, 0]], 0.75)]);
    expect(stats.queues.map((q) => `${q.mq.brokerName}/${q.mq.queueId}`)).toEqual(['a/0', 'b/0', 'b/1']);
    expect(stats).toMatchObject({ totalMaxOffset: 9, storedMessages: 7, lastUpdateTimestamp: 30, putTps: 2 });
  });

  it('has no put TPS when the brokers (4.9.x) report none', () => {
    expect(topicStatsFrom('T', [table([[mq('b', 0), 0, 1, 1]])]).putTps).toBeUndefined();
  });
});
