/**
 * Offsets and statistics: GET_TOPIC_STATS_INFO (202), GET_CONSUME_STATS (208), GET_BROKER_CONSUME_STATS (317),
 * QUERY_CONSUME_TIME_SPAN (303), GET_ALL_CONSUMER_OFFSET (43) and GET_ALL_DELAY_OFFSET (45).
 */
import {
  GetConsumeStatsRequestHeader,
  GetTopicStatsInfoRequestHeader,
  MessageQueueMap,
  RequestCode,
  ResponseCode,
  consumeStatsTotalDiff,
  encodeConsumeStats,
  encodeTopicStatsTable,
  type ConsumeStats,
  type RemotingCommand,
  type TopicOffset,
} from '@app/rocketmq/protocol';
import type { AdminDeps } from './admin-deps.js';
import { encodeConsumeStatsList, encodeConsumerOffsetWrapper, encodeDelayOffsetWrapper, encodeQueryConsumeTimeSpanBody, type QueueTimeSpan } from './admin-bodies.js';
import { GetConsumeStatsInBrokerHeader, QueryConsumeTimeSpanRequestHeader } from './admin-headers.js';
import { failure, success } from './admin-responses.js';
import { consumeStatsByTopic, mergeConsumeStats } from './consume-stats.js';

export async function getTopicStatsInfo({ ctx }: AdminDeps, request: RemotingCommand): Promise<RemotingCommand> {
  const topic = GetTopicStatsInfoRequestHeader.decode(request.extFields).topic;
  const config = ctx.topics.get(topic);
  if (!config) return failure(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist`);
  const offsetTable = new MessageQueueMap<TopicOffset>();
  for (let queueId = 0; queueId < config.writeQueueNums; queueId++) {
    const minOffset = Math.max(0, ctx.store.minOffset(topic, queueId));
    const maxOffset = Math.max(0, ctx.store.maxOffset(topic, queueId));
    const lastUpdateTimestamp = maxOffset > 0 ? Math.max(0, await ctx.store.messageStoreTime(topic, queueId, maxOffset - 1)) : 0;
    offsetTable.set({ topic, brokerName: ctx.config.brokerName, queueId }, { minOffset, maxOffset, lastUpdateTimestamp });
  }
  return success(request, encodeTopicStatsTable({ offsetTable }));
}

export async function getConsumeStats(deps: AdminDeps, request: RemotingCommand): Promise<RemotingCommand> {
  const header = GetConsumeStatsRequestHeader.decode(request.extFields);
  // 5.x sends `topicList` (comma-separated) as well; both narrow the topics reported.
  const topicList = request.ext('topicList');
  const topics = header.topic ? [header.topic] : topicList ? topicList.split(',').filter(Boolean) : undefined;
  const parts = await consumeStatsByTopic(deps, { group: header.consumerGroup, topics, queues: 'read' });
  return success(request, encodeConsumeStats(mergeConsumeStats(parts)));
}

export async function getBrokerConsumeStats(deps: AdminDeps, request: RemotingCommand): Promise<RemotingCommand> {
  const orderOnly = GetConsumeStatsInBrokerHeader.decode(request.extFields).isOrder ?? false;
  const list: Array<{ group: string; stats: ConsumeStats[] }> = [];
  let totalDiff = 0;
  for (const group of deps.ctx.groups.all().map((g) => g.groupName).sort()) {
    const parts = await consumeStatsByTopic(deps, { group, queues: 'write', orderOnly });
    for (const p of parts) totalDiff += consumeStatsTotalDiff(p.stats);
    list.push({ group, stats: parts.map((p) => p.stats) });
  }
  return success(request, encodeConsumeStatsList({ brokerAddr: deps.ctx.brokerAddr, consumeStatsList: list, totalDiff }));
}

export async function queryConsumeTimeSpan({ ctx, options }: AdminDeps, request: RemotingCommand): Promise<RemotingCommand> {
  const { topic, group } = QueryConsumeTimeSpanRequestHeader.decode(request.extFields);
  const config = ctx.topics.get(topic);
  if (!config) return failure(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist`);
  const now = (options.now ?? Date.now)();
  const spans: QueueTimeSpan[] = [];
  for (let queueId = 0; queueId < config.writeQueueNums; queueId++) {
    const minTimeStamp = await ctx.store.earliestMessageTime(topic, queueId);
    const max = ctx.store.maxOffset(topic, queueId);
    const maxTimeStamp = await ctx.store.messageStoreTime(topic, queueId, max - 1);
    const consumerOffset = ctx.offsets.query(group, topic, queueId) ?? -1;
    const consumeTimeStamp = consumerOffset > 0 ? await ctx.store.messageStoreTime(topic, queueId, consumerOffset - 1) : minTimeStamp;
    let delayTime = 0;
    if (consumerOffset < max) delayTime = now - (await ctx.store.messageStoreTime(topic, queueId, Math.max(0, consumerOffset)));
    spans.push({ messageQueue: { topic, brokerName: ctx.config.brokerName, queueId }, minTimeStamp, maxTimeStamp, consumeTimeStamp, delayTime });
  }
  return success(request, encodeQueryConsumeTimeSpanBody(spans));
}

/** `topic@group` → queueId → committed offset, for every group with offsets on a known topic. */
export function allConsumerOffsets({ ctx }: AdminDeps): Map<string, Map<number, number>> {
  const table = new Map<string, Map<number, number>>();
  const topics = new Set<string>([...ctx.topics.all().map((t) => t.topicName), ...ctx.store.topics()]);
  for (const topic of [...topics].sort()) {
    for (const group of ctx.offsets.groupsOf(topic)) {
      const offsets = ctx.offsets.offsetsOf(group, topic);
      if (offsets.size > 0) table.set(`${topic}@${group}`, new Map(offsets));
    }
  }
  return table;
}

export function registerStatsProcessors(deps: AdminDeps): void {
  const { ctx, options } = deps;
  ctx.registerProcessor(RequestCode.GET_TOPIC_STATS_INFO, (request) => getTopicStatsInfo(deps, request));
  ctx.registerProcessor(RequestCode.GET_CONSUME_STATS, (request) => getConsumeStats(deps, request));
  ctx.registerProcessor(RequestCode.GET_BROKER_CONSUME_STATS, (request) => getBrokerConsumeStats(deps, request));
  ctx.registerProcessor(RequestCode.QUERY_CONSUME_TIME_SPAN, (request) => queryConsumeTimeSpan(deps, request));
  ctx.registerProcessor(RequestCode.GET_ALL_CONSUMER_OFFSET, (request) => success(request, encodeConsumerOffsetWrapper(allConsumerOffsets(deps))));
  ctx.registerProcessor(RequestCode.GET_ALL_DELAY_OFFSET, (request) =>
    success(request, encodeDelayOffsetWrapper(options.delayOffsets?.() ?? new Map<number, number>())),
  );
}
