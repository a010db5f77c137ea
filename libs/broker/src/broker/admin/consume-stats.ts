/** ConsumeStats of a group (`AdminBrokerProcessor.getConsumeStats` / `fetchAllConsumeStatsInBroker`). */
import { MessageQueueMap, type ConsumeStats, type OffsetWrapper } from '@app/rocketmq/protocol';
import type { AdminDeps } from './admin-deps.js';

export interface ConsumeStatsQuery {
  group: string;
  /** Topics to report; default every topic the group has committed offsets for. */
  topics?: readonly string[];
  /** `read`: the topic's read queues (GET_CONSUME_STATS); `write`: its write queues (GET_BROKER_CONSUME_STATS). */
  queues: 'read' | 'write';
  /** Only topics flagged `order` (GET_BROKER_CONSUME_STATS with isOrder). */
  orderOnly?: boolean;
}

/** One ConsumeStats per reported topic, in topic order. */
export async function consumeStatsByTopic({ ctx, stats }: AdminDeps, query: ConsumeStatsQuery): Promise<Array<{ topic: string; stats: ConsumeStats }>> {
  const group = query.group;
  const topics = [...(query.topics ?? ctx.offsets.topicsOf(group))].sort();
  const online = ctx.clients.consumerGroup(group);
  const out: Array<{ topic: string; stats: ConsumeStats }> = [];
  for (const topic of topics) {
    const config = ctx.topics.get(topic);
    if (!config) continue;
    if (query.orderOnly && !config.order) continue;
    // An online group that does not subscribe to the topic (any more) is not reported for it.
    if (online && online.subscriptions.size > 0 && !online.subscriptions.has(topic)) continue;
    const offsetTable = new MessageQueueMap<OffsetWrapper>();
    const queueNums = query.queues === 'read' ? config.readQueueNums : config.writeQueueNums;
    for (let queueId = 0; queueId < queueNums; queueId++) {
      const brokerOffset = Math.max(0, ctx.store.maxOffset(topic, queueId));
      const consumerOffset = Math.max(0, ctx.offsets.query(group, topic, queueId) ?? -1);
      let lastTimestamp = 0;
      if (consumerOffset > 0) {
        const t = await ctx.store.messageStoreTime(topic, queueId, consumerOffset - 1);
        if (t > 0) lastTimestamp = t;
      }
      offsetTable.set({ topic, brokerName: ctx.config.brokerName, queueId }, { brokerOffset, consumerOffset, pullOffset: consumerOffset, lastTimestamp });
    }
    out.push({ topic, stats: { consumeTps: stats.consumeTps(group, topic), offsetTable } });
  }
  return out;
}

/** All topics of the group merged into one ConsumeStats (what GET_CONSUME_STATS returns). */
export function mergeConsumeStats(parts: ReadonlyArray<{ stats: ConsumeStats }>): ConsumeStats {
  const merged: ConsumeStats = { consumeTps: 0, offsetTable: new MessageQueueMap<OffsetWrapper>() };
  for (const { stats } of parts) {
    merged.consumeTps += stats.consumeTps;
    for (const [mq, w] of stats.offsetTable) merged.offsetTable.set(mq, w);
  }
  return merged;
}
