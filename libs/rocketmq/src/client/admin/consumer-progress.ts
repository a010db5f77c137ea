/** Consumer progress (lag) from the ConsumeStats of each broker, as `mqadmin consumerProgress` shows it. */
import type { ConsumeStats } from '../../protocol/body/consume-stats.js';
import { compareMessageQueues, MessageQueueMap, type MessageQueue } from '../../protocol/message/message-queue.js';

export interface QueueProgress {
  readonly mq: MessageQueue;
  /** Next offset the broker will assign in the queue (its max offset). */
  readonly brokerOffset: number;
  /** Offset the group committed; 0 when it never committed one. */
  readonly consumerOffset: number;
  /** 5.x: highest offset handed to the group (pulled / popped, not yet committed). Equals consumerOffset on 4.9.x. */
  readonly pullOffset: number;
  /** Messages not yet consumed: brokerOffset − consumerOffset, never negative. */
  readonly lag: number;
  /** Store time of the last consumed message, ms; 0 when unknown. */
  readonly lastTimestamp: number;
}

export interface ConsumerProgress {
  readonly group: string;
  /** Sorted as Java sorts MessageQueues: topic, broker name, queue id. */
  readonly queues: readonly QueueProgress[];
  readonly totalBrokerOffset: number;
  readonly totalConsumerOffset: number;
  readonly totalLag: number;
  /** Sum of the brokers' consume TPS for the group. */
  readonly consumeTps: number;
  /** Latest `lastTimestamp` of all queues (0 when none is known). */
  readonly lastConsumeTimestamp: number;
}

/**
 * Merges the per-broker ConsumeStats of one group. `topic` keeps only that topic's queues (a broker
 * asked for one topic already filters; this also drops the retry topic when the caller wants that).
 */
export function consumerProgressFrom(group: string, stats: readonly ConsumeStats[], topic?: string): ConsumerProgress {
  const merged = new MessageQueueMap<QueueProgress>();
  let consumeTps = 0;
  for (const s of stats) {
    consumeTps += s.consumeTps;
    for (const [mq, w] of s.offsetTable) {
      if (topic !== undefined && mq.topic !== topic) continue;
      merged.set(mq, {
        mq,
        brokerOffset: w.brokerOffset,
        consumerOffset: w.consumerOffset,
        pullOffset: Math.max(w.pullOffset, w.consumerOffset),
        lag: Math.max(0, w.brokerOffset - w.consumerOffset),
        lastTimestamp: w.lastTimestamp,
      });
    }
  }
  const queues = [...merged.values()].sort((a, b) => compareMessageQueues(a.mq, b.mq));
  let totalBrokerOffset = 0;
  let totalConsumerOffset = 0;
  let totalLag = 0;
  let lastConsumeTimestamp = 0;
  for (const q of queues) {
    totalBrokerOffset += q.brokerOffset;
    totalConsumerOffset += q.consumerOffset;
    totalLag += q.lag;
    lastConsumeTimestamp = Math.max(lastConsumeTimestamp, q.lastTimestamp);
  }
  return { group, queues, totalBrokerOffset, totalConsumerOffset, totalLag, consumeTps, lastConsumeTimestamp };
}
