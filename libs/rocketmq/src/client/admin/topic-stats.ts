/** Topic statistics (offsets per queue) from the TopicStatsTable of each broker, as `mqadmin topicStatus` shows it. */
import type { TopicStatsTable } from '../../protocol/body/topic-stats-table.js';
import { compareMessageQueues, MessageQueueMap, type MessageQueue } from '../../protocol/message/message-queue.js';

export interface TopicQueueStats {
  readonly mq: MessageQueue;
  /** Oldest offset still stored. */
  readonly minOffset: number;
  /** Next offset to be assigned (= messages ever written to the queue). */
  readonly maxOffset: number;
  /** Store time of the newest message, ms; 0 when the queue is empty. */
  readonly lastUpdateTimestamp: number;
}

export interface TopicStats {
  readonly topic: string;
  /** Sorted by broker name, then queue id. */
  readonly queues: readonly TopicQueueStats[];
  /** Sum of maxOffset: messages ever written to the topic. */
  readonly totalMaxOffset: number;
  /** Sum of maxOffset − minOffset: messages still stored. */
  readonly storedMessages: number;
  /** Newest lastUpdateTimestamp of all queues. */
  readonly lastUpdateTimestamp: number;
  /** 5.x only: sum of the brokers' put TPS for the topic. */
  readonly putTps: number | undefined;
}

export function topicStatsFrom(topic: string, tables: readonly TopicStatsTable[]): TopicStats {
  const merged = new MessageQueueMap<TopicQueueStats>();
  let putTps: number | undefined;
  for (const t of tables) {
    if (t.topicPutTps !== undefined) putTps = (putTps ?? 0) + t.topicPutTps;
    for (const [mq, o] of t.offsetTable) {
      if (mq.topic !== topic) continue;
      merged.set(mq, { mq, minOffset: o.minOffset, maxOffset: o.maxOffset, lastUpdateTimestamp: o.lastUpdateTimestamp });
    }
  }
  const queues = [...merged.values()].sort((a, b) => compareMessageQueues(a.mq, b.mq));
  let totalMaxOffset = 0;
  let storedMessages = 0;
  let lastUpdateTimestamp = 0;
  for (const q of queues) {
    totalMaxOffset += q.maxOffset;
    storedMessages += Math.max(0, q.maxOffset - q.minOffset);
    lastUpdateTimestamp = Math.max(lastUpdateTimestamp, q.lastUpdateTimestamp);
  }
  return { topic, queues, totalMaxOffset, storedMessages, lastUpdateTimestamp, putTps };
}
