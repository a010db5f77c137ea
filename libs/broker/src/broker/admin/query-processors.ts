/**
 * Message lookup: QUERY_MESSAGE (12) by key or, with `_UNIQUE_KEY_QUERY=true`, by client message id, and
 * VIEW_MESSAGE_BY_ID (33) by commit-log offset (`QueryMessageProcessor`).
 */
import {
  QueryMessageRequestHeader,
  QueryMessageResponseHeader,
  RequestCode,
  ResponseCode,
  ViewMessageRequestHeader,
  type RemotingCommand,
} from '@app/rocketmq/protocol';
import type { BrokerContext } from '../broker-context.js';
import type { AdminDeps } from './admin-deps.js';
import { UNIQUE_KEY_QUERY_FLAG } from './admin-headers.js';
import { failure, success } from './admin-responses.js';

/** `defaultQueryMaxNum`: the cap of a unique-key query whatever maxNum says. */
export const UNIQUE_KEY_QUERY_MAX_NUM = 32;

export async function queryMessage(ctx: BrokerContext, request: RemotingCommand): Promise<RemotingCommand> {
  const header = QueryMessageRequestHeader.decode(request.extFields);
  const byUniqueKey = request.ext(UNIQUE_KEY_QUERY_FLAG) === 'true';
  const maxNum = byUniqueKey ? UNIQUE_KEY_QUERY_MAX_NUM : header.maxNum;
  const result = byUniqueKey
    ? await ctx.store.queryByUniqueKey(header.topic, header.key, maxNum, header.beginTimestamp, header.endTimestamp)
    : await ctx.store.queryByKey(header.topic, header.key, maxNum, header.beginTimestamp, header.endTimestamp);
  const ext = QueryMessageResponseHeader.encode({
    indexLastUpdateTimestamp: result.indexLastUpdateTimestamp,
    indexLastUpdatePhyoffset: result.indexLastUpdatePhyoffset,
  });
  if (result.records.length === 0) {
    const response = failure(request, ResponseCode.QUERY_NOT_FOUND, 'can not find message, maybe time range not correct');
    response.extFields = ext;
    return response;
  }
  return success(request, Buffer.concat(result.records), ext);
}

export async function viewMessageById(ctx: BrokerContext, request: RemotingCommand): Promise<RemotingCommand> {
  const { offset } = ViewMessageRequestHeader.decode(request.extFields);
  let record: Buffer | undefined;
  try {
    record = offset >= 0 ? await ctx.store.messageAt(offset) : undefined;
  } catch {
    record = undefined;
  }
  if (!record) return failure(request, ResponseCode.SYSTEM_ERROR, `can not find message by the offset, ${offset}`);
  return success(request, record);
}

export function registerQueryProcessors({ ctx }: AdminDeps): void {
  ctx.registerProcessor(RequestCode.QUERY_MESSAGE, (request) => queryMessage(ctx, request));
  ctx.registerProcessor(RequestCode.VIEW_MESSAGE_BY_ID, (request) => viewMessageById(ctx, request));
}
