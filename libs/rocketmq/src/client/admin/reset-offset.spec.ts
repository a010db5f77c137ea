import { describe, expect, it } from '@jest/globals';
import type { ConsumeStats } from '../../protocol/body/consume-stats.js';
import type { TopicStatsTable } from '../../protocol/body/topic-stats-table.js';
import { MessageQueueMap, messageQueueKey, type MessageQueue } from '../../protocol/message/message-queue.js';
import type { AdminBrokerApi } from './admin-broker-api.js';
import { resetDecision, resetOffsetsByCommit } from './reset-offset.js';

const mq = (queueId: number, topic = 'T'): MessageQueue => ({ topic, brokerName: 'b', queueId });

/** A broker with fixed queue offsets that records the offsets committed to it. */
function fakeBroker(options: { committed: [MessageQueue, number][]; minOffsets?: number[]; searched: number[]; max: number[] }) {
  const commits: [number, number][] = [];
  const api = {
    consumeStats: async (): Promise<ConsumeStats> => ({
      consumeTps: 0,
      offsetTable: new MessageQueueMap(options.committed.map(([q, consumerOffset]) => [q, { brokerOffset: 99, consumerOffset, pullOffset: 0, lastTimestamp: 0 }])),
    }),
    topicStats: async (): Promise<TopicStatsTable> => ({
      offsetTable: new MessageQueueMap((options.minOffsets ?? []).map((minOffset, i) => [mq(i), { minOffset, maxOffset: options.max[i]!, lastUpdateTimestamp: 0 }])),
    }),
    searchOffset: async (_addr: string, q: MessageQueue) => options.searched[q.queueId]!,
    maxOffset: async (_addr: string, q: MessageQueue) => options.max[q.queueId]!,
    updateConsumerOffset: async (_addr: string, _group: string, q: MessageQueue, offset: number) => {
      commits.push([q.queueId, offset]);
    },
  } as unknown as AdminBrokerApi;
  return { api, commits };
}

const target = { addr: '127.0.0.1:10911', brokerName: 'b', readQueueNums: 3 };
const entries = (m: MessageQueueMap<number>) => [...m].map(([q, o]) => [q.queueId, o]);

describe('resetting offsets by committing them (no consumer online)', () => {
  it('moves each committed queue of the topic to the offset found for the timestamp', async () => {
    const { api, commits } = fakeBroker({ committed: [[mq(1), 8], [mq(0), 5], [mq(0, '%RETRY%G'), 1]], searched: [2, 3], max: [9, 9] });
    const result = await resetOffsetsByCommit(api, target, 'T', 'G', 1000, true);
    expect(entries(result)).toEqual([[0, 2], [1, 3]]);
    expect(commits).toEqual([[0, 2], [1, 3]]);
  });

  it('uses every readable queue, from its min offset, when the group never committed one', async () => {
    const { api, commits } = fakeBroker({ committed: [], minOffsets: [0, 4, 0], searched: [1, 6, 0], max: [5, 9, 0] });
    const result = await resetOffsetsByCommit(api, target, 'T', 'G', 1000, false);
    expect(entries(result)).toEqual([[0, 0], [1, 4], [2, 0]]);
    expect(commits).toEqual([[2, 0]]);
  });

  it('goes to the end of each queue for timestamp -1', async () => {
    const { api } = fakeBroker({ committed: [[mq(0), 1]], searched: [], max: [7] });
    expect(entries(await resetOffsetsByCommit(api, target, 'T', 'G', -1, true))).toEqual([[0, 7]]);
  });

  it('only moves backwards unless forced', () => {
    expect(resetDecision(3, 5, false)).toEqual({ offset: 3, commit: true });
    expect(resetDecision(7, 5, false)).toEqual({ offset: 5, commit: false });
    expect(resetDecision(7, 5, true)).toEqual({ offset: 7, commit: true });
  });

  it('keys results by queue value', async () => {
    const { api } = fakeBroker({ committed: [[mq(0), 1]], searched: [0], max: [1] });
    const result = await resetOffsetsByCommit(api, target, 'T', 'G', 0, true);
    expect([...result.keys()].map(messageQueueKey)).toEqual([messageQueueKey(mq(0))]);
    expect(result.get({ topic: 'T', brokerName: 'b', queueId: 0 })).toBe(0);
  });
});
