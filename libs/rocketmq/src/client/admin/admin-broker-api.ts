/**
 * Admin requests to one server address, one method per request (the admin half of Java's
 * MQClientAPIImpl). No routing here: callers pick the address. Unexpected response codes raise
 * RocketMQResponseError with the code, remark, address and request name.
 */
import { decodeConsumeStats, type ConsumeStats } from '../../protocol/body/consume-stats.js';
import { decodeGroupList } from '../../protocol/body/group-list.js';
import { decodeGetConsumerStatusBody } from '../../protocol/body/consumer-status-body.js';
import { GetConsumerStatusRequestHeader } from '../../protocol/header/consumer-headers.js';
import { decodeKVTable } from '../../protocol/body/kv-table.js';
import { decodeResetOffsetBody } from '../../protocol/body/reset-offset-body.js';
import { encodeSubscriptionGroupConfig, type SubscriptionGroupConfig } from '../../protocol/body/subscription-group-config.js';
import { decodeTopicStatsTable, type TopicStatsTable } from '../../protocol/body/topic-stats-table.js';
import { RocketMQResponseError } from '../../protocol/errors.js';
import {
  CreateTopicRequestHeader,
  DeleteTopicRequestHeader,
  GetConsumeStatsRequestHeader,
  GetConsumerConnectionListRequestHeader,
  GetTopicStatsInfoRequestHeader,
  QueryMessageRequestHeader,
  QueryTopicConsumeByWhoRequestHeader,
  ResetOffsetByTimestampRequestHeader,
  ViewMessageRequestHeader,
} from '../../protocol/header/admin-headers.js';
import {
  GetEarliestMsgStoretimeRequestHeader,
  GetEarliestMsgStoretimeResponseHeader,
  GetMaxOffsetRequestHeader,
  GetMinOffsetRequestHeader,
  OffsetResponseHeader,
  QueryConsumerOffsetRequestHeader,
  SearchOffsetRequestHeader,
  UpdateConsumerOffsetRequestHeader,
} from '../../protocol/header/offset-headers.js';
import type { MessageExt } from '../../protocol/message/message.js';
import { MessageQueueMap, type MessageQueue } from '../../protocol/message/message-queue.js';
import { decodeStoredMessage, decodeStoredMessages } from '../../protocol/message/stored-message-codec.js';
import { RemotingCommand, type ExtFields } from '../../protocol/remoting-command.js';
import { RequestCode, requestCodeName } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { RemotingClient } from '../../remoting/remoting-client.js';
import { DeleteSubscriptionGroupCompatHeader } from './admin-headers.js';
import { decodeConsumerConnection, type ConsumerConnection } from './consumer-connection.js';

/** What INVOKE_BROKER_TO_RESET_OFFSET did on one broker. */
export type BrokerResetOutcome =
  | { readonly kind: 'reset'; readonly offsets: MessageQueueMap<number> }
  /**
   * The broker would not: no consumer online or a queue without committed offset (4.9.x, 5.x with
   * `useServerSideResetOffset=false`), or the group is unknown (5.x server-side reset).
   */
  | { readonly kind: 'declined'; readonly code: number; readonly remark: string | undefined };

export class AdminBrokerApi {
  constructor(
    private readonly remoting: RemotingClient,
    private readonly timeoutMs: number,
  ) {}

  /** Sends a request and returns the response whatever its code. */
  async request(addr: string, code: number, ext?: ExtFields, body?: Buffer, timeoutMs = this.timeoutMs): Promise<RemotingCommand> {
    return this.remoting.invoke(addr, RemotingCommand.request(code, ext ? { ...ext } : undefined, body), timeoutMs);
  }

  /** Sends a request and returns the response, throwing RocketMQResponseError unless it is SUCCESS. */
  async call(addr: string, code: number, ext?: ExtFields, body?: Buffer, timeoutMs = this.timeoutMs): Promise<RemotingCommand> {
    const response = await this.request(addr, code, ext, body, timeoutMs);
    if (response.code !== ResponseCode.SUCCESS) throw new RocketMQResponseError(response.code, response.remark, addr, requestCodeName(code));
    return response;
  }

  private async callWithBody(addr: string, code: number, ext?: ExtFields, body?: Buffer, timeoutMs?: number): Promise<Buffer> {
    const response = await this.call(addr, code, ext, body, timeoutMs);
    if (!response.body || response.body.length === 0) {
      throw new RocketMQResponseError(response.code, 'the response has no body', addr, requestCodeName(code));
    }
    return response.body;
  }

  // ------------------------------------------------------------------------------------------
  // broker

