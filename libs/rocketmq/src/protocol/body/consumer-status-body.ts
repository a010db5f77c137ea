/**
 * GetConsumerStatusBody (`body/GetConsumerStatusBody.java`): a consumer's answer to GET_CONSUMER_STATUS_FROM_CLIENT
 * fills `messageQueueTable` (its offsets of one topic); the broker's answer to INVOKE_BROKER_TO_GET_CONSUMER_STATUS
 * fills `consumerTable` (client id → those offsets).
 */
import { encodeFastjson, type JsonValue, type JsonWritable } from '../json/fastjson.js';
import { MessageQueueMap } from '../message/message-queue.js';
import { mapEntries, messageQueueMapFrom, messageQueueMapToJson, parseBody, toNum } from './json-fields.js';

export interface GetConsumerStatusBody {
  messageQueueTable: MessageQueueMap<number>;
  consumerTable: Map<string, MessageQueueMap<number>>;
}

const WHAT = 'GetConsumerStatusBody';

export function decodeGetConsumerStatusBody(body: Buffer | string): GetConsumerStatusBody {
  const o = parseBody(WHAT, body);
  const offset = (v: JsonValue) => toNum(WHAT, 'offset', v, 0);
  const consumerTable = new Map<string, MessageQueueMap<number>>();
  for (const [clientId, offsets] of mapEntries(WHAT, o, 'consumerTable')) {
    consumerTable.set(String(clientId), messageQueueMapFrom(WHAT, { offsets }, 'offsets', offset));
  }
  return { messageQueueTable: messageQueueMapFrom(WHAT, o, 'messageQueueTable', offset), consumerTable };
}

export function encodeGetConsumerStatusBody(body: Partial<GetConsumerStatusBody>): Buffer {
  const consumerTable: Record<string, JsonWritable> = {};
  for (const [clientId, offsets] of body.consumerTable ?? []) consumerTable[clientId] = messageQueueMapToJson(offsets, (n) => n);
  return encodeFastjson({ consumerTable, messageQueueTable: messageQueueMapToJson(body.messageQueueTable ?? new MessageQueueMap<number>(), (n) => n) });
}
