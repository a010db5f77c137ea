/**
 * The broker requests a consumer makes besides pulling: offsets (query, update, min, max, search
 * by time), the group's member list, queue locks for orderly consumption and sending a failed
 * message back for retry. Each method resolves the broker address from the client instance's
 * routes and turns a non-success answer into a RocketMQResponseError.
 */
import { RocketMQConnectionError, RocketMQResponseError } from '../../protocol/errors.js';
import { decodeConsumerListByGroupResponseBody } from '../../protocol/body/consumer-list.js';
import { decodeLockBatchResponseBody, encodeLockBatchRequestBody, encodeUnlockBatchRequestBody } from '../../protocol/body/lock-batch.js';
import { ConsumerSendMsgBackRequestHeader, GetConsumerListByGroupRequestHeader } from '../../protocol/header/consumer-headers.js';
import {
  GetMaxOffsetRequestHeader,
  GetMinOffsetRequestHeader,
  OffsetResponseHeader,
  QueryConsumerOffsetRequestHeader,
  SearchOffsetRequestHeader,
  UpdateConsumerOffsetRequestHeader,
} from '../../protocol/header/offset-headers.js';
import type { MessageExt } from '../../protocol/message/message.js';
import type { MessageQueue } from '../../protocol/message/message-queue.js';
import { RemotingCommand, type ExtFields } from '../../protocol/remoting-command.js';
import { RequestCode, requestCodeName } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { ClientInstance } from '../client-instance.js';

export class ConsumerApi {
  constructor(
    private readonly instance: ClientInstance,
    private readonly timeoutMs = instance.options.requestTimeoutMs,
  ) {}

  /** The master of a broker, refreshing the topic's route once when it is not known. */
  async masterAddr(brokerName: string, topic?: string): Promise<string> {
    let addr = this.instance.masterAddr(brokerName);
    if (!addr && topic) {
      await this.instance.updateTopicRoute(topic).catch(() => undefined);
      addr = this.instance.masterAddr(brokerName);
    }
    if (!addr) throw new RocketMQConnectionError(`The master of broker ${brokerName} is not known (is it down?)`, brokerName);
    return addr;
  }

  /**
   * Where to read offsets: the master, else (master down) a slave of the same broker, as Java's
   * findBrokerAddressInSubscribe does, so consumers keep going from a dead master's slave.
   */
  async readAddr(brokerName: string, topic?: string): Promise<string> {
    let found = this.instance.subscribeAddr(brokerName);
    if (!found && topic) {
      await this.instance.updateTopicRoute(topic).catch(() => undefined);
      found = this.instance.subscribeAddr(brokerName);
    }
    if (!found) throw new RocketMQConnectionError(`No replica of broker ${brokerName} is known (is it down?)`, brokerName);
    return found.addr;
  }

  private async call(addr: string, code: number, ext: ExtFields | undefined, body?: Buffer, accept: readonly number[] = [ResponseCode.SUCCESS]): Promise<RemotingCommand> {
    const response = await this.instance.remoting.invoke(addr, RemotingCommand.request(code, ext, body), this.timeoutMs);
    if (!accept.includes(response.code)) throw new RocketMQResponseError(response.code, response.remark, addr, requestCodeName(code));
    return response;
  }

