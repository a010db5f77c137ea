/**
 * Consumers and producers: GET_CONSUMER_CONNECTION_LIST (203), GET_PRODUCER_CONNECTION_LIST (204),
 * QUERY_TOPIC_CONSUME_BY_WHO (300), QUERY_TOPICS_BY_CONSUMER (343), INVOKE_BROKER_TO_RESET_OFFSET (222),
 * INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223), and GET_CONSUMER_RUNNING_INFO (307) / CONSUME_MESSAGE_DIRECTLY (309)
 * relayed to the consumer's own connection (`AdminBrokerProcessor`, `Broker2Client`).
 */
import {
  ConsumeMessageDirectlyResultRequestHeader,
  GetConsumerConnectionListRequestHeader,
  GetConsumerRunningInfoRequestHeader,
  GetConsumerStatusRequestHeader,
  MessageQueueMap,
  QueryTopicConsumeByWhoRequestHeader,
  RemotingCommand,
  RequestCode,
  ResetOffsetRequestHeader,
  ResponseCode,
  RocketMQTimeoutError,
  decodeGetConsumerStatusBody,
  decodeOffsetMessageId,
  encodeGetConsumerStatusBody,
  encodeGroupList,
  encodeResetOffsetBody,
  encodeTopicList,
} from '@app/rocketmq/protocol';
import type { BrokerContext } from '../broker-context.js';
import type { AdminDeps } from './admin-deps.js';
import { encodeConsumerConnection, encodeProducerConnection, encodeResetOffsetBodyForC, type ClientConnectionInfo } from './admin-bodies.js';
import { GetProducerConnectionListRequestHeader, QueryTopicsByConsumerRequestHeader } from './admin-headers.js';
import { hasProducerClients, MQVersionOrdinal } from './admin-options.js';
import { failure, success } from './admin-responses.js';
import { AdminRequestCode } from './topic-names.js';

const CONTEXT = 'AdminBroker';

export function getConsumerConnectionList(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const group = GetConsumerConnectionListRequestHeader.decode(request.extFields).consumerGroup;
  const info = ctx.clients.consumerGroup(group);
  if (!info) return failure(request, ResponseCode.CONSUMER_NOT_ONLINE, `the consumer group[${group}] not online`);
  const connections: ClientConnectionInfo[] = [...info.clients].map(([clientId, c]) => ({
    clientId,
    clientAddr: c.connection.addr,
    language: c.language,
    version: c.version,
  }));
  return success(
    request,
    encodeConsumerConnection({
      connections,
      subscriptions: info.subscriptions,
      consumeType: info.consumeType,
      messageModel: info.messageModel,
      consumeFromWhere: info.consumeFromWhere,
    }),
  );
}

export function getProducerConnectionList(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const group = GetProducerConnectionListRequestHeader.decode(request.extFields).producerGroup;
  const connections: ClientConnectionInfo[] = hasProducerClients(ctx.clients)
    ? ctx.clients.producerClients(group).map((p) => ({ clientId: p.clientId, clientAddr: p.connection.addr, language: p.language, version: p.version }))
    : // Without client ids from the registry, the address stands in for the id.
      ctx.clients.producerConnections(group).map((c) => ({ clientId: c.addr, clientAddr: c.addr, language: 'JAVA', version: 0 }));
  if (connections.length === 0) return failure(request, ResponseCode.SYSTEM_ERROR, `the producer group[${group}] not exist`);
  return success(request, encodeProducerConnection(connections));
}

/** Groups consuming the topic: online subscriptions plus committed offsets (`queryTopicConsumeByWho`). */
export function groupsConsumingTopic(ctx: BrokerContext, topic: string): string[] {
  const groups = new Set<string>(ctx.offsets.groupsOf(topic));
  for (const group of ctx.clients.consumerGroups()) if (ctx.clients.subscription(group, topic)) groups.add(group);
  return [...groups].sort();
}

/** Target offset of one queue for a reset by time: −1 (or any negative time) means the end of the queue. */
async function offsetForTime(ctx: BrokerContext, topic: string, queueId: number, timestamp: number): Promise<number> {
  if (timestamp < 0) return ctx.store.maxOffset(topic, queueId);
  return Math.max(0, await ctx.store.offsetByTime(topic, queueId, timestamp));
}

