/**
 * Resetting a group's offsets by committing them one queue at a time: what Java's admin does
 * (`resetOffsetByTimestampOld`) when the broker will not reset them itself because no consumer of
 * the group is online (4.9.x, or 5.x with `useServerSideResetOffset=false`).
 */
import { MessageQueueMap, type MessageQueue } from '../../protocol/message/message-queue.js';
import type { AdminBrokerApi } from './admin-broker-api.js';

export interface CommitResetTarget {
  /** Master address of the broker. */
  addr: string;
  brokerName: string;
  /** Readable queues of the topic on this broker (from the route). */
  readQueueNums: number;
}

/**
 * The offset a queue is reset to: the target unless the reset is not forced and the target lies ahead
 * of the committed offset (a non-forced reset only moves backwards).
 */
export function resetDecision(target: number, committed: number, force: boolean): { offset: number; commit: boolean } {
  return force || target <= committed ? { offset: target, commit: true } : { offset: committed, commit: false };
}

/**
 * Resets the group's offsets for the topic on one broker by SEARCH_OFFSET_BY_TIMESTAMP (or
 * GET_MAX_OFFSET for timestamp −1) and UPDATE_CONSUMER_OFFSET per queue. Queues the group has
 * offsets for are taken from GET_CONSUME_STATS; when it has none, every readable queue counts, with
 * the queue's min offset as the committed one.
 */
export async function resetOffsetsByCommit(
  api: AdminBrokerApi,
  target: CommitResetTarget,
  topic: string,
  group: string,
  timestamp: number,
  force: boolean,
): Promise<MessageQueueMap<number>> {
  const committed = new MessageQueueMap<number>();
  const stats = await api.consumeStats(target.addr, group);
  for (const [mq, w] of stats.offsetTable) if (mq.topic === topic) committed.set(mq, w.consumerOffset);
  if (committed.size === 0) {
    const topicStats = await api.topicStats(target.addr, topic);
    for (let queueId = 0; queueId < target.readQueueNums; queueId++) {
      const mq: MessageQueue = { topic, brokerName: target.brokerName, queueId };
      committed.set(mq, topicStats.offsetTable.get(mq)?.minOffset ?? 0);
    }
  }
  const result = new MessageQueueMap<number>();
  for (const [mq, current] of committed.sortedEntries()) {
    const wanted = timestamp === -1 ? await api.maxOffset(target.addr, mq) : await api.searchOffset(target.addr, mq, timestamp);
    const decision = resetDecision(wanted, current, force);
    if (decision.commit) await api.updateConsumerOffset(target.addr, group, mq, decision.offset);
    result.set(mq, decision.offset);
  }
  return result;
}