  /** The group's committed offset of a queue; undefined when the broker has none (QUERY_NOT_FOUND). */
  async queryConsumerOffset(group: string, mq: MessageQueue, setZeroIfNotFound?: boolean): Promise<number | undefined> {
    const addr = await this.readAddr(mq.brokerName, mq.topic);
    const ext = QueryConsumerOffsetRequestHeader.encode({ consumerGroup: group, topic: mq.topic, queueId: mq.queueId, setZeroIfNotFound, bname: mq.brokerName });
    const response = await this.call(addr, RequestCode.QUERY_CONSUMER_OFFSET, ext, undefined, [ResponseCode.SUCCESS, ResponseCode.QUERY_NOT_FOUND]);
    if (response.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
    return OffsetResponseHeader.decode(response.extFields).offset;
  }

  /** Commits an offset: one-way as the periodic commit does, or waiting for the broker's answer. */
  async updateConsumerOffset(group: string, mq: MessageQueue, offset: number, oneway: boolean): Promise<void> {
    const addr = await this.readAddr(mq.brokerName, mq.topic);
    const ext = UpdateConsumerOffsetRequestHeader.encode({ consumerGroup: group, topic: mq.topic, queueId: mq.queueId, commitOffset: offset, bname: mq.brokerName });
    if (oneway) {
      await this.instance.remoting.invokeOneway(addr, RemotingCommand.request(RequestCode.UPDATE_CONSUMER_OFFSET, ext).markOneway());
    } else {
      await this.call(addr, RequestCode.UPDATE_CONSUMER_OFFSET, ext);
    }
  }

  async maxOffset(mq: MessageQueue): Promise<number> {
    const addr = await this.readAddr(mq.brokerName, mq.topic);
    const response = await this.call(addr, RequestCode.GET_MAX_OFFSET, GetMaxOffsetRequestHeader.encode({ topic: mq.topic, queueId: mq.queueId, bname: mq.brokerName }));
    return OffsetResponseHeader.decode(response.extFields).offset;
  }

  async minOffset(mq: MessageQueue): Promise<number> {
    const addr = await this.readAddr(mq.brokerName, mq.topic);
    const response = await this.call(addr, RequestCode.GET_MIN_OFFSET, GetMinOffsetRequestHeader.encode({ topic: mq.topic, queueId: mq.queueId, bname: mq.brokerName }));
    return OffsetResponseHeader.decode(response.extFields).offset;
  }

  /** The offset of the first message stored at or after `timestamp` (ms). */
  async searchOffset(mq: MessageQueue, timestamp: number): Promise<number> {
    const addr = await this.readAddr(mq.brokerName, mq.topic);
    const ext = SearchOffsetRequestHeader.encode({ topic: mq.topic, queueId: mq.queueId, timestamp, bname: mq.brokerName });
    const response = await this.call(addr, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, ext);
    return OffsetResponseHeader.decode(response.extFields).offset;
  }

  /** The client ids of the group's members, as one broker of the topic knows them (unsorted). */
  async consumerIdList(group: string, topic: string): Promise<string[]> {
    const route = this.instance.topicRoute(topic) ?? (await this.instance.updateTopicRoute(topic));
    const brokers = route?.brokerDatas ?? [];
    if (brokers.length === 0) return [];
    const broker = brokers[Math.floor(Math.random() * brokers.length)]!;
    const target = this.instance.subscribeAddr(broker.brokerName);
    if (!target) return [];
    const response = await this.call(target.addr, RequestCode.GET_CONSUMER_LIST_BY_GROUP, GetConsumerListByGroupRequestHeader.encode({ consumerGroup: group }));
    return response.body ? decodeConsumerListByGroupResponseBody(response.body).consumerIdList : [];
  }

  /** LOCK_BATCH_MQ on the master of `brokerName`: the queues the broker locked for this client. */
  async lockBatch(brokerName: string, group: string, mqs: readonly MessageQueue[]): Promise<MessageQueue[]> {
    const addr = await this.masterAddr(brokerName, mqs[0]?.topic);
    const body = encodeLockBatchRequestBody({ consumerGroup: group, clientId: this.instance.clientId, onlyThisBroker: false, mqSet: [...mqs] });
    const response = await this.call(addr, RequestCode.LOCK_BATCH_MQ, undefined, body);
    return response.body ? decodeLockBatchResponseBody(response.body).lockOKMQSet : [];
  }

  async unlockBatch(brokerName: string, group: string, mqs: readonly MessageQueue[], oneway: boolean): Promise<void> {
    const addr = await this.masterAddr(brokerName, mqs[0]?.topic);
    const body = encodeUnlockBatchRequestBody({ consumerGroup: group, clientId: this.instance.clientId, onlyThisBroker: false, mqSet: [...mqs] });
    if (oneway) await this.instance.remoting.invokeOneway(addr, RemotingCommand.request(RequestCode.UNLOCK_BATCH_MQ, undefined, body).markOneway());
    else await this.call(addr, RequestCode.UNLOCK_BATCH_MQ, undefined, body);
  }

  /**
   * CONSUMER_SEND_MSG_BACK: the broker stores a copy of the message (found by its commit-log
   * offset) in the group's retry topic, or in its DLQ once `maxReconsumeTimes` is reached.
   */
  async sendMessageBack(group: string, message: MessageExt, delayLevel: number, maxReconsumeTimes: number, brokerName: string, timeoutMs = 5000): Promise<void> {
    const addr = await this.masterAddr(brokerName, message.topic);
    const ext = ConsumerSendMsgBackRequestHeader.encode({
      offset: message.commitLogOffset,
      group,
      delayLevel,
      originMsgId: message.msgId,
      originTopic: message.topic,
      unitMode: false,
      maxReconsumeTimes,
      bname: brokerName,
    });
    const response = await this.instance.remoting.invoke(addr, RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK, ext), timeoutMs);
    if (response.code !== ResponseCode.SUCCESS) {
      throw new RocketMQResponseError(response.code, response.remark, addr, requestCodeName(RequestCode.CONSUMER_SEND_MSG_BACK));
    }
  }
}
