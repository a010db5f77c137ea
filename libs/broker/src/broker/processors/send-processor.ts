/**
 * SEND_MESSAGE (10), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320) (`SendMessageProcessor`,
 * `AbstractSendMessageProcessor.msgCheck`): validate the topic, auto-create it through TBW102, route `%RETRY%` sends
 * past the maximum to the DLQ, add CLUSTER / UNIQ_KEY, run the put hooks (delay, timer, transaction), store, answer.
 */
import type { RemotingConnection, RequestHandler } from '@app/rocketmq/remoting';
import {
  MAX_PROPERTIES_BYTES,
  MessageConst,
  MessageSysFlag,
  PermName,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  RocketMQError,
  SendMessageRequestHeader,
  SendMessageRequestHeaderV2,
  SendMessageResponseHeader,
  createProperties,
  createUniqueId,
  decodeBatch,
  isWriteable,
  parsePropertiesString,
  type SendMessageRequestHeader as SendHeader,
  type TopicConfig,
} from '@app/rocketmq/protocol';
import type { PutMessageStatus } from '../../store/index.js';
import type { InternalMessage } from '../broker-context.js';
import {
  BROKER_NOT_ALLOWED_SEND_TOPICS,
  DLQ_NUMS_PER_GROUP,
  RETRY_GROUP_TOPIC_PREFIX,
  brokerTopicProblem,
  dlqTopic,
} from '../metadata/system-topics.js';
import { propertiesByteLength, toPutInput } from './internal-message.js';
import { peerAddress, randomQueueId, reply, type ProcessorContext } from './processor-context.js';

/** MQVersion.Version.V3_4_9.ordinal(): clients from here on send maxReconsumeTimes. */
const V3_4_9 = 63;

const ILLEGAL_REMARK = (maxMessageSize: number) =>
  `the message is illegal, maybe msg body or properties length not matched. msg body length limit ${maxMessageSize}B, msg properties length limit 32KB.`;

/** `created`: the topic was auto-created by this send. */
type CheckResult = { response: RemotingCommand } | { topicConfig: TopicConfig; created: boolean };

