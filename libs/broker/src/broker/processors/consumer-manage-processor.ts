/**
 * QUERY_CONSUMER_OFFSET, UPDATE_CONSUMER_OFFSET, GET_CONSUMER_LIST_BY_GROUP (`ConsumerManageProcessor`).
 */
import os from 'node:os';
import type { RequestHandler } from '@app/rocketmq/remoting';
import {
  GetConsumerListByGroupRequestHeader,
  OffsetResponseHeader,
  QueryConsumerOffsetRequestHeader,
  RequestCode,
  ResponseCode,
  UpdateConsumerOffsetRequestHeader,
  encodeConsumerListByGroupResponseBody,
} from '@app/rocketmq/protocol';
import type { BrokerContext } from '../broker-context.js';
import { peerAddress, reply } from './processor-context.js';

/** `accessMessageInMemoryMaxRatio` (40 % of physical memory): the part of the commit log counted as "in memory". */
const IN_MEMORY_BYTES = Math.floor(os.totalmem() * 0.4);

/** `checkInMemByConsumeOffset(topic, queueId, 0, 1)`: the queue's first message is recent enough to be in page cache. */
async function firstMessageInMemory(ctx: BrokerContext, topic: string, queueId: number): Promise<boolean> {
  const entry = await ctx.store.lookup(topic, queueId, 0);
  if (!entry) return false;
  const commitLogMax = ctx.store.stats().commitLog.maxOffset;
  return commitLogMax - entry.commitLogOffset < IN_MEMORY_BYTES;
}

export function consumerManageProcessors(ctx: BrokerContext): Map<number, RequestHandler> {
  const queryConsumerOffset: RequestHandler = async (request) => {
    const h = QueryConsumerOffsetRequestHeader.decode(request.extFields);
    const offset = ctx.offsets.query(h.consumerGroup, h.topic, h.queueId);
    if (offset !== undefined && offset >= 0) {
      return reply(request, ResponseCode.SUCCESS, undefined, OffsetResponseHeader.encode({ offset }));
    }
    if (h.setZeroIfNotFound === false) {
      return reply(request, ResponseCode.QUERY_NOT_FOUND, 'Not found, do not set to zero, maybe this group boot first');
    }
    const minOffset = ctx.store.minOffset(h.topic, h.queueId);
    if (minOffset <= 0 && (await firstMessageInMemory(ctx, h.topic, h.queueId))) {
      return reply(request, ResponseCode.SUCCESS, undefined, OffsetResponseHeader.encode({ offset: 0 }));
    }
    return reply(request, ResponseCode.QUERY_NOT_FOUND, 'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first');
  };

  const updateConsumerOffset: RequestHandler = (request, connection) => {
    const h = UpdateConsumerOffsetRequestHeader.decode(request.extFields);
    if (!ctx.groups.get(h.consumerGroup)) {
      return reply(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${h.consumerGroup}`);
    }
    if (!ctx.topics.get(h.topic)) return reply(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please!`);
    ctx.offsets.commit(h.consumerGroup, h.topic, h.queueId, h.commitOffset, peerAddress(connection));
    return reply(request, ResponseCode.SUCCESS);
  };

  const getConsumerListByGroup: RequestHandler = (request) => {
    const h = GetConsumerListByGroupRequestHeader.decode(request.extFields);
    const ids = ctx.clients.consumerIds(h.consumerGroup);
    if (ids.length === 0) return reply(request, ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${h.consumerGroup}`);
    return reply(request, ResponseCode.SUCCESS, undefined, undefined, encodeConsumerListByGroupResponseBody({ consumerIdList: ids }));
  };

  return new Map<number, RequestHandler>([
    [RequestCode.QUERY_CONSUMER_OFFSET, queryConsumerOffset],
    [RequestCode.UPDATE_CONSUMER_OFFSET, updateConsumerOffset],
    [RequestCode.GET_CONSUMER_LIST_BY_GROUP, getConsumerListByGroup],
  ]);
}
