/**
 * TopicConfig, DataVersion and TopicConfigSerializeWrapper (GET_ALL_TOPIC_CONFIG body, `topics.json`,
 * the inside of RegisterBrokerBody). Also TopicConfig's space-separated text form used by the compressed
 * RegisterBrokerBody (`TopicConfig.encode/decode`).
 */
import { RocketMQProtocolError } from '../errors.js';
import { encodeFastjson, parseFastjson, type JsonObject, type JsonValue, type JsonWritable } from '../json/fastjson.js';
import { PermName } from '../message/message-const.js';
import { asObject, bool, mapEntries, num, optObject, parseBody, str, strMap } from './json-fields.js';

export type TopicFilterType = 'SINGLE_TAG' | 'MULTI_TAG';

export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: TopicFilterType;
  topicSysFlag: number;
  order: boolean;
  /** 5.x, e.g. `{"+message.type":"NORMAL"}`. */
  attributes: Record<string, string>;
}

export interface DataVersion {
  timestamp: number;
  counter: number;
  stateVersion: number;
}

export interface TopicConfigSerializeWrapper {
  topicConfigTable: Record<string, TopicConfig>;
  dataVersion: DataVersion;
  /** 5.x TopicConfigAndMappingSerializeWrapper fields, passed through as parsed JSON. */
  topicQueueMappingInfoMap?: JsonObject;
  topicQueueMappingDetailMap?: JsonObject;
  mappingDataVersion?: DataVersion;
}

/** Java's default queue count for a TopicConfig (`defaultReadQueueNums`/`defaultWriteQueueNums`). */
export const DEFAULT_TOPIC_QUEUE_NUMS = 16;

/** A TopicConfig with Java's defaults for the fields not given. */
export function createTopicConfig(topicName: string, fields: Partial<Omit<TopicConfig, 'topicName'>> = {}): TopicConfig {
  return {
    topicName,
    readQueueNums: fields.readQueueNums ?? DEFAULT_TOPIC_QUEUE_NUMS,
    writeQueueNums: fields.writeQueueNums ?? DEFAULT_TOPIC_QUEUE_NUMS,
    perm: fields.perm ?? (PermName.READ | PermName.WRITE),
    topicFilterType: fields.topicFilterType ?? 'SINGLE_TAG',
    topicSysFlag: fields.topicSysFlag ?? 0,
    order: fields.order ?? false,
    attributes: fields.attributes ?? {},
  };
}

export function createDataVersion(now: number = Date.now()): DataVersion {
  return { timestamp: now, counter: 0, stateVersion: 0 };
}

/** `DataVersion.nextVersion()`: counter + 1 and a new timestamp. */
export function nextDataVersion(dv: DataVersion, now: number = Date.now()): DataVersion {
  return { timestamp: now, counter: dv.counter + 1, stateVersion: dv.stateVersion };
}

export function sameDataVersion(a: DataVersion, b: DataVersion): boolean {
  return a.timestamp === b.timestamp && a.counter === b.counter && a.stateVersion === b.stateVersion;
}

const WHAT = 'TopicConfig';

export function dataVersionFromJson(v: JsonValue, what = 'DataVersion'): DataVersion {
  const o = asObject(what, 'dataVersion', v);
  return { timestamp: num(what, o, 'timestamp'), counter: num(what, o, 'counter'), stateVersion: num(what, o, 'stateVersion') };
}

export function dataVersionToJson(dv: DataVersion): JsonWritable {
  return { counter: dv.counter, stateVersion: dv.stateVersion, timestamp: dv.timestamp };
}

export function topicConfigFromJson(v: JsonValue): TopicConfig {
  const o = asObject(WHAT, 'topicConfig', v);
  return {
    topicName: str(WHAT, o, 'topicName'),
    readQueueNums: num(WHAT, o, 'readQueueNums', DEFAULT_TOPIC_QUEUE_NUMS),
    writeQueueNums: num(WHAT, o, 'writeQueueNums', DEFAULT_TOPIC_QUEUE_NUMS),
    perm: num(WHAT, o, 'perm', PermName.READ | PermName.WRITE),
    topicFilterType: str(WHAT, o, 'topicFilterType', 'SINGLE_TAG') as TopicFilterType,
    topicSysFlag: num(WHAT, o, 'topicSysFlag'),
    order: bool(WHAT, o, 'order'),
    attributes: strMap(WHAT, o, 'attributes'),
  };
}

