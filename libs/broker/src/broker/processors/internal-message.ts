/** Turning an InternalMessage (what hooks see and rewrite) into a store put. */
import { MessageConst, createUniqueId, propertiesToString, type PropertiesInput } from '@app/rocketmq/protocol';
import type { PutMessageInput } from '../../store/index.js';
import type { InternalMessage } from '../broker-context.js';

/** Adds CLUSTER and UNIQ_KEY when missing and builds the store input. */
export function toPutInput(msg: InternalMessage, clusterName: string): PutMessageInput {
  const props = msg.properties;
  if (props[MessageConst.CLUSTER] === undefined) props[MessageConst.CLUSTER] = clusterName;
  if (props[MessageConst.UNIQ_KEY] === undefined) props[MessageConst.UNIQ_KEY] = createUniqueId();
  return {
    topic: msg.topic,
    queueId: msg.queueId,
    body: msg.body,
    properties: propertiesToString(props as PropertiesInput),
    flag: msg.flag,
    sysFlag: msg.sysFlag,
    bornTimestamp: msg.bornTimestamp,
    bornHost: msg.bornHost,
    reconsumeTimes: msg.reconsumeTimes,
    preparedTransactionOffset: msg.preparedTransactionOffset,
    tagsCode: msg.tagsCode,
  };
}

/** Bytes of the properties string once encoded. */
export function propertiesByteLength(props: Record<string, string>): number {
  return Buffer.byteLength(propertiesToString(props as PropertiesInput), 'utf8');
}
