/**
 * Typed field readers for JSON bodies: missing fields get the default, wrong types raise RocketMQProtocolError.
 * Shared by the body codecs; not part of the public API.
 */
import { RocketMQProtocolError } from '../errors.js';
import { isJsonObject, jsonEntries, parseFastjson, type JsonObject, type JsonValue, type JsonWritable } from '../json/fastjson.js';
import { MessageQueueMap, type MessageQueue } from '../message/message-queue.js';

export function bad(what: string, field: string, value: unknown): RocketMQProtocolError {
  const shown = typeof value === 'bigint' ? `${value}` : JSON.stringify(value)?.slice(0, 80);
  return new RocketMQProtocolError(`${what}: field "${field}" has an unexpected value ${shown}`);
}

/** Parse a body (bytes or text) and require a JSON object. */
export function parseBody(what: string, input: Buffer | string | JsonValue): JsonObject {
  const v = typeof input === 'string' || Buffer.isBuffer(input) ? parseFastjson(input) : input;
  return asObject(what, 'body', v);
}

export function asObject(what: string, field: string, v: JsonValue | undefined): JsonObject {
  if (!isJsonObject(v)) throw bad(what, field, v instanceof Map ? '[object-keyed map]' : v);
  return v;
}

export function optObject(what: string, o: JsonObject, f: string): JsonObject | undefined {
  const v = o[f];
  return v === undefined || v === null ? undefined : asObject(what, f, v);
}

export function str(what: string, o: JsonObject, f: string, dflt = ''): string {
  const v = o[f];
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  throw bad(what, f, v);
}

export function optStr(what: string, o: JsonObject, f: string): string | undefined {
  const v = o[f];
  return v === undefined || v === null ? undefined : str(what, o, f);
}

export function toNum(what: string, f: string, v: JsonValue | undefined, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  throw bad(what, f, v);
}

/** A Java int/long/double field as a JS number (longs beyond 2^53 lose precision). */
export function num(what: string, o: JsonObject, f: string, dflt = 0): number {
  return toNum(what, f, o[f], dflt);
}

export function optNum(what: string, o: JsonObject, f: string): number | undefined {
  const v = o[f];
  return v === undefined || v === null ? undefined : toNum(what, f, v, 0);
}

export function bool(what: string, o: JsonObject, f: string, dflt = false): boolean {
  const v = o[f];
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw bad(what, f, v);
}

export function arr(what: string, o: JsonObject, f: string): JsonValue[] {
  const v = o[f];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(what, f, v);
  return v;
}

export function strArr(what: string, o: JsonObject, f: string): string[] {
  return arr(what, o, f).map((x) => {
    if (typeof x !== 'string') throw bad(what, f, x);
    return x;
  });
}

export function numArr(what: string, o: JsonObject, f: string): number[] {
  return arr(what, o, f).map((x) => toNum(what, f, x, 0));
}

/** A Map<String, String> (or Properties) field; non-string scalar values are stringified. */
export function strMap(what: string, o: JsonObject, f: string): Record<string, string> {
  const v = o[f];
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (v === undefined || v === null) return out;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(what, f, v);
  for (const [k, val] of jsonEntries(v)) {
    if (val === null) continue;
    if (typeof val === 'object') throw bad(what, f, val);
    out[String(k)] = String(val);
  }
  return out;
}

/** Entries of a map field written either as an object or (fastjson object keys) as a Map. */
export function mapEntries(what: string, o: JsonObject, f: string): Array<[JsonValue, JsonValue]> {
  const v = o[f];
  if (v === undefined || v === null) return [];
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(what, f, v);
  return jsonEntries(v);
}

/** A MessageQueue written as a JSON object (or, tolerated, as a stringified JSON object key). */
export function messageQueueFrom(what: string, f: string, v: JsonValue): MessageQueue {
  let obj = v;
  if (typeof v === 'string' && v.startsWith('{')) obj = parseFastjson(v);
  const o = asObject(what, f, obj);
  return { topic: str(what, o, 'topic'), brokerName: str(what, o, 'brokerName'), queueId: num(what, o, 'queueId') };
}

/** A MessageQueue in fastjson's field order (alphabetical). */
export function messageQueueJson(mq: MessageQueue): { brokerName: string; queueId: number; topic: string } {
  return { brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic };
}

/** Read a Map<MessageQueue, V> field written with fastjson object keys (or stringified keys). */
export function messageQueueMapFrom<V>(
  what: string,
  o: JsonObject,
  f: string,
  value: (v: JsonValue) => V,
): MessageQueueMap<V> {
  const out = new MessageQueueMap<V>();
  for (const [k, v] of mapEntries(what, o, f)) out.set(messageQueueFrom(what, f, k), value(v));
  return out;
}

/** A Map<MessageQueue, V> for the fastjson writer: object keys, in Java MessageQueue order. */
export function messageQueueMapToJson<V>(map: MessageQueueMap<V>, value: (v: V) => JsonWritable): Map<JsonWritable, JsonWritable> {
  const out = new Map<JsonWritable, JsonWritable>();
  for (const [mq, v] of map.sortedEntries()) out.set(messageQueueJson(mq), value(v));
  return out;
}
