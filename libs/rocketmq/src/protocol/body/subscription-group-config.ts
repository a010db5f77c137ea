/**
 * SubscriptionGroupConfig (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP body; `subscription/SubscriptionGroupConfig.java`)
 * and SubscriptionGroupWrapper (GET_ALL_SUBSCRIPTIONGROUP_CONFIG body, `subscriptionGroup.json`).
 */
import { encodeFastjson, type JsonValue, type JsonWritable } from '../json/fastjson.js';
import { arr, asObject, bool, mapEntries, num, numArr, optObject, parseBody, str, strMap } from './json-fields.js';
import { createDataVersion, dataVersionFromJson, dataVersionToJson, type DataVersion } from './topic-config.js';

export type GroupRetryPolicyType = 'EXPONENTIAL' | 'CUSTOMIZED';

export interface GroupRetryPolicy {
  type: GroupRetryPolicyType;
  exponentialRetryPolicy?: { initial: number; max: number; multiplier: number };
  customizedRetryPolicy?: { next: number[] };
}

/** 5.x `SimpleSubscriptionData`. */
export interface SimpleSubscriptionData {
  topic: string;
  expressionType: string;
  expression: string;
  version: number;
}

export interface SubscriptionGroupConfig {
  groupName: string;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  consumeBroadcastEnable: boolean;
  /** 5.x */
  consumeMessageOrderly: boolean;
  retryQueueNums: number;
  retryMaxTimes: number;
  /** 5.x */
  groupRetryPolicy: GroupRetryPolicy;
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  notifyConsumerIdsChangedEnable: boolean;
  /** 5.x */
  groupSysFlag: number;
  /** 5.x */
  consumeTimeoutMinute: number;
  /** 5.x */
  subscriptionDataSet?: SimpleSubscriptionData[];
  /** 5.x */
  attributes: Record<string, string>;
}

export interface SubscriptionGroupWrapper {
  subscriptionGroupTable: Record<string, SubscriptionGroupConfig>;
  /** 5.x: group → topic → forbidden bits. */
  forbiddenTable: Record<string, Record<string, number>>;
  dataVersion: DataVersion;
}

/** A SubscriptionGroupConfig with Java's defaults. */
export function createSubscriptionGroupConfig(groupName: string, fields: Partial<Omit<SubscriptionGroupConfig, 'groupName'>> = {}): SubscriptionGroupConfig {
  return {
    groupName,
    consumeEnable: true,
    consumeFromMinEnable: true,
    consumeBroadcastEnable: true,
    consumeMessageOrderly: false,
    retryQueueNums: 1,
    retryMaxTimes: 16,
    groupRetryPolicy: { type: 'CUSTOMIZED' },
    brokerId: 0,
    whichBrokerWhenConsumeSlowly: 1,
    notifyConsumerIdsChangedEnable: true,
    groupSysFlag: 0,
    consumeTimeoutMinute: 15,
    attributes: {},
    ...fields,
  };
}

const WHAT = 'SubscriptionGroupConfig';

function retryPolicyFromJson(v: JsonValue | undefined): GroupRetryPolicy {
  if (v === undefined || v === null) return { type: 'CUSTOMIZED' };
  const o = asObject(WHAT, 'groupRetryPolicy', v);
  const p: GroupRetryPolicy = { type: str(WHAT, o, 'type', 'CUSTOMIZED') as GroupRetryPolicyType };
  const exp = optObject(WHAT, o, 'exponentialRetryPolicy');
  if (exp) p.exponentialRetryPolicy = { initial: num(WHAT, exp, 'initial', 5000), max: num(WHAT, exp, 'max', 7_200_000), multiplier: num(WHAT, exp, 'multiplier', 2) };
  const cust = optObject(WHAT, o, 'customizedRetryPolicy');
  if (cust) p.customizedRetryPolicy = { next: numArr(WHAT, cust, 'next') };
  return p;
}