/**
 * INVOKE_BROKER_TO_RESET_OFFSET: computes each queue's offset for the time (or takes the given queue/offset),
 * commits it here (5.x `useServerSideResetOffset`), and tells the group's online consumers with a one-way
 * RESET_CONSUMER_CLIENT_OFFSET (4.9 `Broker2Client.resetOffset`). A non-forced reset only moves offsets backwards.
 */
export async function resetOffset(ctx: BrokerContext, request: RemotingCommand): Promise<RemotingCommand> {
  const header = ResetOffsetRequestHeader.decode(request.extFields);
  const { topic, group, timestamp, isForce } = header;
  const config = ctx.topics.get(topic);
  if (!config) {
    return failure(request, ResponseCode.TOPIC_NOT_EXIST, `[reset-offset] reset offset failed, no topic in this broker. topic=${topic}`);
  }
  const online = ctx.clients.consumerGroup(group);
  if (!ctx.groups.get(group) && !online && ctx.offsets.topicsOf(group).length === 0) {
    return failure(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `Group ${group} does not exist`);
  }

  const targets = new Map<number, number>();
  const queueId = header.queueId ?? -1;
  if (queueId >= 0) {
    let offset = header.offset;
    if (offset !== undefined && offset !== -1) {
      const min = ctx.store.minOffset(topic, queueId);
      const max = ctx.store.maxOffset(topic, queueId);
      if (offset < min || offset > max + 1) {
        return failure(request, ResponseCode.SYSTEM_ERROR, `Target offset ${offset} not in consume queue range [${min}-${max}]`);
      }
    } else {
      offset = await offsetForTime(ctx, topic, queueId, timestamp);
    }
    targets.set(queueId, offset);
  } else {
    for (let q = 0; q < config.readQueueNums; q++) targets.set(q, await offsetForTime(ctx, topic, q, timestamp));
  }

  const offsetTable = new MessageQueueMap<number>();
  for (const [q, target] of targets) {
    const committed = ctx.offsets.query(group, topic, q);
    const offset = committed === undefined || committed < 0 || isForce || target < committed ? target : committed;
    if (offset !== committed) ctx.offsets.commit(group, topic, q, offset);
    offsetTable.set({ topic, brokerName: ctx.config.brokerName, queueId: q }, offset);
  }

  if (online) {
    for (const [clientId, client] of online.clients) {
      if (client.version < MQVersionOrdinal.V3_0_7_SNAPSHOT) {
        ctx.logger.warn(`[reset-offset] client ${clientId} (version ${client.version}) cannot be told about the reset`, CONTEXT);
        continue;
      }
      const push = RemotingCommand.request(
        RequestCode.RESET_CONSUMER_CLIENT_OFFSET,
        ResetOffsetRequestHeader.encode({ topic, group, timestamp, isForce }),
        client.language === 'CPP' ? encodeResetOffsetBodyForC(offsetTable) : encodeResetOffsetBody({ offsetTable }),
      );
      client.connection.invokeOneway(push).catch((error: Error) => {
        ctx.logger.warn(`[reset-offset] telling ${clientId} failed: ${error.message}`, CONTEXT);
      });
    }
  }
  ctx.logger.log(`[reset-offset] ${group} on ${topic} reset to ${timestamp} (force ${isForce})`, CONTEXT);
  return success(request, encodeResetOffsetBody({ offsetTable }));
}

/** INVOKE_BROKER_TO_GET_CONSUMER_STATUS: asks each online consumer (or the one given) for its offsets. */
export async function getConsumerStatus(ctx: BrokerContext, request: RemotingCommand): Promise<RemotingCommand> {
  const { topic, group, clientAddr } = GetConsumerStatusRequestHeader.decode(request.extFields);
  const info = ctx.clients.consumerGroup(group);
  if (!info || info.clients.size === 0) {
    return failure(request, ResponseCode.SYSTEM_ERROR, `No Any Consumer online in the consumer group: [${group}]`);
  }
  const consumerTable = new Map<string, MessageQueueMap<number>>();
  for (const [clientId, client] of info.clients) {
    if (client.version < MQVersionOrdinal.V3_0_7_SNAPSHOT) {
      return failure(request, ResponseCode.SYSTEM_ERROR, `the client does not support this feature. version=${client.version}`);
    }
    if (clientAddr && clientAddr !== clientId) continue;
    try {
      const ask = RemotingCommand.request(RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT, GetConsumerStatusRequestHeader.encode({ topic, group }));
      const response = await client.connection.invoke(ask, 5000);
      if (response.code === ResponseCode.SUCCESS && response.body) consumerTable.set(clientId, decodeGetConsumerStatusBody(response.body).messageQueueTable);
    } catch (error) {
      ctx.logger.warn(`[get-consumer-status] ${clientId} did not answer: ${(error as Error).message}`, CONTEXT);
    }
    if (clientAddr) break;
  }
  return success(request, encodeGetConsumerStatusBody({ consumerTable }));
}