  async brokerRuntimeInfo(addr: string): Promise<Record<string, string>> {
    return decodeKVTable(await this.callWithBody(addr, RequestCode.GET_BROKER_RUNTIME_INFO)).table;
  }

  // ------------------------------------------------------------------------------------------
  // topics

  async createTopic(addr: string, header: CreateTopicRequestHeader): Promise<void> {
    await this.call(addr, RequestCode.UPDATE_AND_CREATE_TOPIC, CreateTopicRequestHeader.encode(header));
  }

  async deleteTopic(addr: string, topic: string): Promise<void> {
    await this.call(addr, RequestCode.DELETE_TOPIC_IN_BROKER, DeleteTopicRequestHeader.encode({ topic }));
  }

  async topicStats(addr: string, topic: string): Promise<TopicStatsTable> {
    return decodeTopicStatsTable(await this.callWithBody(addr, RequestCode.GET_TOPIC_STATS_INFO, GetTopicStatsInfoRequestHeader.encode({ topic })));
  }

  // ------------------------------------------------------------------------------------------
  // groups and consumers

  async createSubscriptionGroup(addr: string, config: SubscriptionGroupConfig): Promise<void> {
    await this.call(addr, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, undefined, encodeSubscriptionGroupConfig(config));
  }

  async deleteSubscriptionGroup(addr: string, groupName: string, cleanOffset: boolean): Promise<void> {
    const ext = DeleteSubscriptionGroupCompatHeader.encode({ groupName, cleanOffset, removeOffset: cleanOffset });
    await this.call(addr, RequestCode.DELETE_SUBSCRIPTIONGROUP, ext);
  }

  async consumeStats(addr: string, consumerGroup: string, topic?: string): Promise<ConsumeStats> {
    const ext = GetConsumeStatsRequestHeader.encode(topic === undefined ? { consumerGroup } : { consumerGroup, topic });
    return decodeConsumeStats(await this.callWithBody(addr, RequestCode.GET_CONSUME_STATS, ext, undefined, this.timeoutMs * 3));
  }

  /** The group's connections on this broker, or undefined when no client of the group is connected to it. */
  async consumerConnection(addr: string, consumerGroup: string): Promise<ConsumerConnection | undefined> {
    const code = RequestCode.GET_CONSUMER_CONNECTION_LIST;
    const response = await this.request(addr, code, GetConsumerConnectionListRequestHeader.encode({ consumerGroup }));
    if (response.code === ResponseCode.CONSUMER_NOT_ONLINE) return undefined;
    if (response.code !== ResponseCode.SUCCESS || !response.body) throw new RocketMQResponseError(response.code, response.remark, addr, requestCodeName(code));
    return decodeConsumerConnection(response.body);
  }

  /**
   * INVOKE_BROKER_TO_GET_CONSUMER_STATUS: the broker asks each online consumer of the group
   * (GET_CONSUMER_STATUS_FROM_CLIENT) for its offsets of the topic. Client id → queue → offset.
   */
  async consumerStatus(addr: string, topic: string, group: string, clientAddr?: string): Promise<Map<string, MessageQueueMap<number>>> {
    const ext = GetConsumerStatusRequestHeader.encode(clientAddr === undefined ? { topic, group } : { topic, group, clientAddr });
    return decodeGetConsumerStatusBody(await this.callWithBody(addr, RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, ext, undefined, this.timeoutMs * 3)).consumerTable;
  }

  /** Groups that consume the topic on this broker (online subscriptions and committed offsets). */
  async groupsConsumingTopic(addr: string, topic: string): Promise<string[]> {
    return decodeGroupList(await this.callWithBody(addr, RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, QueryTopicConsumeByWhoRequestHeader.encode({ topic }))).groupList;
  }

  async resetOffsetByTimestamp(addr: string, topic: string, group: string, timestamp: number, isForce: boolean): Promise<BrokerResetOutcome> {
    const code = RequestCode.INVOKE_BROKER_TO_RESET_OFFSET;
    const response = await this.request(addr, code, ResetOffsetByTimestampRequestHeader.encode({ topic, group, timestamp, isForce }));
    switch (response.code) {
      case ResponseCode.SUCCESS:
        return { kind: 'reset', offsets: response.body && response.body.length > 0 ? decodeResetOffsetBody(response.body).offsetTable : new MessageQueueMap() };
      case ResponseCode.CONSUMER_NOT_ONLINE:
      case ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST:
        return { kind: 'declined', code: response.code, remark: response.remark };
      case ResponseCode.SYSTEM_ERROR:
        // 4.9.x (and 5.x without server-side reset) refuse when a queue has no committed offset: "THe consumer group <g> not exist".
        if (/consumer group .* not exist/i.test(response.remark ?? '')) return { kind: 'declined', code: response.code, remark: response.remark };
        throw new RocketMQResponseError(response.code, response.remark, addr, requestCodeName(code));
      default:
        throw new RocketMQResponseError(response.code, response.remark, addr, requestCodeName(code));
    }
  }

