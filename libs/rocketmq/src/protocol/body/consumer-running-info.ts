/**
 * ConsumerRunningInfo: GET_CONSUMER_RUNNING_INFO response (`body/ConsumerRunningInfo.java`, `ProcessQueueInfo`,
 * `PopProcessQueueInfo`, `ConsumeStatus`). Written with fastjson object keys for `mqTable`/`mqPopTable` so Java
 * admin tools (mqadmin consumerStatus / consumerProgress) can read it.
 */
import { encodeFastjson, type JsonValue, type JsonWritable } from '../json/fastjson.js';
import { MessageQueueMap } from '../message/message-queue.js';
import { arr, asObject, bool, mapEntries, messageQueueMapFrom, messageQueueMapToJson, num, optStr, parseBody, strMap } from './json-fields.js';
import { subscriptionDataFromJson, subscriptionDataToJson, type SubscriptionData } from './heartbeat-data.js';

/** Keys Java puts in `properties`. */
export const ConsumerRunningInfoProp = {
  NAMESERVER_ADDR: 'PROP_NAMESERVER_ADDR',
  THREADPOOL_CORE_SIZE: 'PROP_THREADPOOL_CORE_SIZE',
  CONSUME_ORDERLY: 'PROP_CONSUMEORDERLY',
  CONSUME_TYPE: 'PROP_CONSUME_TYPE',
  CLIENT_VERSION: 'PROP_CLIENT_VERSION',
  CONSUMER_START_TIMESTAMP: 'PROP_CONSUMER_START_TIMESTAMP',
} as const;

export interface ProcessQueueInfo {
  commitOffset: number;
  cachedMsgMinOffset: number;
  cachedMsgMaxOffset: number;
  cachedMsgCount: number;
  cachedMsgSizeInMiB: number;
  transactionMsgMinOffset: number;
  transactionMsgMaxOffset: number;
  transactionMsgCount: number;
  locked: boolean;
  tryUnlockTimes: number;
  lastLockTimestamp: number;
  /** Java's spelling. */
  droped: boolean;
  lastPullTimestamp: number;
  lastConsumeTimestamp: number;
}

export interface PopProcessQueueInfo {
  waitAckCount: number;
  droped: boolean;
  lastPopTimestamp: number;
}

export interface ConsumeStatus {
  pullRT: number;
  pullTPS: number;
  consumeRT: number;
  consumeOKTPS: number;
  consumeFailedTPS: number;
  consumeFailedMsgs: number;
}

export interface ConsumerRunningInfo {
  properties: Record<string, string>;
  subscriptionSet: SubscriptionData[];
  mqTable: MessageQueueMap<ProcessQueueInfo>;
  mqPopTable: MessageQueueMap<PopProcessQueueInfo>;
  /** topic → status */
  statusTable: Record<string, ConsumeStatus>;
  userConsumerInfo: Record<string, string>;
  jstack?: string;
}

const WHAT = 'ConsumerRunningInfo';

const PQ_FIELDS = [
  'commitOffset', 'cachedMsgMinOffset', 'cachedMsgMaxOffset', 'cachedMsgCount', 'cachedMsgSizeInMiB',
  'transactionMsgMinOffset', 'transactionMsgMaxOffset', 'transactionMsgCount', 'tryUnlockTimes',
  'lastLockTimestamp', 'lastPullTimestamp', 'lastConsumeTimestamp',
] as const;
const STATUS_FIELDS = ['pullRT', 'pullTPS', 'consumeRT', 'consumeOKTPS', 'consumeFailedTPS', 'consumeFailedMsgs'] as const;

/** An empty ProcessQueueInfo (all zero/false). */
export function createProcessQueueInfo(fields: Partial<ProcessQueueInfo> = {}): ProcessQueueInfo {
  const pq = { locked: false, droped: false } as ProcessQueueInfo;
  for (const f of PQ_FIELDS) pq[f] = 0;
  return Object.assign(pq, fields);
}

function processQueueInfoFromJson(v: JsonValue): ProcessQueueInfo {
  const o = asObject(WHAT, 'mqTable', v);
  const pq = createProcessQueueInfo({ locked: bool(WHAT, o, 'locked'), droped: bool(WHAT, o, 'droped') });
  for (const f of PQ_FIELDS) pq[f] = num(WHAT, o, f);
  return pq;
}

function consumeStatusFromJson(v: JsonValue): ConsumeStatus {
  const o = asObject(WHAT, 'statusTable', v);
  const s = {} as ConsumeStatus;
  for (const f of STATUS_FIELDS) s[f] = num(WHAT, o, f);
  return s;
}

export function createConsumerRunningInfo(): ConsumerRunningInfo {
  return { properties: {}, subscriptionSet: [], mqTable: new MessageQueueMap(), mqPopTable: new MessageQueueMap(), statusTable: {}, userConsumerInfo: {} };
}

export function decodeConsumerRunningInfo(body: Buffer | string): ConsumerRunningInfo {
  const o = parseBody(WHAT, body);
  const statusTable: Record<string, ConsumeStatus> = {};
  for (const [k, v] of mapEntries(WHAT, o, 'statusTable')) statusTable[String(k)] = consumeStatusFromJson(v);
  const info: ConsumerRunningInfo = {
    properties: strMap(WHAT, o, 'properties'),
    subscriptionSet: arr(WHAT, o, 'subscriptionSet').map((s) => subscriptionDataFromJson(s, WHAT)),
    mqTable: messageQueueMapFrom(WHAT, o, 'mqTable', processQueueInfoFromJson),
    mqPopTable: messageQueueMapFrom(WHAT, o, 'mqPopTable', (v) => {
      const p = asObject(WHAT, 'mqPopTable', v);
      return { waitAckCount: num(WHAT, p, 'waitAckCount'), droped: bool(WHAT, p, 'droped'), lastPopTimestamp: num(WHAT, p, 'lastPopTimestamp') };
    }),
    statusTable,
    userConsumerInfo: strMap(WHAT, o, 'userConsumerInfo'),
  };
  const jstack = optStr(WHAT, o, 'jstack');
  if (jstack !== undefined) info.jstack = jstack;
  return info;
}

export function encodeConsumerRunningInfo(info: ConsumerRunningInfo): Buffer {
  const statusTable: Record<string, JsonWritable> = {};
  for (const [k, s] of Object.entries(info.statusTable)) statusTable[k] = { ...s };
  // Java keeps subscriptionSet in a TreeSet ordered by `topic@subString`.
  const subs = [...info.subscriptionSet].sort((a, b) => {
    const x = `${a.topic}@${a.subString}`;
    const y = `${b.topic}@${b.subString}`;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return encodeFastjson({
    jstack: info.jstack,
    mqPopTable: messageQueueMapToJson(info.mqPopTable, (p) => ({ ...p })),
    mqTable: messageQueueMapToJson(info.mqTable, (p) => ({ ...p })),
    properties: { ...info.properties },
    statusTable,
    subscriptionSet: subs.map(subscriptionDataToJson),
    userConsumerInfo: { ...info.userConsumerInfo },
  });
}
