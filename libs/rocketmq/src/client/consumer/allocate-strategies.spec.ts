import { describe, expect, it } from '@jest/globals';
import type { MessageQueue } from '../../protocol/message/message-queue.js';
import { allocateAveragely, allocateAveragelyByCircle, allocateByConfig, allocateConsistentHash, md5Hash } from './allocate-strategies.js';

const queues = (n: number, topic = 'T'): MessageQueue[] => Array.from({ length: n }, (_, i) => ({ topic, brokerName: 'broker-a', queueId: i }));
const cids = (n: number) => Array.from({ length: n }, (_, i) => `10.0.0.${i}@${i}`);
const ids = (mqs: MessageQueue[]) => mqs.map((q) => q.queueId);

describe('AllocateMessageQueueAveragely', () => {
  it('gives the first n % c consumers one queue more, in consecutive blocks', () => {
    const all = cids(3);
    expect(all.map((cid) => ids(allocateAveragely.allocate('g', cid, queues(10), all)))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
  });

  it('gives one queue each to the first consumers when there are fewer queues than consumers', () => {
    const all = cids(4);
    expect(all.map((cid) => ids(allocateAveragely.allocate('g', cid, queues(2), all)))).toEqual([[0], [1], [], []]);
  });

  it('gives nothing to a client that is not in the list yet', () => {
    expect(allocateAveragely.allocate('g', 'someone-else', queues(4), cids(2))).toEqual([]);
  });

  it('rejects empty inputs as Java does', () => {
    expect(() => allocateAveragely.allocate('g', 'a', [], ['a'])).toThrow('mqAll');
    expect(() => allocateAveragely.allocate('g', 'a', queues(1), [])).toThrow('cidAll');
  });
});

describe('AllocateMessageQueueAveragelyByCircle', () => {
  it('deals the queues round robin', () => {
    const all = cids(3);
    expect(all.map((cid) => ids(allocateAveragelyByCircle.allocate('g', cid, queues(8), all)))).toEqual([
      [0, 3, 6],
      [1, 4, 7],
      [2, 5],
    ]);
  });
});

describe('AllocateMessageQueueConsistentHash', () => {
  it('hashes like Java MD5Hash: the first four digest bytes, unsigned', () => {
    // md5("a") = 0cc175b9 c0f1b6a8 31c399e2 69772661
    expect(md5Hash('a')).toBe(0x0cc175b9);
    // md5("The quick brown fox jumps over the lazy dog") = 9e107d9d ...
    expect(md5Hash('The quick brown fox jumps over the lazy dog')).toBe(0x9e107d9d);
  });

  it('partitions every queue to exactly one consumer', () => {
    const strategy = allocateConsistentHash();
    const all = cids(3);
    const mqAll = queues(16);
    const parts = all.map((cid) => ids(strategy.allocate('g', cid, mqAll, all)));
    expect(parts.flat().sort((a, b) => a - b)).toEqual(ids(mqAll));
  });

  it('moves only the queues of the ring segment a new member takes', () => {
    const strategy = allocateConsistentHash(10);
    const mqAll = queues(32);
    const before = cids(3);
    const after = cids(4);
    let moved = 0;
    for (const cid of before) {
      const was = new Set(ids(strategy.allocate('g', cid, mqAll, before)));
      for (const q of strategy.allocate('g', cid, mqAll, after)) expect(was.has(q.queueId)).toBe(true);
      moved += was.size - strategy.allocate('g', cid, mqAll, after).length;
    }
    expect(moved).toBe(strategy.allocate('g', after[3]!, mqAll, after).length);
  });

  it('routes a queue to the first virtual node at or after its hash, wrapping around', () => {
    const hashes: Record<string, number> = { 'a-0': 100, 'b-0': 200 };
    const hash = (key: string) => hashes[key] ?? (key.includes('queueId=0') ? 150 : key.includes('queueId=1') ? 250 : 50);
    const strategy = allocateConsistentHash(1, hash);
    const mqAll = queues(3);
    expect(ids(strategy.allocate('g', 'a', mqAll, ['a', 'b']))).toEqual([1, 2]);
    expect(ids(strategy.allocate('g', 'b', mqAll, ['a', 'b']))).toEqual([0]);
  });
});

describe('AllocateMessageQueueByConfig', () => {
  it('returns the configured queues whatever the group', () => {
    const strategy = allocateByConfig(queues(2));
    expect(ids(strategy.allocate('g', 'x', queues(8), ['x', 'y']))).toEqual([0, 1]);
  });
});