export function subscriptionGroupConfigFromJson(v: JsonValue): SubscriptionGroupConfig {
  const o = asObject(WHAT, 'body', v);
  const d = createSubscriptionGroupConfig(str(WHAT, o, 'groupName'));
  const cfg: SubscriptionGroupConfig = {
    groupName: d.groupName,
    consumeEnable: bool(WHAT, o, 'consumeEnable', d.consumeEnable),
    consumeFromMinEnable: bool(WHAT, o, 'consumeFromMinEnable', d.consumeFromMinEnable),
    consumeBroadcastEnable: bool(WHAT, o, 'consumeBroadcastEnable', d.consumeBroadcastEnable),
    consumeMessageOrderly: bool(WHAT, o, 'consumeMessageOrderly', d.consumeMessageOrderly),
    retryQueueNums: num(WHAT, o, 'retryQueueNums', d.retryQueueNums),
    retryMaxTimes: num(WHAT, o, 'retryMaxTimes', d.retryMaxTimes),
    groupRetryPolicy: retryPolicyFromJson(o['groupRetryPolicy']),
    brokerId: num(WHAT, o, 'brokerId', d.brokerId),
    whichBrokerWhenConsumeSlowly: num(WHAT, o, 'whichBrokerWhenConsumeSlowly', d.whichBrokerWhenConsumeSlowly),
    notifyConsumerIdsChangedEnable: bool(WHAT, o, 'notifyConsumerIdsChangedEnable', d.notifyConsumerIdsChangedEnable),
    groupSysFlag: num(WHAT, o, 'groupSysFlag', d.groupSysFlag),
    consumeTimeoutMinute: num(WHAT, o, 'consumeTimeoutMinute', d.consumeTimeoutMinute),
    attributes: strMap(WHAT, o, 'attributes'),
  };
  if (o['subscriptionDataSet'] !== undefined && o['subscriptionDataSet'] !== null) {
    cfg.subscriptionDataSet = arr(WHAT, o, 'subscriptionDataSet').map((s) => {
      const so = asObject(WHAT, 'subscriptionDataSet', s);
      return { topic: str(WHAT, so, 'topic'), expressionType: str(WHAT, so, 'expressionType'), expression: str(WHAT, so, 'expression'), version: num(WHAT, so, 'version') };
    });
  }
  return cfg;
}

export function subscriptionGroupConfigToJson(c: SubscriptionGroupConfig): JsonWritable {
  return {
    attributes: { ...c.attributes },
    brokerId: c.brokerId,
    consumeBroadcastEnable: c.consumeBroadcastEnable,
    consumeEnable: c.consumeEnable,
    consumeFromMinEnable: c.consumeFromMinEnable,
    consumeMessageOrderly: c.consumeMessageOrderly,
    consumeTimeoutMinute: c.consumeTimeoutMinute,
    groupName: c.groupName,
    groupRetryPolicy: {
      customizedRetryPolicy: c.groupRetryPolicy.customizedRetryPolicy ? { next: c.groupRetryPolicy.customizedRetryPolicy.next } : undefined,
      exponentialRetryPolicy: c.groupRetryPolicy.exponentialRetryPolicy ? { ...c.groupRetryPolicy.exponentialRetryPolicy } : undefined,
      type: c.groupRetryPolicy.type,
    },
    groupSysFlag: c.groupSysFlag,
    notifyConsumerIdsChangedEnable: c.notifyConsumerIdsChangedEnable,
    retryMaxTimes: c.retryMaxTimes,
    retryQueueNums: c.retryQueueNums,
    subscriptionDataSet: c.subscriptionDataSet?.map((s) => ({ ...s })),
    whichBrokerWhenConsumeSlowly: c.whichBrokerWhenConsumeSlowly,
  };
}

export function decodeSubscriptionGroupConfig(body: Buffer | string): SubscriptionGroupConfig {
  return subscriptionGroupConfigFromJson(parseBody(WHAT, body));
}

export function encodeSubscriptionGroupConfig(c: SubscriptionGroupConfig): Buffer {
  return encodeFastjson(subscriptionGroupConfigToJson(c));
}

const WRAPPER = 'SubscriptionGroupWrapper';

export function decodeSubscriptionGroupWrapper(body: Buffer | string): SubscriptionGroupWrapper {
  const o = parseBody(WRAPPER, body);
  const subscriptionGroupTable: Record<string, SubscriptionGroupConfig> = {};
  for (const [k, v] of mapEntries(WRAPPER, o, 'subscriptionGroupTable')) subscriptionGroupTable[String(k)] = subscriptionGroupConfigFromJson(v);
  const forbiddenTable: Record<string, Record<string, number>> = {};
  for (const [k, v] of mapEntries(WRAPPER, o, 'forbiddenTable')) {
    const inner: Record<string, number> = {};
    for (const [t, bits] of mapEntries(WRAPPER, { v }, 'v')) inner[String(t)] = Number(bits);
    forbiddenTable[String(k)] = inner;
  }
  return {
    subscriptionGroupTable,
    forbiddenTable,
    dataVersion: o['dataVersion'] ? dataVersionFromJson(o['dataVersion']) : createDataVersion(0),
  };
}

export function encodeSubscriptionGroupWrapper(w: SubscriptionGroupWrapper): Buffer {
  const table: Record<string, JsonWritable> = {};
  for (const [k, c] of Object.entries(w.subscriptionGroupTable)) table[k] = subscriptionGroupConfigToJson(c);
  return encodeFastjson({ dataVersion: dataVersionToJson(w.dataVersion), forbiddenTable: w.forbiddenTable, subscriptionGroupTable: table });
}
