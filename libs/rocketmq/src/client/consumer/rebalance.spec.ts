import { describe, expect, it } from '@jest/globals';
import { buildSubscriptionData, type MessageModel } from '../../protocol/body/heartbeat-data.js';
import { messageQueueKey, type MessageQueue } from '../../protocol/message/message-queue.js';
import { silentLogger } from '../../logger.js';
import { allocateAveragely } from './allocate-strategies.js';
import type { ConsumerApi } from './consumer-api.js';
import { Rebalance } from './rebalance.js';

/** The broker side of a rebalance: the group's members and the queue locks. */
class FakeBroker {
  cids: string[] = [];
  readonly locks = new Map<string, string>();
  constructor(private readonly self: string) {}
  async consumerIdList(): Promise<string[]> {
    return this.cids;
  }
  async lockBatch(_b: string, _g: string, mqs: MessageQueue[]): Promise<MessageQueue[]> {
    return mqs.filter((mq) => {
      const owner = this.locks.get(messageQueueKey(mq));
      if (owner && owner !== this.self) return false;
      this.locks.set(messageQueueKey(mq), this.self);
      return true;
    });
  }
  async unlockBatch(_b: string, _g: string, mqs: MessageQueue[]): Promise<void> {
    for (const mq of mqs) if (this.locks.get(messageQueueKey(mq)) === this.self) this.locks.delete(messageQueueKey(mq));
  }
}

const queues = (n: number) => Array.from({ length: n }, (_, i) => ({ topic: 'T', brokerName: 'b', queueId: i }));

function setup(self: string, options: { orderly?: boolean; model?: MessageModel } = {}) {
  const broker = new FakeBroker(self);
  const added: number[] = [];
  const removed: number[] = [];
  const rebalance = new Rebalance({
    group: 'g',
    clientId: self,
    messageModel: options.model ?? 'CLUSTERING',
    orderly: options.orderly ?? false,
    strategy: allocateAveragely,
    dropPullExpired: true,
    api: broker as unknown as ConsumerApi,
    logger: silentLogger,
    subscriptions: () => new Map([['T', buildSubscriptionData('T', '*')]]),
    hooks: {
      computePullFromWhere: async (mq) => mq.queueId * 10,
      queueAdded: (mq) => added.push(mq.queueId),
      queueRemoved: async (mq) => {
        removed.push(mq.queueId);
        return true;
      },
    },
  });
  rebalance.setTopicQueues('T', [...queues(4)].reverse());
  return { broker, rebalance, added, removed };
}

const owned = (r: Rebalance) => [...r.processQueues.keys()].map((q) => q.queueId).sort();

describe('Rebalance', () => {
  it('allocates the sorted queues among the client ids in Java String order', async () => {
    const { broker, rebalance, added } = setup('b@2');
    broker.cids = ['c@3', 'b@2', 'a@1'];
    expect(await rebalance.doRebalance()).toBe(true);
    // a@1 gets [0, 1], b@2 [2], c@3 [3]
    expect(owned(rebalance)).toEqual([2]);
    expect(added).toEqual([2]);
  });

  it('drops queues given to other members and takes new ones', async () => {
    const { broker, rebalance, removed } = setup('a@1');
    broker.cids = ['a@1'];
    await rebalance.doRebalance();
    expect(owned(rebalance)).toEqual([0, 1, 2, 3]);
    const pq3 = rebalance.processQueues.get(queues(4)[3]!)!;
    broker.cids = ['a@1', 'b@2'];
    await rebalance.doRebalance();
    expect(owned(rebalance)).toEqual([0, 1]);
    expect(removed.sort()).toEqual([2, 3]);
    expect(pq3.dropped).toBe(true);
  });

  it('takes every queue when broadcasting', async () => {
    const { rebalance } = setup('a@1', { model: 'BROADCASTING' });
    await rebalance.doRebalance();
    expect(owned(rebalance)).toEqual([0, 1, 2, 3]);
  });

  it('orderly: takes a queue only once its broker lock is held, and reports the group unbalanced meanwhile', async () => {
    const { broker, rebalance } = setup('a@1', { orderly: true });
    broker.cids = ['a@1'];
    broker.locks.set(messageQueueKey(queues(4)[2]!), 'z@9');
    expect(await rebalance.doRebalance()).toBe(false);
    expect(owned(rebalance)).toEqual([0, 1, 3]);
    expect(rebalance.processQueues.get(queues(4)[0]!)!.locked).toBe(true);
    broker.locks.delete(messageQueueKey(queues(4)[2]!));
    expect(await rebalance.doRebalance()).toBe(true);
    expect(owned(rebalance)).toEqual([0, 1, 2, 3]);
  });

  it('orderly: re-locking marks queues the broker refused as unlocked', async () => {
    const { broker, rebalance } = setup('a@1', { orderly: true });
    broker.cids = ['a@1'];
    await rebalance.doRebalance();
    broker.locks.set(messageQueueKey(queues(4)[1]!), 'z@9');
    await rebalance.lockAll();
    expect(rebalance.processQueues.get(queues(4)[1]!)!.locked).toBe(false);
    expect(rebalance.processQueues.get(queues(4)[0]!)!.locked).toBe(true);
    await rebalance.unlockAll(true);
    expect([...broker.locks.values()]).toEqual(['z@9']);
  });

  it('shares one pass between calls that arrive while it runs', async () => {
    const { broker, rebalance } = setup('a@1');
    broker.cids = ['a@1'];
    const [x, y] = [rebalance.doRebalance(), rebalance.doRebalance()];
    expect(x).toBe(y);
    await x;
  });
});
