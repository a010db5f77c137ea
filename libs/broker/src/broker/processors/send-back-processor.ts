/**
 * CONSUMER_SEND_MSG_BACK (`AbstractSendMessageProcessor.consumerSendMsgBack`): a message the consumer failed goes to
 * `%RETRY%group` with delay level 3 + reconsumeTimes (or the requested level), or to `%DLQ%group` once
 * reconsumeTimes reaches the maximum or the level is negative. It is stored through putInternal, so the delay hook
 * parks retries in SCHEDULE_TOPIC_XXXX.
 */
import type { RequestHandler } from '@app/rocketmq/remoting';
import {
  ConsumerSendMsgBackRequestHeader,
  MessageConst,
  PermName,
  RequestCode,
  ResponseCode,
  RocketMQError,
  decodeStoredMessage,
  isWriteable,
} from '@app/rocketmq/protocol';
import type { BrokerContext, InternalMessage } from '../broker-context.js';
import { DLQ_NUMS_PER_GROUP, dlqTopic, retryTopic } from '../metadata/system-topics.js';
import { randomQueueId, reply } from './processor-context.js';

const V3_4_9 = 63;

export function sendBackProcessors(ctx: BrokerContext): Map<number, RequestHandler> {
  const consumerSendMsgBack: RequestHandler = async (request) => {
    const h = ConsumerSendMsgBackRequestHeader.decode(request.extFields);
    const sgc = ctx.groups.get(h.group);
    if (!sgc) return reply(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${h.group}`);
    if (!isWriteable(ctx.config.brokerPermission)) {
      return reply(request, ResponseCode.NO_PERMISSION, `the broker[${ctx.config.brokerIP1}] sending message is forbidden`);
    }
    if (sgc.retryQueueNums <= 0) return reply(request, ResponseCode.SUCCESS);

    let topic = retryTopic(h.group);
    let queueId = randomQueueId(sgc.retryQueueNums);
    const retryConfig = ctx.topics.createSystemTopic(topic, sgc.retryQueueNums, PermName.READ | PermName.WRITE);
    if (!isWriteable(retryConfig.perm)) return reply(request, ResponseCode.NO_PERMISSION, `the topic[${topic}] sending message is forbidden`);

    const record = await ctx.store.messageAt(h.offset);
    if (!record) return reply(request, ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${h.offset}`);
    const original = decodeStoredMessage(record, 0, { decompress: false });
    const props = original.properties;
    if (props[MessageConst.RETRY_TOPIC] === undefined) props[MessageConst.RETRY_TOPIC] = original.topic;
    props[MessageConst.WAIT] = 'false';

    let delayLevel = h.delayLevel;
    let maxReconsumeTimes = sgc.retryMaxTimes;
    if (request.version >= V3_4_9 && h.maxReconsumeTimes !== undefined) maxReconsumeTimes = h.maxReconsumeTimes;

    if (original.reconsumeTimes >= maxReconsumeTimes || delayLevel < 0) {
      topic = dlqTopic(h.group);
      queueId = randomQueueId(DLQ_NUMS_PER_GROUP);
      const dlqConfig = ctx.topics.createSystemTopic(topic, DLQ_NUMS_PER_GROUP, PermName.READ | PermName.WRITE);
      if (!dlqConfig) return reply(request, ResponseCode.SYSTEM_ERROR, `topic[${topic}] not exist`);
      delete props[MessageConst.DELAY];
    } else {
      if (delayLevel === 0) delayLevel = 3 + original.reconsumeTimes;
      props[MessageConst.DELAY] = String(delayLevel);
    }
    if (props[MessageConst.ORIGIN_MESSAGE_ID] === undefined) props[MessageConst.ORIGIN_MESSAGE_ID] = original.offsetMsgId;

    const message: InternalMessage = {
      topic,
      queueId,
      body: original.body,
      properties: props,
      flag: original.flag,
      sysFlag: original.sysFlag,
      bornTimestamp: original.bornTimestamp,
      bornHost: original.bornHost,
      reconsumeTimes: original.reconsumeTimes + 1,
    };
    try {
      const result = await ctx.putInternal(message);
      // PUT_OK and FLUSH_DISK_TIMEOUT both count as stored, as in Apache
      void result;
      return reply(request, ResponseCode.SUCCESS);
    } catch (err) {
      const reason = err instanceof RocketMQError ? err.message : String(err);
      return reply(request, ResponseCode.SYSTEM_ERROR, reason);
    }
  };

  return new Map<number, RequestHandler>([[RequestCode.CONSUMER_SEND_MSG_BACK, consumerSendMsgBack]]);
}
