/** ConsumeStats: GET_CONSUME_STATS response (`admin/ConsumeStats.java`, `OffsetWrapper.java`). */
import { encodeFastjson, type JsonValue } from '../json/fastjson.js';
import type { MessageQueueMap } from '../message/message-queue.js';
import { asObject, messageQueueMapFrom, messageQueueMapToJson, num, parseBody } from './json-fields.js';

export interface OffsetWrapper {
  brokerOffset: number;
  consumerOffset: number;
  /** 5.x */
  pullOffset: number;
  lastTimestamp: number;
}

export interface ConsumeStats {
  consumeTps: number;
  offsetTable: MessageQueueMap<OffsetWrapper>;
}

const WHAT = 'ConsumeStats';

function offsetWrapperFromJson(v: JsonValue): OffsetWrapper {
  const o = asObject(WHAT, 'offsetTable', v);
  return {
    brokerOffset: num(WHAT, o, 'brokerOffset'),
    consumerOffset: num(WHAT, o, 'consumerOffset'),
    pullOffset: num(WHAT, o, 'pullOffset'),
    lastTimestamp: num(WHAT, o, 'lastTimestamp'),
  };
}

export function decodeConsumeStats(body: Buffer | string): ConsumeStats {
  const o = parseBody(WHAT, body);
  return { consumeTps: num(WHAT, o, 'consumeTps'), offsetTable: messageQueueMapFrom(WHAT, o, 'offsetTable', offsetWrapperFromJson) };
}

/** fastjson form (MessageQueue object keys), as Java admin tools expect. */
export function encodeConsumeStats(stats: ConsumeStats): Buffer {
  return encodeFastjson({
    consumeTps: stats.consumeTps,
    offsetTable: messageQueueMapToJson(stats.offsetTable, (w) => ({ ...w })),
  });
}

/** Sum of brokerOffset − consumerOffset over all queues (`ConsumeStats.computeTotalDiff`). */
export function consumeStatsTotalDiff(stats: ConsumeStats): number {
  let diff = 0;
  for (const w of stats.offsetTable.values()) diff += w.brokerOffset - w.consumerOffset;
  return diff;
}
