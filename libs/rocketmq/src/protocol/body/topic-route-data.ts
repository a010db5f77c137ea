/**
 * TopicRouteData (GET_ROUTEINFO_BY_TOPIC body; `route/TopicRouteData.java`, `QueueData.java`, `BrokerData.java`)
 * and the publish/subscribe queue derivation of `MQClientInstance.topicRouteData2TopicPublishInfo/SubscribeInfo`.
 *
 * Legacy form (request version < 401): `brokerAddrs` keys are bare numbers (`{0:"ip:port"}`).
 * Standard form: quoted keys, sorted, non-ASCII escaped.
 */
import { encodeFastjson, type JsonObject, type JsonValue, type JsonWritable } from '../json/fastjson.js';
import { isWriteable, isReadable } from '../message/message-const.js';
import type { MessageQueue } from '../message/message-queue.js';
import { arr, asObject, bool, num, optStr, parseBody, str, strArr, strMap, mapEntries } from './json-fields.js';

export const MASTER_ID = 0;

export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  /** PermName bits. */
  perm: number;
  topicSysFlag: number;
}

export interface BrokerData {
  cluster: string;
  brokerName: string;
  /** brokerId (decimal string; "0" is the master) → `ip:port`. */
  brokerAddrs: Record<string, string>;
  zoneName?: string;
  /** 5.x */
  enableActingMaster?: boolean;
}

export interface TopicRouteData {
  /** `brokerName:queueNums;…` when the name server has an order-topic config. */
  orderTopicConf?: string;
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  /** brokerAddr → filter servers (normally empty). */
  filterServerTable: Record<string, string[]>;
  /** 5.x static topics: kept as parsed JSON, passed through on encode. */
  topicQueueMappingByBroker?: JsonObject;
}

export interface RouteEncodeOptions {
  /** Standard JSON (`{"0":…}`, sorted, ASCII-only). Default false: the legacy fastjson form. */
  standard?: boolean;
}

const WHAT = 'TopicRouteData';

export function queueDataFromJson(v: JsonValue): QueueData {
  const o = asObject(WHAT, 'queueDatas', v);
  return {
    brokerName: str(WHAT, o, 'brokerName'),
    readQueueNums: num(WHAT, o, 'readQueueNums'),
    writeQueueNums: num(WHAT, o, 'writeQueueNums'),
    perm: num(WHAT, o, 'perm'),
    topicSysFlag: num(WHAT, o, 'topicSysFlag'),
  };
}

export function brokerDataFromJson(v: JsonValue, what = WHAT): BrokerData {
  const o = asObject(what, 'brokerDatas', v);
  const bd: BrokerData = {
    cluster: str(what, o, 'cluster'),
    brokerName: str(what, o, 'brokerName'),
    brokerAddrs: strMap(what, o, 'brokerAddrs'),
  };
  const zoneName = optStr(what, o, 'zoneName');
  if (zoneName !== undefined) bd.zoneName = zoneName;
  if (o['enableActingMaster'] !== undefined) bd.enableActingMaster = bool(what, o, 'enableActingMaster');
  return bd;
}

/** BrokerData as fastjson writes it: numeric brokerAddrs keys (legacy) or quoted, numerically sorted (standard). */
export function brokerDataToJson(bd: BrokerData, standard: boolean): { [key: string]: JsonWritable } {
  const ids = Object.keys(bd.brokerAddrs).sort((a, b) => Number(a) - Number(b));
  const addrs = new Map<string | number, string>();
  for (const id of ids) addrs.set(standard ? id : Number(id), bd.brokerAddrs[id]!);
  return {
    brokerAddrs: addrs,
    brokerName: bd.brokerName,
    cluster: bd.cluster,
    enableActingMaster: bd.enableActingMaster,
    zoneName: bd.zoneName,
  };
}

