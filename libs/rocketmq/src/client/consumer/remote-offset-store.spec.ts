import { describe, expect, it } from '@jest/globals';
import { silentLogger } from '../../logger.js';
import type { MessageQueue } from '../../protocol/message/message-queue.js';
import type { ConsumerApi } from './consumer-api.js';
import { RemoteOffsetStore } from './remote-offset-store.js';

/** The two broker calls the store makes, recorded. */
class FakeBroker {
  readonly stored = new Map<number, number>();
  readonly updates: Array<{ queueId: number; offset: number; oneway: boolean }> = [];
  async queryConsumerOffset(_group: string, mq: MessageQueue): Promise<number | undefined> {
    return this.stored.get(mq.queueId);
  }
  async updateConsumerOffset(_group: string, mq: MessageQueue, offset: number, oneway: boolean): Promise<void> {
    this.updates.push({ queueId: mq.queueId, offset, oneway });
    this.stored.set(mq.queueId, offset);
  }
}

const mq = (queueId: number) => ({ topic: 'T', brokerName: 'b', queueId });

function store(broker: FakeBroker): RemoteOffsetStore {
  return new RemoteOffsetStore(broker as unknown as ConsumerApi, 'g', silentLogger);
}

describe('RemoteOffsetStore', () => {
  it('reads the broker offset and caches it; −1 when the broker has none', async () => {
    const broker = new FakeBroker();
    broker.stored.set(0, 17);
    const s = store(broker);
    expect(await s.readOffset(mq(0), 'STORE')).toBe(17);
    expect(s.memoryOffset(mq(0))).toBe(17);
    expect(await s.readOffset(mq(1), 'MEMORY_THEN_STORE')).toBe(-1);
    expect(await s.readOffset(mq(1), 'MEMORY')).toBe(-1);
  });

  it('commits the owned queues (awaited, one after another) and forgets the others', async () => {
    const broker = new FakeBroker();
    const s = store(broker);
    s.updateOffset(mq(0), 5, true);
    s.updateOffset(mq(1), 6, true);
    await s.persistAll([mq(0)]);
    expect(broker.updates).toEqual([{ queueId: 0, offset: 5, oneway: false }]);
    expect(s.memoryOffset(mq(1))).toBe(-1);
  });

  it('commits synchronously on request', async () => {
    const broker = new FakeBroker();
    await store(broker).commitOffset(mq(2), 40);
    expect(broker.updates).toEqual([{ queueId: 2, offset: 40, oneway: false }]);
  });
});
