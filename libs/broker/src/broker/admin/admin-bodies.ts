/**
 * Encoders of the admin response bodies that the protocol package only decodes (or not at all). Java tools parse
 * them with fastjson, so they are written in fastjson's shapes: fields sorted, integer map keys bare and
 * MessageQueue map keys as inline objects.
 */
import {
  compareMessageQueues,
  encodeFastjson,
  subscriptionDataToJson,
  type ConsumeStats,
  type DataVersion,
  type JsonWritable,
  type MessageQueue,
  type SubscriptionData,
} from '@app/rocketmq/protocol';

/** A MessageQueue as fastjson writes it (fields in alphabetical order). */
export function messageQueueJson(mq: MessageQueue): JsonWritable {
  return { brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic };
}

/** A Map<MessageQueue, V> with object keys, in Java's MessageQueue order. */
export function messageQueueMapJson<V>(entries: Iterable<readonly [MessageQueue, V]>, value: (v: V) => JsonWritable): Map<JsonWritable, JsonWritable> {
  const sorted = [...entries].sort((a, b) => compareMessageQueues(a[0], b[0]));
  return new Map(sorted.map(([mq, v]) => [messageQueueJson(mq), value(v)]));
}

/** `body/Connection.java`. */
export interface ClientConnectionInfo {
  clientId: string;
  clientAddr: string;
  /** LanguageCode name. */
  language: string;
  version: number;
}

function connectionJson(c: ClientConnectionInfo): JsonWritable {
  return { clientAddr: c.clientAddr, clientId: c.clientId, language: c.language, version: c.version };
}

/** GET_CONSUMER_CONNECTION_LIST body (`body/ConsumerConnection.java`); the admin client decodes it with `decodeConsumerConnection`. */
export interface ConsumerConnectionBody {
  connections: ClientConnectionInfo[];
  subscriptions: Iterable<readonly [string, SubscriptionData]>;
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
}

export function encodeConsumerConnection(body: ConsumerConnectionBody): Buffer {
  const table: Record<string, JsonWritable> = {};
  for (const [topic, sd] of body.subscriptions) table[topic] = subscriptionDataToJson(sd);
  return encodeFastjson({
    connectionSet: body.connections.map(connectionJson),
    consumeFromWhere: body.consumeFromWhere,
    consumeType: body.consumeType,
    messageModel: body.messageModel,
    subscriptionTable: table,
  });
}

/** GET_PRODUCER_CONNECTION_LIST body (`body/ProducerConnection.java`). */
export function encodeProducerConnection(connections: readonly ClientConnectionInfo[]): Buffer {
  return encodeFastjson({ connectionSet: connections.map(connectionJson) });
}

/** `body/QueueTimeSpan.java`. */
export interface QueueTimeSpan {
  messageQueue: MessageQueue;
  minTimeStamp: number;
  maxTimeStamp: number;
  consumeTimeStamp: number;
  delayTime: number;
}

/** QUERY_CONSUME_TIME_SPAN body (`body/QueryConsumeTimeSpanBody.java`). */
export function encodeQueryConsumeTimeSpanBody(spans: readonly QueueTimeSpan[]): Buffer {
  return encodeFastjson({
    consumeTimeSpanSet: spans.map((s) => ({
      consumeTimeStamp: s.consumeTimeStamp,
      delayTime: s.delayTime,
      maxTimeStamp: s.maxTimeStamp,
      messageQueue: messageQueueJson(s.messageQueue),
      minTimeStamp: s.minTimeStamp,
    })),
  });
}

export function consumeStatsJson(stats: ConsumeStats): JsonWritable {
  return {
    consumeTps: stats.consumeTps,
    offsetTable: messageQueueMapJson(stats.offsetTable, (w) => ({
      brokerOffset: w.brokerOffset,
      consumerOffset: w.consumerOffset,
      lastTimestamp: w.lastTimestamp,
      pullOffset: w.pullOffset,
    })),
  };
}

/** GET_BROKER_CONSUME_STATS body (`body/ConsumeStatsList.java`): one `{group: [ConsumeStats per topic]}` per group. */
export interface ConsumeStatsList {
  brokerAddr: string;
  consumeStatsList: Array<{ group: string; stats: ConsumeStats[] }>;
  totalDiff: number;
}

export function encodeConsumeStatsList(list: ConsumeStatsList): Buffer {
  return encodeFastjson({
    brokerAddr: list.brokerAddr,
    consumeStatsList: list.consumeStatsList.map(({ group, stats }) => ({ [group]: stats.map(consumeStatsJson) })),
    totalDiff: list.totalDiff,
    totalInflightDiff: 0,
  });
}

/** RESET_CONSUMER_CLIENT_OFFSET body for CPP clients (`body/ResetOffsetBodyForC.java`): a list instead of a map. */
export function encodeResetOffsetBodyForC(offsets: Iterable<readonly [MessageQueue, number]>): Buffer {
  const list = [...offsets]
    .sort((a, b) => compareMessageQueues(a[0], b[0]))
    .map(([mq, offset]) => ({ brokerName: mq.brokerName, offset, queueId: mq.queueId, topic: mq.topic }));
  return encodeFastjson({ offsetTable: list });
}

/** GET_ALL_CONSUMER_OFFSET body (`ConsumerOffsetSerializeWrapper`): `{"offsetTable":{"topic@group":{0:12}}}`. */
export function encodeConsumerOffsetWrapper(table: ReadonlyMap<string, ReadonlyMap<number, number>>): Buffer {
  const out: Record<string, JsonWritable> = {};
  for (const [key, offsets] of table) out[key] = new Map([...offsets].sort((a, b) => a[0] - b[0]));
  return encodeFastjson({ offsetTable: out });
}

/** GET_ALL_DELAY_OFFSET body (`DelayOffsetSerializeWrapper`): delay level → offset in SCHEDULE_TOPIC_XXXX. */
export function encodeDelayOffsetWrapper(offsets: ReadonlyMap<number, number>, dataVersion?: DataVersion): Buffer {
  return encodeFastjson({
    dataVersion: dataVersion ? { counter: dataVersion.counter, stateVersion: dataVersion.stateVersion, timestamp: dataVersion.timestamp } : undefined,
    offsetTable: new Map([...offsets].sort((a, b) => a[0] - b[0])),
  });
}