export function topicRouteDataFromJson(v: JsonValue): TopicRouteData {
  const o = asObject(WHAT, 'body', v);
  const filterServerTable: Record<string, string[]> = {};
  for (const [k, list] of mapEntries(WHAT, o, 'filterServerTable')) {
    filterServerTable[String(k)] = strArr(WHAT, { l: list } as JsonObject, 'l');
  }
  const route: TopicRouteData = {
    queueDatas: arr(WHAT, o, 'queueDatas').map(queueDataFromJson),
    brokerDatas: arr(WHAT, o, 'brokerDatas').map((b) => brokerDataFromJson(b)),
    filterServerTable,
  };
  const orderTopicConf = optStr(WHAT, o, 'orderTopicConf');
  if (orderTopicConf !== undefined) route.orderTopicConf = orderTopicConf;
  const mapping = o['topicQueueMappingByBroker'];
  if (mapping !== undefined && mapping !== null) route.topicQueueMappingByBroker = asObject(WHAT, 'topicQueueMappingByBroker', mapping);
  return route;
}

export function decodeTopicRouteData(body: Buffer | string): TopicRouteData {
  return topicRouteDataFromJson(parseBody(WHAT, body));
}

export function encodeTopicRouteData(route: TopicRouteData, options: RouteEncodeOptions = {}): Buffer {
  const standard = options.standard ?? false;
  return encodeFastjson(
    {
      brokerDatas: route.brokerDatas.map((b) => brokerDataToJson(b, standard)),
      filterServerTable: route.filterServerTable,
      orderTopicConf: route.orderTopicConf,
      queueDatas: route.queueDatas.map((q) => ({ ...q })),
      topicQueueMappingByBroker: route.topicQueueMappingByBroker,
    },
    { mode: standard ? 'standard' : 'fastjson', asciiOnly: standard },
  );
}

/** Address of the master (brokerId 0), if the broker has one. */
export function masterAddress(bd: BrokerData): string | undefined {
  return bd.brokerAddrs[String(MASTER_ID)];
}

export interface TopicPublishQueues {
  messageQueues: MessageQueue[];
  /** True when the queues come from `orderTopicConf`. */
  orderTopic: boolean;
}

/**
 * Queues a producer may send to: from `orderTopicConf` when present; otherwise, for QueueDatas sorted by
 * brokerName, each writable one whose broker has a master gets queues 0..writeQueueNums-1.
 * (5.x static-topic mappings are not handled.)
 */
export function topicRouteToPublishQueues(topic: string, route: TopicRouteData): TopicPublishQueues {
  const messageQueues: MessageQueue[] = [];
  if (route.orderTopicConf) {
    for (const item of route.orderTopicConf.split(';')) {
      const colon = item.indexOf(':');
      if (colon < 0) continue;
      const brokerName = item.slice(0, colon);
      const nums = Number.parseInt(item.slice(colon + 1), 10);
      for (let i = 0; i < nums; i++) messageQueues.push({ topic, brokerName, queueId: i });
    }
    return { messageQueues, orderTopic: true };
  }
  const sorted = [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0));
  for (const qd of sorted) {
    if (!isWriteable(qd.perm)) continue;
    const bd = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
    if (!bd || masterAddress(bd) === undefined) continue;
    for (let i = 0; i < qd.writeQueueNums; i++) messageQueues.push({ topic, brokerName: qd.brokerName, queueId: i });
  }
  return { messageQueues, orderTopic: false };
}

/** Queues a consumer may read: for each readable QueueData, queues 0..readQueueNums-1. */
export function topicRouteToSubscribeQueues(topic: string, route: TopicRouteData): MessageQueue[] {
  const out: MessageQueue[] = [];
  for (const qd of route.queueDatas) {
    if (!isReadable(qd.perm)) continue;
    for (let i = 0; i < qd.readQueueNums; i++) out.push({ topic, brokerName: qd.brokerName, queueId: i });
  }
  return out;
}
