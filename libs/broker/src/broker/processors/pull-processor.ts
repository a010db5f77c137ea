/**
 * PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361) (`PullMessageProcessor`, `DefaultPullMessageResultHandler`):
 * permission and subscription checks, TAG filtering on consume-queue tags codes and SQL92 on properties, the
 * store status → response code mapping, commit-offset piggy-backing, and long polling through PullRequestHoldService.
 * The body is the matched stored records back to back.
 */
import type { RemotingConnection, RequestHandler } from '@app/rocketmq/remoting';
import {
  MessageConst,
  PullMessageRequestHeader,
  PullMessageResponseHeader,
  PullSysFlag,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  RocketMQError,
  buildSubscriptionData,
  decodeStoredMessage,
  isReadable,
  type PullMessageRequestHeader as PullHeader,
  type SubscriptionData,
} from '@app/rocketmq/protocol';
import { createMessageFilter, type MessageFilter } from '../../filter/index.js';
import type { GetMessageResult } from '../../store/index.js';
import { RETRY_GROUP_TOPIC_PREFIX } from '../metadata/system-topics.js';
import { PullRequestHoldService, type HeldPullRequest } from './pull-request-hold-service.js';
import { peerAddress, reply, type ProcessorContext } from './processor-context.js';

const FILTER_CACHE_MAX = 256;

export class PullMessageProcessor {
  private readonly filters = new Map<string, MessageFilter>();
  readonly hold: PullRequestHoldService;

  constructor(private readonly pc: Omit<ProcessorContext, 'pullHold'>) {
    this.hold = new PullRequestHoldService((held) => this.process(held.request, held.connection, false), pc.ctx.logger);
  }

  handlers(): Map<number, RequestHandler> {
    const handler: RequestHandler = (request, connection) => this.process(request, connection, true);
    return new Map([
      [RequestCode.PULL_MESSAGE, handler],
      [RequestCode.LITE_PULL_MESSAGE, handler],
    ]);
  }

  /** Compiled filters are cached by expression (Apache caches compiled SQL too). Throws Sql92ParseError. */
  filterFor(sub: { expressionType: string; subString: string; codeSet?: number[] }): MessageFilter {
    const type = sub.expressionType === 'SQL92' ? 'SQL92' : 'TAG';
    const key = `${type}\u0000${sub.subString}`;
    let filter = this.filters.get(key);
    if (!filter) {
      filter = createMessageFilter({ expressionType: type, subString: sub.subString, codeSet: type === 'TAG' ? sub.codeSet : undefined });
      if (this.filters.size >= FILTER_CACHE_MAX) this.filters.delete(this.filters.keys().next().value!);
      this.filters.set(key, filter);
    }
    return filter;
  }

  async process(request: RemotingCommand, connection: RemotingConnection, allowSuspend: boolean): Promise<RemotingCommand | undefined> {
    const { ctx } = this.pc;
    const config = ctx.config;
    const header: PullHeader = PullMessageRequestHeader.decode(request.extFields);
    const fail = (code: number, remark: string) => reply(request, code, remark);

    if (!isReadable(config.brokerPermission)) return fail(ResponseCode.NO_PERMISSION, `the broker[${config.brokerIP1}] pulling message is forbidden`);
    const sgc = ctx.groups.findOrCreate(header.consumerGroup);
    if (!sgc) return fail(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group [${header.consumerGroup}] does not exist`);
    if (!sgc.consumeEnable) return fail(ResponseCode.NO_PERMISSION, `subscription group no permission, ${header.consumerGroup}`);
    const topicConfig = ctx.topics.get(header.topic);
    if (!topicConfig) return fail(ResponseCode.TOPIC_NOT_EXIST, `topic[${header.topic}] not exist, apply first please!`);
    if (!isReadable(topicConfig.perm)) return fail(ResponseCode.NO_PERMISSION, `the topic[${header.topic}] pulling message is forbidden`);
    if (header.queueId < 0 || header.queueId >= topicConfig.readQueueNums) {
      return fail(
        ResponseCode.INVALID_PARAMETER,
        `queueId[${header.queueId}] is illegal, topic:[${header.topic}] topicConfig.readQueueNums:[${topicConfig.readQueueNums}] consumer:[${peerAddress(connection)}]`,
      );
    }

    const hasCommitOffset = (header.sysFlag & PullSysFlag.COMMIT_OFFSET) !== 0;
    const hasSuspend = (header.sysFlag & PullSysFlag.SUSPEND) !== 0;
    const hasSubscription = (header.sysFlag & PullSysFlag.SUBSCRIPTION) !== 0;

    let sub: SubscriptionData;
    let filter: MessageFilter;
    if (hasSubscription) {
      try {
        const type = header.expressionType === 'SQL92' ? 'SQL92' : 'TAG';
        sub = buildSubscriptionData(header.topic, header.subscription, type, header.subVersion);
        if (type === 'SQL92' && !config.enablePropertyFilter) {
          return fail(ResponseCode.SYSTEM_ERROR, 'The broker does not support consumer to filter message by SQL92');
        }
        filter = this.filterFor(sub);
      } catch (err) {
        ctx.logger.warn(`Parse the consumer's subscription[${header.subscription}] failed, group: ${header.consumerGroup}: ${(err as Error).message}`, 'PullMessageProcessor');
        return fail(ResponseCode.SUBSCRIPTION_PARSE_FAILED, "parse the consumer's subscription failed");
      }
    } else {
      const groupInfo = ctx.clients.consumerGroup(header.consumerGroup);
      if (!groupInfo) return fail(ResponseCode.SUBSCRIPTION_NOT_EXIST, `the consumer's group info not exist`);
      if (!sgc.consumeBroadcastEnable && groupInfo.messageModel === 'BROADCASTING') {
        return fail(ResponseCode.NO_PERMISSION, `the consumer group[${header.consumerGroup}] can not consume by broadcast way`);
      }
      const found = groupInfo.subscriptions.get(header.topic);
      if (!found) return fail(ResponseCode.SUBSCRIPTION_NOT_EXIST, `the consumer's subscription not exist`);
      if (found.subVersion < header.subVersion) {
        return fail(ResponseCode.SUBSCRIPTION_NOT_LATEST, `the consumer's subscription not latest`);
      }
      sub = found;
      if (sub.expressionType === 'SQL92' && !config.enablePropertyFilter) {
        return fail(ResponseCode.SYSTEM_ERROR, 'The broker does not support consumer to filter message by SQL92');
      }
      try {
        filter = this.filterFor(sub);
      } catch {
        return fail(ResponseCode.SUBSCRIPTION_PARSE_FAILED, "parse the consumer's subscription failed");
      }
    }