  /** Commits a consumer offset (synchronously, unlike consumers, which send it one-way). */
  async updateConsumerOffset(addr: string, consumerGroup: string, mq: MessageQueue, commitOffset: number): Promise<void> {
    const ext = UpdateConsumerOffsetRequestHeader.encode({ consumerGroup, topic: mq.topic, queueId: mq.queueId, commitOffset });
    await this.call(addr, RequestCode.UPDATE_CONSUMER_OFFSET, ext);
  }

  /** The committed offset, or undefined when the group has none for the queue. */
  async queryConsumerOffset(addr: string, consumerGroup: string, mq: MessageQueue): Promise<number | undefined> {
    const code = RequestCode.QUERY_CONSUMER_OFFSET;
    const response = await this.request(addr, code, QueryConsumerOffsetRequestHeader.encode({ consumerGroup, topic: mq.topic, queueId: mq.queueId }));
    if (response.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
    if (response.code !== ResponseCode.SUCCESS) throw new RocketMQResponseError(response.code, response.remark, addr, requestCodeName(code));
    return OffsetResponseHeader.decode(response.extFields).offset;
  }

  // ------------------------------------------------------------------------------------------
  // queue offsets

  async maxOffset(addr: string, mq: MessageQueue): Promise<number> {
    const response = await this.call(addr, RequestCode.GET_MAX_OFFSET, GetMaxOffsetRequestHeader.encode({ topic: mq.topic, queueId: mq.queueId }));
    return OffsetResponseHeader.decode(response.extFields).offset;
  }

  async minOffset(addr: string, mq: MessageQueue): Promise<number> {
    const response = await this.call(addr, RequestCode.GET_MIN_OFFSET, GetMinOffsetRequestHeader.encode({ topic: mq.topic, queueId: mq.queueId }));
    return OffsetResponseHeader.decode(response.extFields).offset;
  }

  async searchOffset(addr: string, mq: MessageQueue, timestamp: number): Promise<number> {
    const ext = SearchOffsetRequestHeader.encode({ topic: mq.topic, queueId: mq.queueId, timestamp });
    const response = await this.call(addr, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, ext);
    return OffsetResponseHeader.decode(response.extFields).offset;
  }

  async earliestMsgStoreTime(addr: string, mq: MessageQueue): Promise<number> {
    const ext = GetEarliestMsgStoretimeRequestHeader.encode({ topic: mq.topic, queueId: mq.queueId });
    const response = await this.call(addr, RequestCode.GET_EARLIEST_MSG_STORETIME, ext);
    return GetEarliestMsgStoretimeResponseHeader.decode(response.extFields).timestamp;
  }

  // ------------------------------------------------------------------------------------------
  // messages

  /** The message stored at a commit-log offset, or undefined when there is none. */
  async viewMessage(addr: string, commitLogOffset: number, topic?: string): Promise<MessageExt | undefined> {
    const code = RequestCode.VIEW_MESSAGE_BY_ID;
    const ext = ViewMessageRequestHeader.encode(topic === undefined ? { offset: commitLogOffset } : { offset: commitLogOffset, topic });
    const response = await this.request(addr, code, ext);
    if (response.code === ResponseCode.SYSTEM_ERROR && /can not find message|not found/i.test(response.remark ?? '')) return undefined;
    if (response.code !== ResponseCode.SUCCESS) throw new RocketMQResponseError(response.code, response.remark, addr, requestCodeName(code));
    if (!response.body || response.body.length === 0) return undefined;
    return decodeStoredMessage(response.body, 0);
  }

  /** Messages the broker's index holds for the key in the window (hash collisions included); [] when none. */
  async queryMessage(addr: string, header: QueryMessageRequestHeader): Promise<MessageExt[]> {
    const code = RequestCode.QUERY_MESSAGE;
    const response = await this.request(addr, code, QueryMessageRequestHeader.encode(header), undefined, this.timeoutMs * 3);
    if (response.code === ResponseCode.QUERY_NOT_FOUND) return [];
    if (response.code !== ResponseCode.SUCCESS) throw new RocketMQResponseError(response.code, response.remark, addr, requestCodeName(code));
    return response.body && response.body.length > 0 ? decodeStoredMessages(response.body) : [];
  }
}
