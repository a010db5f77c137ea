/**
 * Queue allocation strategies of a consumer group (Java's `consumer/rebalance/Allocate*`). Every
 * member of a group computes its own share from the same sorted inputs, so all members must use
 * the same strategy: these functions give exactly the Java results, so Java and Node members of
 * one group agree.
 */
import { createHash } from 'node:crypto';
import { RocketMQClientError } from '../../protocol/errors.js';
import { messageQueueToString, type MessageQueue } from '../../protocol/message/message-queue.js';

export interface AllocateMessageQueueStrategy {
  /** Java's `getName()`: AVG, AVG_BY_CIRCLE, CONSISTENT_HASH, CONFIG. */
  readonly name: string;
  /**
   * The queues `currentCid` owns. `mqAll` must be sorted by (topic, brokerName, queueId) and
   * `cidAll` in Java String order, as the rebalance passes them.
   */
  allocate(group: string, currentCid: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): MessageQueue[];
}

/** Java's AbstractAllocateMessageQueueStrategy.check: false when this client is not (yet) in the list. */
function check(currentCid: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): boolean {
  if (!currentCid) throw new RocketMQClientError('currentCID is empty');
  if (mqAll.length === 0) throw new RocketMQClientError('mqAll is null or mqAll empty');
  if (cidAll.length === 0) throw new RocketMQClientError('cidAll is null or cidAll empty');
  return cidAll.includes(currentCid);
}

/** Consecutive blocks: the first `n % c` consumers get one queue more (the default strategy). */
export const allocateAveragely: AllocateMessageQueueStrategy = {
  name: 'AVG',
  allocate(_group, currentCid, mqAll, cidAll) {
    if (!check(currentCid, mqAll, cidAll)) return [];
    const n = mqAll.length;
    const c = cidAll.length;
    const index = cidAll.indexOf(currentCid);
    const mod = n % c;
    const size = n <= c ? 1 : mod > 0 && index < mod ? Math.floor(n / c) + 1 : Math.floor(n / c);
    const start = mod > 0 && index < mod ? index * size : index * size + mod;
    const range = Math.min(size, n - start);
    const out: MessageQueue[] = [];
    for (let i = 0; i < range; i++) out.push(mqAll[start + i]!);
    return out;
  },
};

/** Round robin: consumer i gets queues i, i + c, i + 2c, ... */
export const allocateAveragelyByCircle: AllocateMessageQueueStrategy = {
  name: 'AVG_BY_CIRCLE',
  allocate(_group, currentCid, mqAll, cidAll) {
    if (!check(currentCid, mqAll, cidAll)) return [];
    const index = cidAll.indexOf(currentCid);
    const out: MessageQueue[] = [];
    for (let i = index; i < mqAll.length; i += cidAll.length) out.push(mqAll[i]!);
    return out;
  },
};

/** Java's ConsistentHashRouter.MD5Hash: the first four bytes of the MD5 of the UTF-8 key, unsigned. */
export function md5Hash(key: string): number {
  return createHash('md5').update(key, 'utf8').digest().readUInt32BE(0);
}

/**
 * Consistent hashing: each client id is placed on a ring `virtualNodes` times (keys `cid-0`,
 * `cid-1`, ...), and each queue (keyed by Java's `MessageQueue.toString()`) goes to the first
 * node at or after its hash. Fewer queues move when members come and go.
 */
export function allocateConsistentHash(virtualNodes = 10, hash: (key: string) => number = md5Hash): AllocateMessageQueueStrategy {
  if (!Number.isInteger(virtualNodes) || virtualNodes < 0) throw new RocketMQClientError(`illegal virtualNodeCnt: ${virtualNodes}`);
  return {
    name: 'CONSISTENT_HASH',
    allocate(_group, currentCid, mqAll, cidAll) {
      if (!check(currentCid, mqAll, cidAll)) return [];
      // A TreeMap<Long, node>: a later node with the same hash replaces the earlier one.
      const ring = new Map<number, string>();
      for (const cid of cidAll) {
        for (let i = 0; i < virtualNodes; i++) ring.set(hash(`${cid}-${i}`), cid);
      }
      const points = [...ring.keys()].sort((a, b) => a - b);
      if (points.length === 0) return [];
      const out: MessageQueue[] = [];
      for (const mq of mqAll) {
        const h = hash(messageQueueToString(mq));
        let lo = 0;
        let hi = points.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (points[mid]! < h) lo = mid + 1;
          else hi = mid;
        }
        const owner = ring.get(points[lo === points.length ? 0 : lo]!);
        if (owner === currentCid) out.push(mq);
      }
      return out;
    },
  };
}

/** A fixed list of queues, whatever the group looks like (Java's AllocateMessageQueueByConfig). */
export function allocateByConfig(queues: readonly MessageQueue[]): AllocateMessageQueueStrategy {
  const fixed = queues.map((q) => ({ topic: q.topic, brokerName: q.brokerName, queueId: q.queueId }));
  return { name: 'CONFIG', allocate: () => [...fixed] };
}
