/** GET_MAX_OFFSET, GET_MIN_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP, GET_EARLIEST_MSG_STORETIME (`AdminBrokerProcessor` in Apache). */
import type { RequestHandler } from '@app/rocketmq/remoting';
import {
  GetEarliestMsgStoretimeRequestHeader,
  GetEarliestMsgStoretimeResponseHeader,
  GetMaxOffsetRequestHeader,
  GetMinOffsetRequestHeader,
  OffsetResponseHeader,
  RequestCode,
  ResponseCode,
  SearchOffsetRequestHeader,
} from '@app/rocketmq/protocol';
import type { BrokerContext } from '../broker-context.js';
import { reply } from './processor-context.js';

export function queueOffsetProcessors(ctx: BrokerContext): Map<number, RequestHandler> {
  const offset = (request: Parameters<RequestHandler>[0], value: number) =>
    reply(request, ResponseCode.SUCCESS, undefined, OffsetResponseHeader.encode({ offset: value }));

  return new Map<number, RequestHandler>([
    [
      RequestCode.GET_MAX_OFFSET,
      (request) => {
        const h = GetMaxOffsetRequestHeader.decode(request.extFields);
        return offset(request, ctx.store.maxOffset(h.topic, h.queueId));
      },
    ],
    [
      RequestCode.GET_MIN_OFFSET,
      (request) => {
        const h = GetMinOffsetRequestHeader.decode(request.extFields);
        return offset(request, ctx.store.minOffset(h.topic, h.queueId));
      },
    ],
    [
      RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
      async (request) => {
        const h = SearchOffsetRequestHeader.decode(request.extFields);
        const boundary = h.boundaryType === 'UPPER' ? 'UPPER' : 'LOWER';
        return offset(request, await ctx.store.offsetByTime(h.topic, h.queueId, h.timestamp, boundary));
      },
    ],
    [
      RequestCode.GET_EARLIEST_MSG_STORETIME,
      async (request) => {
        const h = GetEarliestMsgStoretimeRequestHeader.decode(request.extFields);
        const timestamp = await ctx.store.earliestMessageTime(h.topic, h.queueId);
        return reply(request, ResponseCode.SUCCESS, undefined, GetEarliestMsgStoretimeResponseHeader.encode({ timestamp }));
      },
    ],
  ]);
}
