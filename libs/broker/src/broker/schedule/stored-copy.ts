/** Turning a stored record back into an InternalMessage to put again (delivery of delayed, timer and half messages). */
import { createProperties, type MessageExt } from '@app/rocketmq/protocol';
import type { InternalMessage } from '../broker-context.js';

/** The record's body (raw, as stored), flag, sysFlag, born data, reconsume times and a copy of its properties. */
export function copyOfStored(msg: MessageExt, topic: string, queueId: number): InternalMessage {
  return {
    topic,
    queueId,
    body: msg.body,
    properties: Object.assign(createProperties(), msg.properties),
    flag: msg.flag,
    sysFlag: msg.sysFlag,
    bornTimestamp: msg.bornTimestamp,
    bornHost: msg.bornHost,
    reconsumeTimes: msg.reconsumeTimes,
  };
}

/** Parses a property holding a Java int/long; undefined when absent or not an integer. */
export function integerProperty(value: string | undefined): number | undefined {
  if (value === undefined || !/^[+-]?\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}