    const recordFilter = this.recordFilter(header, filter);
    let result: GetMessageResult;
    try {
      result = await ctx.store.getMessages({
        topic: header.topic,
        queueId: header.queueId,
        offset: header.queueOffset,
        maxCount: Math.min(header.maxMsgNums, config.maxTransferCountOnMessageInMemory),
        maxBytes: Math.min(header.maxMsgBytes && header.maxMsgBytes > 0 ? header.maxMsgBytes : Infinity, config.maxTransferBytesOnMessageInMemory),
        filter: (tagsCode) => filter.matchesTagsCode(tagsCode),
        recordFilter,
      });
    } catch (err) {
      if (err instanceof RocketMQError && err.code !== undefined) return fail(err.code, err.message);
      throw err;
    }

    const { code, nextBeginOffset } = this.mapStatus(result, header.queueOffset);
    const ext = PullMessageResponseHeader.encode({
      suggestWhichBrokerId: 0,
      nextBeginOffset,
      minOffset: result.minOffset,
      maxOffset: result.maxOffset,
      topicSysFlag: topicConfig.topicSysFlag,
      groupSysFlag: sgc.groupSysFlag,
    });

    // commit-offset piggy-backing (first execution only, as Apache: not when a held request wakes up)
    if (allowSuspend && hasCommitOffset) {
      ctx.offsets.commit(header.consumerGroup, header.topic, header.queueId, header.commitOffset, peerAddress(connection));
    }

    if (code === ResponseCode.PULL_NOT_FOUND && allowSuspend && hasSuspend) {
      // a message may have arrived while we read: answer at once instead of holding
      if (ctx.store.maxOffset(header.topic, header.queueId) > header.queueOffset) return this.process(request, connection, false);
      const timeout = config.longPollingEnable ? header.suspendTimeoutMillis : config.shortPollingTimeMills;
      const held: HeldPullRequest = {
        request,
        connection,
        topic: header.topic,
        queueId: header.queueId,
        offset: header.queueOffset,
        matchesTagsCode: (tagsCode) => filter.matchesTagsCode(tagsCode),
      };
      this.hold.hold(held, timeout);
      return undefined;
    }
    return reply(request, code, code === ResponseCode.SUCCESS ? undefined : result.status, ext, code === ResponseCode.SUCCESS ? result.body : undefined);
  }

  /** SQL92 on the stored record's properties; for retry topics (filterSupportRetry) the original topic's subscription. */
  private recordFilter(header: PullHeader, filter: MessageFilter): ((record: Buffer) => boolean) | undefined {
    const { ctx } = this.pc;
    const isRetry = header.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
    if (isRetry && ctx.config.filterSupportRetry) {
      return (record) => {
        const props = decodeStoredMessage(record, 0, { decompress: false }).properties;
        const realTopic = props[MessageConst.RETRY_TOPIC];
        const realSub = realTopic ? ctx.clients.subscription(header.consumerGroup, realTopic) : undefined;
        if (!realSub || realSub.expressionType !== 'SQL92') return filter.matchesProperties(props);
        try {
          return this.filterFor(realSub).matchesProperties(props);
        } catch {
          return false;
        }
      };
    }
    if (!filter.needsProperties) return undefined;
    return (record) => filter.matchesProperties(decodeStoredMessage(record, 0, { decompress: false }).properties);
  }

  private mapStatus(result: GetMessageResult, requested: number): { code: number; nextBeginOffset: number } {
    switch (result.status) {
      case 'FOUND':
        return { code: ResponseCode.SUCCESS, nextBeginOffset: result.nextBeginOffset };
      case 'NO_MATCHED_MESSAGE':
      case 'MESSAGE_WAS_REMOVING':
      case 'OFFSET_FOUND_NULL':
        return { code: ResponseCode.PULL_RETRY_IMMEDIATELY, nextBeginOffset: result.nextBeginOffset };
      case 'NO_MATCHED_LOGIC_QUEUE':
      case 'NO_MESSAGE_IN_QUEUE':
        return { code: requested !== 0 ? ResponseCode.PULL_OFFSET_MOVED : ResponseCode.PULL_NOT_FOUND, nextBeginOffset: result.nextBeginOffset };
      case 'OFFSET_OVERFLOW_ONE':
        return { code: ResponseCode.PULL_NOT_FOUND, nextBeginOffset: result.nextBeginOffset };
      case 'OFFSET_OVERFLOW_BADLY':
      case 'OFFSET_TOO_SMALL':
        return { code: ResponseCode.PULL_OFFSET_MOVED, nextBeginOffset: result.nextBeginOffset };
    }
  }
}