/**
 * Relays an admin request to one consumer's connection with a new opaque (`AdminBrokerProcessor.callConsumer`)
 * and answers with the consumer's response.
 */
export async function callConsumer(
  ctx: BrokerContext,
  code: number,
  request: RemotingCommand,
  group: string,
  clientId: string,
  timeoutMs: number,
): Promise<RemotingCommand> {
  const client = ctx.clients.consumerGroup(group)?.clients.get(clientId);
  const connection = client ? client.connection : ctx.clients.consumerConnection(group, clientId);
  if (!connection || connection.closed) return failure(request, ResponseCode.SYSTEM_ERROR, `The Consumer <${group}> <${clientId}> not online`);
  if (client && client.version < MQVersionOrdinal.V3_1_8_SNAPSHOT) {
    return failure(
      request,
      ResponseCode.SYSTEM_ERROR,
      `The Consumer <${clientId}> Version <${client.version}> too low to finish, please upgrade it to V3_1_8_SNAPSHOT`,
    );
  }
  const relayed = RemotingCommand.request(code, request.extFields ? { ...request.extFields } : undefined, request.body);
  try {
    const answer = await connection.invoke(relayed, timeoutMs);
    return new RemotingCommand(answer.code, request.opaque, 1, answer.extFields, answer.body, answer.remark, answer.language, answer.version, request.serializeType);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (error instanceof RocketMQTimeoutError) {
      return failure(request, ResponseCode.CONSUME_MSG_TIMEOUT, `consumer <${group}> <${clientId}> Timeout: ${message}`);
    }
    return failure(request, ResponseCode.SYSTEM_ERROR, `invoke consumer <${group}> <${clientId}> Exception: ${message}`);
  }
}

export function registerConsumerProcessors({ ctx, options }: AdminDeps): void {
  const timeoutMs = options.consumerCallTimeoutMs ?? 10_000;
  ctx.registerProcessor(RequestCode.GET_CONSUMER_CONNECTION_LIST, (request) => getConsumerConnectionList(ctx, request));
  ctx.registerProcessor(RequestCode.GET_PRODUCER_CONNECTION_LIST, (request) => getProducerConnectionList(ctx, request));
  ctx.registerProcessor(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, (request) => {
    const topic = QueryTopicConsumeByWhoRequestHeader.decode(request.extFields).topic;
    return success(request, encodeGroupList({ groupList: groupsConsumingTopic(ctx, topic) }));
  });
  ctx.registerProcessor(AdminRequestCode.QUERY_TOPICS_BY_CONSUMER, (request) => {
    const group = QueryTopicsByConsumerRequestHeader.decode(request.extFields).group;
    return success(request, encodeTopicList({ topicList: [...ctx.offsets.topicsOf(group)].sort(), brokerAddr: ctx.brokerAddr }));
  });
  ctx.registerProcessor(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, (request) => resetOffset(ctx, request));
  ctx.registerProcessor(RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, (request) => getConsumerStatus(ctx, request));
  ctx.registerProcessor(RequestCode.GET_CONSUMER_RUNNING_INFO, (request) => {
    const header = GetConsumerRunningInfoRequestHeader.decode(request.extFields);
    return callConsumer(ctx, RequestCode.GET_CONSUMER_RUNNING_INFO, request, header.consumerGroup, header.clientId, timeoutMs);
  });
  ctx.registerProcessor(RequestCode.CONSUME_MESSAGE_DIRECTLY, async (request) => {
    const header = ConsumeMessageDirectlyResultRequestHeader.decode(request.extFields);
    request.extFields = { ...request.extFields, brokerName: ctx.config.brokerName };
    if (header.msgId) {
      try {
        const record = await ctx.store.messageAt(decodeOffsetMessageId(header.msgId).commitLogOffset);
        if (record) request.body = record;
      } catch {
        // Not an offset message id: the consumer gets the request without the message, as from Apache.
      }
    }
    return callConsumer(ctx, RequestCode.CONSUME_MESSAGE_DIRECTLY, request, header.consumerGroup, header.clientId ?? '', timeoutMs);
  });
}
