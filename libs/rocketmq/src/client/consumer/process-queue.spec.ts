import { describe, expect, it } from '@jest/globals';
import { MessageConst } from '../../protocol/message/message-const.js';
import { MessageExt } from '../../protocol/message/message.js';
import { ProcessQueue, REBALANCE_LOCK_MAX_LIVE_TIME_MS } from './process-queue.js';

function msg(queueOffset: number, body = 'x'): MessageExt {
  return new MessageExt({
    topic: 'T', body: Buffer.from(body), properties: Object.create(null) as Record<string, string>, flag: 0, queueId: 0, queueOffset,
    commitLogOffset: 0, sysFlag: 0, bornTimestamp: 0, bornHost: '127.0.0.1:1', storeTimestamp: 0, storeHost: '127.0.0.1:2',
    reconsumeTimes: 0, preparedTransactionOffset: 0, bodyCRC: 0, storeSize: 0, offsetMsgId: '',
  });
}

describe('ProcessQueue, concurrent consumption', () => {
  it('counts cached messages and bytes, ignoring duplicates', () => {
    const pq = new ProcessQueue();
    pq.putMessages([msg(0, 'ab'), msg(1, 'cde'), msg(1, 'cde')]);
    expect(pq.cachedCount).toBe(2);
    expect(pq.cachedBytes).toBe(5);
    expect(pq.maxSpan()).toBe(1);
  });

  it('commits the lowest offset still in flight, or max + 1 once all are consumed', () => {
    const pq = new ProcessQueue();
    const [a, b, c] = [msg(10), msg(11), msg(12)];
    pq.putMessages([a, b, c]);
    expect(pq.removeMessages([b])).toBe(10);
    expect(pq.removeMessages([c])).toBe(10);
    expect(pq.removeMessages([a])).toBe(13);
    expect(pq.cachedCount).toBe(0);
    expect(pq.cachedBytes).toBe(0);
  });

  it('answers −1 when removing from an empty cache', () => {
    expect(new ProcessQueue().removeMessages([msg(1)])).toBe(-1);
  });

  it('records the lag behind the broker from MAX_OFFSET', () => {
    const pq = new ProcessQueue();
    const last = msg(5);
    last.putProperty(MessageConst.MAX_OFFSET, '20');
    pq.putMessages([msg(4), last]);
    expect(pq.lag).toBe(15);
  });
});

describe('ProcessQueue, orderly consumption', () => {
  it('hands out the lowest messages and asks for a consume loop only when none runs', () => {
    const pq = new ProcessQueue();
    expect(pq.putMessages([msg(3), msg(1), msg(2)])).toBe(true);
    expect(pq.putMessages([msg(4)])).toBe(false);
    expect(pq.takeMessages(2).map((m) => m.queueOffset)).toEqual([1, 2]);
    expect(pq.commit()).toBe(3);
    expect(pq.cachedCount).toBe(2);
  });

  it('puts suspended messages back in order', () => {
    const pq = new ProcessQueue();
    pq.putMessages([msg(1), msg(2), msg(3)]);
    const taken = pq.takeMessages(2);
    pq.makeMessagesToConsumeAgain([taken[1]!]);
    expect(pq.commit()).toBe(2);
    expect(pq.takeMessages(5).map((m) => m.queueOffset)).toEqual([2, 3]);
    pq.rollback();
    expect(pq.takeMessages(1).map((m) => m.queueOffset)).toEqual([2]);
  });

  it('clears the consuming flag when there is nothing left to take', () => {
    const pq = new ProcessQueue();
    pq.putMessages([msg(1)]);
    pq.takeMessages(1);
    expect(pq.takeMessages(1)).toEqual([]);
    expect(pq.consuming).toBe(false);
    expect(pq.putMessages([msg(2)])).toBe(true);
  });

  it('considers its lock expired after 30 s without renewal', () => {
    const pq = new ProcessQueue();
    pq.lastLockTimestamp = 1000;
    expect(pq.isLockExpired(1000 + REBALANCE_LOCK_MAX_LIVE_TIME_MS)).toBe(false);
    expect(pq.isLockExpired(1001 + REBALANCE_LOCK_MAX_LIVE_TIME_MS)).toBe(true);
  });

  it('reports itself for ConsumerRunningInfo', () => {
    const pq = new ProcessQueue();
    pq.putMessages([msg(7), msg(9)]);
    pq.locked = true;
    expect(pq.info(7)).toMatchObject({ commitOffset: 7, cachedMsgMinOffset: 7, cachedMsgMaxOffset: 9, cachedMsgCount: 2, locked: true, droped: false });
  });
});
