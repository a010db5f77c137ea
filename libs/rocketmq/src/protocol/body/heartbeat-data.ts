/**
 * HEART_BEAT body (`heartbeat/HeartbeatData.java`, `ConsumerData.java`, `ProducerData.java`, `SubscriptionData.java`)
 * and building SubscriptionData from a subscription expression (`FilterAPI.buildSubscriptionData`/`build`).
 */
import { RocketMQClientError } from '../errors.js';
import { encodeFastjson, type JsonValue, type JsonWritable } from '../json/fastjson.js';
import { javaStringHashCode } from '../message/tag-hash.js';
import { arr, asObject, bool, num, numArr, optStr, parseBody, str, strArr } from './json-fields.js';

export type ConsumeType = 'CONSUME_ACTIVELY' | 'CONSUME_PASSIVELY' | 'CONSUME_POP';
export type MessageModel = 'CLUSTERING' | 'BROADCASTING';
export type ConsumeFromWhere =
  | 'CONSUME_FROM_LAST_OFFSET'
  | 'CONSUME_FROM_FIRST_OFFSET'
  | 'CONSUME_FROM_TIMESTAMP'
  | 'CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST'
  | 'CONSUME_FROM_MIN_OFFSET'
  | 'CONSUME_FROM_MAX_OFFSET';
export type ExpressionType = 'TAG' | 'SQL92';

export const SUB_ALL = '*';

export interface SubscriptionData {
  topic: string;
  subString: string;
  tagsSet: string[];
  /** Java `String.hashCode()` of each tag. */
  codeSet: number[];
  /** ms timestamp of when the subscription was built. */
  subVersion: number;
  expressionType: ExpressionType | string;
  classFilterMode: boolean;
}

export interface ProducerData {
  groupName: string;
}

export interface ConsumerData {
  groupName: string;
  consumeType: ConsumeType;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  subscriptionDataSet: SubscriptionData[];
  unitMode: boolean;
}

export interface HeartbeatData {
  clientID: string;
  producerDataSet: ProducerData[];
  consumerDataSet: ConsumerData[];
  /** 5.x heartbeat V2: send 0 (non-zero switches the broker to the V2 path). */
  heartbeatFingerprint: number;
  /** 5.x heartbeat V2. */
  withoutSub: boolean;
}

/**
 * SubscriptionData for a tag expression (`A || B`, `*` or empty = all) or, with `expressionType: 'SQL92'`, an SQL92
 * expression (which must not be empty). Tags are trimmed and empty ones dropped; codeSet holds their Java hash codes.
 */
export function buildSubscriptionData(
  topic: string,
  subString: string | undefined,
  expressionType: ExpressionType = 'TAG',
  subVersion: number = Date.now(),
): SubscriptionData {
  const sd: SubscriptionData = {
    topic,
    subString: subString ?? '',
    tagsSet: [],
    codeSet: [],
    subVersion,
    expressionType,
    classFilterMode: false,
  };
  if (expressionType !== 'TAG') {
    if (!subString || subString.trim() === '') {
      throw new RocketMQClientError(`A ${expressionType} subscription expression must not be empty`);
    }
    return sd;
  }
  if (!subString || subString === SUB_ALL) {
    sd.subString = SUB_ALL;
    return sd;
  }
  for (const raw of subString.split('||')) {
    const tag = raw.trim();
    if (tag === '' || sd.tagsSet.includes(tag)) continue;
    sd.tagsSet.push(tag);
    const code = javaStringHashCode(tag);
    if (!sd.codeSet.includes(code)) sd.codeSet.push(code);
  }
  return sd;
}

/** True when a tag subscription accepts every tag. */
export function subscribesAll(sd: SubscriptionData): boolean {
  return sd.expressionType === 'TAG' && (sd.subString === SUB_ALL || sd.subString === '' || sd.tagsSet.length === 0);
}

const WHAT = 'HeartbeatData';

export function subscriptionDataFromJson(v: JsonValue, what = WHAT): SubscriptionData {
  const o = asObject(what, 'subscriptionData', v);
  return {
    topic: str(what, o, 'topic'),
    subString: str(what, o, 'subString'),
    tagsSet: strArr(what, o, 'tagsSet'),
    codeSet: numArr(what, o, 'codeSet'),
    subVersion: num(what, o, 'subVersion'),
    expressionType: optStr(what, o, 'expressionType') ?? 'TAG',
    classFilterMode: bool(what, o, 'classFilterMode'),
  };
}

export function subscriptionDataToJson(sd: SubscriptionData): JsonWritable {
  return {
    classFilterMode: sd.classFilterMode,
    codeSet: sd.codeSet,
    expressionType: sd.expressionType,
    subString: sd.subString,
    subVersion: sd.subVersion,
    tagsSet: sd.tagsSet,
    topic: sd.topic,
  };
}

function consumerDataFromJson(v: JsonValue): ConsumerData {
  const o = asObject(WHAT, 'consumerDataSet', v);
  return {
    groupName: str(WHAT, o, 'groupName'),
    consumeType: str(WHAT, o, 'consumeType', 'CONSUME_PASSIVELY') as ConsumeType,
    messageModel: str(WHAT, o, 'messageModel', 'CLUSTERING') as MessageModel,
    consumeFromWhere: str(WHAT, o, 'consumeFromWhere', 'CONSUME_FROM_LAST_OFFSET') as ConsumeFromWhere,
    subscriptionDataSet: arr(WHAT, o, 'subscriptionDataSet').map((s) => subscriptionDataFromJson(s)),
    unitMode: bool(WHAT, o, 'unitMode'),
  };
}

export function heartbeatDataFromJson(v: JsonValue): HeartbeatData {
  const o = asObject(WHAT, 'body', v);
  return {
    clientID: str(WHAT, o, 'clientID'),
    producerDataSet: arr(WHAT, o, 'producerDataSet').map((p) => ({ groupName: str(WHAT, asObject(WHAT, 'producerDataSet', p), 'groupName') })),
    consumerDataSet: arr(WHAT, o, 'consumerDataSet').map(consumerDataFromJson),
    heartbeatFingerprint: num(WHAT, o, 'heartbeatFingerprint'),
    withoutSub: bool(WHAT, o, 'withoutSub'),
  };
}

export function decodeHeartbeatData(body: Buffer | string): HeartbeatData {
  return heartbeatDataFromJson(parseBody(WHAT, body));
}

export function encodeHeartbeatData(hb: HeartbeatData): Buffer {
  return encodeFastjson({
    clientID: hb.clientID,
    consumerDataSet: hb.consumerDataSet.map((c) => ({
      consumeFromWhere: c.consumeFromWhere,
      consumeType: c.consumeType,
      groupName: c.groupName,
      messageModel: c.messageModel,
      subscriptionDataSet: c.subscriptionDataSet.map(subscriptionDataToJson),
      unitMode: c.unitMode,
    })),
    heartbeatFingerprint: hb.heartbeatFingerprint,
    producerDataSet: hb.producerDataSet.map((p) => ({ groupName: p.groupName })),
    withoutSub: hb.withoutSub,
  });
}