export function sendProcessors(pc: ProcessorContext): Map<number, RequestHandler> {
  const { ctx } = pc;
  const config = ctx.config;

  function decodeHeader(request: RemotingCommand): SendHeader {
    return request.code === RequestCode.SEND_MESSAGE ? SendMessageRequestHeader.decode(request.extFields) : SendMessageRequestHeaderV2.decode(request.extFields);
  }

  /** `msgCheck`: permissions, topic name, auto-creation, queue id. */
  function msgCheck(request: RemotingCommand, header: SendHeader, connection: RemotingConnection): CheckResult {
    const topic = header.topic;
    if (!isWriteable(config.brokerPermission) && pc.topicManager.isOrderTopic(topic)) {
      return { response: reply(request, ResponseCode.NO_PERMISSION, `the broker[${config.brokerIP1}] sending message is forbidden`) };
    }
    const problem = brokerTopicProblem(topic);
    if (problem) return { response: reply(request, ResponseCode.INVALID_PARAMETER, problem) };
    if (BROKER_NOT_ALLOWED_SEND_TOPICS.has(topic)) {
      return { response: reply(request, ResponseCode.NO_PERMISSION, `Sending message to topic[${topic}] is forbidden.`) };
    }
    let topicConfig = ctx.topics.get(topic);
    const created = !topicConfig;
    if (!topicConfig) {
      let topicSysFlag = 0;
      if (header.unitMode) topicSysFlag = topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) ? 0x2 : 0x1;
      ctx.logger.log(`the topic ${topic} not exist, producer: ${peerAddress(connection)}`, 'SendMessageProcessor');
      topicConfig = ctx.topics.createOnSend(topic, header.defaultTopic, header.defaultTopicQueueNums, topicSysFlag);
      if (!topicConfig && topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
        topicConfig = ctx.topics.createSystemTopic(topic, 1, PermName.READ | PermName.WRITE);
      }
      if (!topicConfig) {
        return { response: reply(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist, apply first please!`) };
      }
    }
    const idValid = Math.max(topicConfig.writeQueueNums, topicConfig.readQueueNums);
    if (header.queueId >= idValid) {
      return {
        response: reply(
          request,
          ResponseCode.INVALID_PARAMETER,
          `request queueId[${header.queueId}] is illegal, TopicConfig [topicName=${topicConfig.topicName}, readQueueNums=${topicConfig.readQueueNums}, writeQueueNums=${topicConfig.writeQueueNums}] Producer: ${peerAddress(connection)}`,
        ),
      };
    }
    return { topicConfig, created };
  }

  /** `handleRetryAndDLQ`: a %RETRY% send past the maximum (or from an orderly group) goes to the DLQ. */
  function handleRetryAndDLQ(request: RemotingCommand, header: SendHeader, msg: InternalMessage, topicConfig: TopicConfig): RemotingCommand | TopicConfig {
    if (!header.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) return topicConfig;
    const group = header.topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
    const sgc = ctx.groups.get(group);
    if (!sgc) return reply(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${group}`);
    let maxReconsumeTimes = sgc.retryMaxTimes;
    if (request.version >= V3_4_9 && header.maxReconsumeTimes !== undefined) maxReconsumeTimes = header.maxReconsumeTimes;
    const reconsumeTimes = header.reconsumeTimes ?? 0;
    const orderly = !pc.locks.isLockAllExpired(group);
    if (reconsumeTimes > maxReconsumeTimes || orderly) {
      msg.topic = dlqTopic(group);
      msg.queueId = randomQueueId(DLQ_NUMS_PER_GROUP);
      delete msg.properties[MessageConst.DELAY];
      return ctx.topics.createSystemTopic(msg.topic, DLQ_NUMS_PER_GROUP, PermName.READ | PermName.WRITE);
    }
    return topicConfig;
  }

  function successHeader(msgId: string, queueId: number, queueOffset: number, transactionId: string | undefined): Record<string, string> {
    return SendMessageResponseHeader.encode({
      msgId,
      queueId,
      queueOffset,
      transactionId,
      MSG_REGION: config.regionId,
      TRACE_ON: String(config.traceOn),
    });
  }

  function statusCode(status: PutMessageStatus): number {
    return status === 'FLUSH_DISK_TIMEOUT' ? ResponseCode.FLUSH_DISK_TIMEOUT : ResponseCode.SUCCESS;
  }

  function storeError(request: RemotingCommand, err: unknown): RemotingCommand {
    if (err instanceof RocketMQError && err.code !== undefined) {
      const remark = err.code === ResponseCode.MESSAGE_ILLEGAL ? `${ILLEGAL_REMARK(config.maxMessageSize)} ${err.message}` : err.message;
      return reply(request, err.code, remark);
    }
    ctx.logger.error(`Storing a message failed: ${(err as Error).message}`, (err as Error).stack, 'SendMessageProcessor');
    return reply(request, ResponseCode.SYSTEM_ERROR, (err as Error).message);
  }

  async function sendMessage(request: RemotingCommand, connection: RemotingConnection): Promise<RemotingCommand> {
    const header = decodeHeader(request);
    const checked = msgCheck(request, header, connection);
    if ('response' in checked) return checked.response;
    // like Apache (registerBrokerAll inside createTopicInSendMessageMethod): the name server knows a topic this
    // send created before the producer hears back, so a consumer started right after finds its route
    if (checked.created) await pc.registrationSettled();
    let topicConfig = checked.topicConfig;
    const body = request.body ?? Buffer.alloc(0);
    if (body.length > config.maxMessageSize) {
      return reply(request, ResponseCode.MESSAGE_ILLEGAL, ILLEGAL_REMARK(config.maxMessageSize));
    }
    const properties = parsePropertiesString(header.properties ?? '', createProperties());
    const queueId = header.queueId < 0 ? randomQueueId(topicConfig.writeQueueNums) : header.queueId;
    const msg: InternalMessage = {
      topic: header.topic,
      queueId,
      body,
      properties,
      flag: header.flag,
      sysFlag: header.sysFlag,
      bornTimestamp: header.bornTimestamp,
      bornHost: peerAddress(connection),
      reconsumeTimes: header.reconsumeTimes ?? 0,
    };
    const retried = handleRetryAndDLQ(request, header, msg, topicConfig);
    if (retried instanceof RemotingCommand) return retried;
    topicConfig = retried;
    if (topicConfig.topicFilterType === 'MULTI_TAG') msg.sysFlag |= MessageSysFlag.MULTI_TAGS;
    if (properties[MessageConst.UNIQ_KEY] === undefined) properties[MessageConst.UNIQ_KEY] = createUniqueId();
    properties[MessageConst.CLUSTER] = config.brokerClusterName;
    if (properties[MessageConst.TRAN_MSG] === 'true' && config.rejectTransactionMessage) {
      return reply(request, ResponseCode.NO_PERMISSION, `the broker[${config.brokerIP1}] sending transaction message is forbidden`);
    }
    if (propertiesByteLength(properties) > MAX_PROPERTIES_BYTES) {
      return reply(request, ResponseCode.MESSAGE_ILLEGAL, ILLEGAL_REMARK(config.maxMessageSize));
    }
    const refused = pc.applyHooks(msg);
    if (refused) return reply(request, refused.code, refused.remark);
    try {
      const result = await ctx.store.putMessage(toPutInput(msg, config.brokerClusterName));
      const ext = successHeader(result.msgId, queueId, result.queueOffset, msg.properties[MessageConst.UNIQ_KEY]);
      return reply(request, statusCode(result.status), undefined, ext);
    } catch (err) {
      return storeError(request, err);
    }
  }

  async function sendBatchMessage(request: RemotingCommand, connection: RemotingConnection): Promise<RemotingCommand> {
    const header = decodeHeader(request);
    const checked = msgCheck(request, header, connection);
    if ('response' in checked) return checked.response;
    if (checked.created) await pc.registrationSettled();
    const topicConfig = checked.topicConfig;
    if (Buffer.byteLength(header.topic) > 127) {
      return reply(request, ResponseCode.MESSAGE_ILLEGAL, `message topic length too long ${header.topic.length}`);
    }
    if (header.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
      return reply(request, ResponseCode.MESSAGE_ILLEGAL, `batch request does not support retry group ${header.topic}`);
    }
    const body = request.body ?? Buffer.alloc(0);
    if (body.length > config.maxMessageSize) return reply(request, ResponseCode.MESSAGE_ILLEGAL, ILLEGAL_REMARK(config.maxMessageSize));
    const entries = decodeBatch(body);
    if (entries.length === 0) return reply(request, ResponseCode.MESSAGE_ILLEGAL, 'the batch is empty');
    const queueId = header.queueId < 0 ? randomQueueId(topicConfig.writeQueueNums) : header.queueId;
    const bornHost = peerAddress(connection);
    const batchProps = parsePropertiesString(header.properties ?? '', createProperties());
    const inputs = [];
    for (const entry of entries) {
      const properties = Object.assign(createProperties(), batchProps, entry.properties);
      delete properties[MessageConst.DELAY];
      properties[MessageConst.CLUSTER] = config.brokerClusterName;
      const msg: InternalMessage = {
        topic: header.topic,
        queueId,
        body: entry.body,
        properties,
        flag: entry.flag,
        sysFlag: header.sysFlag | (topicConfig.topicFilterType === 'MULTI_TAG' ? MessageSysFlag.MULTI_TAGS : 0),
        bornTimestamp: header.bornTimestamp,
        bornHost,
        reconsumeTimes: 0,
      };
      const refused = pc.applyHooks(msg);
      if (refused) return reply(request, refused.code, refused.remark);
      inputs.push(toPutInput(msg, config.brokerClusterName));
    }
    try {
      const result = await ctx.store.putMessages(inputs);
      return reply(request, statusCode(result.status), undefined, successHeader(result.msgId, queueId, result.queueOffset, undefined));
    } catch (err) {
      return storeError(request, err);
    }
  }

  return new Map<number, RequestHandler>([
    [RequestCode.SEND_MESSAGE, sendMessage],
    [RequestCode.SEND_MESSAGE_V2, sendMessage],
    [RequestCode.SEND_BATCH_MESSAGE, sendBatchMessage],
  ]);
}