export function topicConfigToJson(tc: TopicConfig): JsonWritable {
  return {
    attributes: { ...tc.attributes },
    order: tc.order,
    perm: tc.perm,
    readQueueNums: tc.readQueueNums,
    topicFilterType: tc.topicFilterType,
    topicName: tc.topicName,
    topicSysFlag: tc.topicSysFlag,
    writeQueueNums: tc.writeQueueNums,
  };
}

export function decodeTopicConfig(body: Buffer | string): TopicConfig {
  return topicConfigFromJson(parseBody(WHAT, body));
}

export function encodeTopicConfig(tc: TopicConfig): Buffer {
  return encodeFastjson(topicConfigToJson(tc));
}

/** `topicName readQueueNums writeQueueNums perm topicFilterType attributesJson` (the compressed-registration form). */
export function topicConfigToText(tc: TopicConfig): string {
  return `${tc.topicName} ${tc.readQueueNums} ${tc.writeQueueNums} ${tc.perm} ${tc.topicFilterType} ${encodeFastjson({ ...tc.attributes }).toString('utf8')}`;
}

/** Inverse of `topicConfigToText`; topicSysFlag and order are not carried by this form (0/false). */
export function topicConfigFromText(text: string): TopicConfig {
  const parts = text.split(' ');
  if (parts.length < 5) throw new RocketMQProtocolError(`Malformed topic config text ${JSON.stringify(text.slice(0, 80))}`);
  const int = (s: string): number => {
    const n = Number.parseInt(s, 10);
    if (!Number.isFinite(n)) throw new RocketMQProtocolError(`Malformed topic config text ${JSON.stringify(text.slice(0, 80))}`);
    return n;
  };
  const tc = createTopicConfig(parts[0]!, {
    readQueueNums: int(parts[1]!),
    writeQueueNums: int(parts[2]!),
    perm: int(parts[3]!),
    topicFilterType: parts[4] as TopicFilterType,
  });
  if (parts.length >= 6) {
    // attribute JSON may itself contain spaces
    const attrs = parseFastjson(parts.slice(5).join(' '));
    tc.attributes = strMap(WHAT, { a: attrs }, 'a');
  }
  return tc;
}

const WRAPPER = 'TopicConfigSerializeWrapper';

export function topicConfigSerializeWrapperFromJson(v: JsonValue): TopicConfigSerializeWrapper {
  const o = asObject(WRAPPER, 'topicConfigSerializeWrapper', v);
  const topicConfigTable: Record<string, TopicConfig> = {};
  for (const [k, tc] of mapEntries(WRAPPER, o, 'topicConfigTable')) topicConfigTable[String(k)] = topicConfigFromJson(tc);
  const out: TopicConfigSerializeWrapper = {
    topicConfigTable,
    dataVersion: o['dataVersion'] ? dataVersionFromJson(o['dataVersion']) : createDataVersion(0),
  };
  const info = optObject(WRAPPER, o, 'topicQueueMappingInfoMap');
  if (info) out.topicQueueMappingInfoMap = info;
  const detail = optObject(WRAPPER, o, 'topicQueueMappingDetailMap');
  if (detail) out.topicQueueMappingDetailMap = detail;
  if (o['mappingDataVersion']) out.mappingDataVersion = dataVersionFromJson(o['mappingDataVersion']);
  return out;
}

export function topicConfigSerializeWrapperToJson(w: TopicConfigSerializeWrapper): JsonWritable {
  const table: Record<string, JsonWritable> = {};
  for (const [k, tc] of Object.entries(w.topicConfigTable)) table[k] = topicConfigToJson(tc);
  return {
    dataVersion: dataVersionToJson(w.dataVersion),
    mappingDataVersion: w.mappingDataVersion ? dataVersionToJson(w.mappingDataVersion) : undefined,
    topicConfigTable: table,
    topicQueueMappingDetailMap: w.topicQueueMappingDetailMap as JsonWritable,
    topicQueueMappingInfoMap: w.topicQueueMappingInfoMap as JsonWritable,
  };
}

export function decodeTopicConfigSerializeWrapper(body: Buffer | string): TopicConfigSerializeWrapper {
  return topicConfigSerializeWrapperFromJson(parseBody(WRAPPER, body));
}

export function encodeTopicConfigSerializeWrapper(w: TopicConfigSerializeWrapper): Buffer {
  return encodeFastjson(topicConfigSerializeWrapperToJson(w));
}
