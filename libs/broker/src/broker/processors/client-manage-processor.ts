/**
 * HEART_BEAT, UNREGISTER_CLIENT, CHECK_CLIENT_CONFIG (`ClientManageProcessor`). A consumer heartbeat creates the
 * subscription group (when allowed) and its `%RETRY%group` topic (retryQueueNums queues, perm 6), which is registered
 * with the name servers at once so consumers can rebalance the retry queue.
 */
import type { RequestHandler } from '@app/rocketmq/remoting';
import {
  PermName,
  RequestCode,
  ResponseCode,
  UnregisterClientRequestHeader,
  decodeHeartbeatData,
  parseFastjson,
  subscriptionDataFromJson,
} from '@app/rocketmq/protocol';
import { compileSql92 } from '../../filter/index.js';
import { retryTopic } from '../metadata/system-topics.js';
import { reply, type ProcessorContext } from './processor-context.js';

export function clientManageProcessors(pc: Omit<ProcessorContext, 'pullHold'>): Map<number, RequestHandler> {
  const { ctx } = pc;

  const heartBeat: RequestHandler = async (request, connection) => {
    let createdRetryTopic = false;
    const hb = decodeHeartbeatData(request.body ?? Buffer.from('{}'));
    for (const consumer of hb.consumerDataSet) {
      const sgc = ctx.groups.findOrCreate(consumer.groupName);
      if (!sgc) continue;
      const order = consumer.subscriptionDataSet.some((s) => pc.topicManager.isOrderTopic(s.topic));
      const topicSysFlag = consumer.unitMode ? 0x2 : 0;
      if (sgc.retryQueueNums > 0) {
        if (!ctx.topics.get(retryTopic(consumer.groupName))) createdRetryTopic = true;
        pc.topicManager.createSystemTopic(retryTopic(consumer.groupName), sgc.retryQueueNums, PermName.READ | PermName.WRITE, order, topicSysFlag);
      }
      pc.clientRegistry.registerConsumer({
        group: consumer.groupName,
        clientId: hb.clientID,
        connection,
        language: request.language,
        version: request.version,
        consumeType: consumer.consumeType,
        messageModel: consumer.messageModel,
        consumeFromWhere: consumer.consumeFromWhere,
        subscriptions: consumer.subscriptionDataSet,
        notify: sgc.notifyConsumerIdsChangedEnable,
      });
    }
    for (const producer of hb.producerDataSet) {
      pc.clientRegistry.registerProducer(producer.groupName, hb.clientID, connection, request.language, request.version);
    }
    // a new %RETRY% topic must be in the routes before the consumer rebalances (it asks right after this answer)
    if (createdRetryTopic) await pc.registrationSettled();
    return reply(request, ResponseCode.SUCCESS, undefined, { IS_SUPPORT_HEART_BEAT_V2: 'true', IS_SUB_CHANGE: 'true' });
  };

  const unregisterClient: RequestHandler = (request) => {
    const h = UnregisterClientRequestHeader.decode(request.extFields);
    if (h.producerGroup) pc.clientRegistry.unregisterProducer(h.producerGroup, h.clientID);
    if (h.consumerGroup) pc.clientRegistry.unregisterConsumer(h.consumerGroup, h.clientID);
    return reply(request, ResponseCode.SUCCESS);
  };

  const checkClientConfig: RequestHandler = (request) => {
    if (!request.body || request.body.length === 0) return reply(request, ResponseCode.SUCCESS);
    const body = parseFastjson(request.body) as Record<string, unknown> | null;
    const raw = body && typeof body === 'object' ? (body as Record<string, never>)['subscriptionData'] : undefined;
    if (!raw) return reply(request, ResponseCode.SUCCESS);
    const sub = subscriptionDataFromJson(raw, 'CheckClientRequestBody');
    if (sub.expressionType === 'TAG' || !sub.expressionType) return reply(request, ResponseCode.SUCCESS);
    if (!ctx.config.enablePropertyFilter) {
      return reply(request, ResponseCode.SYSTEM_ERROR, `The broker does not support consumer to filter message by ${sub.expressionType}`);
    }
    try {
      if (sub.expressionType !== 'SQL92') throw new Error(`Unsupported expression type ${sub.expressionType}`);
      compileSql92(sub.subString);
    } catch (err) {
      return reply(request, ResponseCode.SUBSCRIPTION_PARSE_FAILED, (err as Error).message);
    }
    return reply(request, ResponseCode.SUCCESS);
  };

  return new Map<number, RequestHandler>([
    [RequestCode.HEART_BEAT, heartBeat],
    [RequestCode.UNREGISTER_CLIENT, unregisterClient],
    [RequestCode.CHECK_CLIENT_CONFIG, checkClientConfig],
  ]);
}
