/** LOCK_BATCH_MQ / UNLOCK_BATCH_MQ bodies (`LockBatchRequestBody`, `LockBatchResponseBody`, `UnlockBatchRequestBody`). */
import { encodeFastjson, type JsonValue } from '../json/fastjson.js';
import type { MessageQueue } from '../message/message-queue.js';
import { arr, bool, messageQueueFrom, messageQueueJson, parseBody, str } from './json-fields.js';

export interface LockBatchRequestBody {
  consumerGroup: string;
  clientId: string;
  /** 5.x; clients send false. */
  onlyThisBroker: boolean;
  mqSet: MessageQueue[];
}

/** Same shape as the lock request. */
export type UnlockBatchRequestBody = LockBatchRequestBody;

export interface LockBatchResponseBody {
  lockOKMQSet: MessageQueue[];
}

function requestFromJson(what: string, v: JsonValue): LockBatchRequestBody {
  const o = parseBody(what, v);
  return {
    consumerGroup: str(what, o, 'consumerGroup'),
    clientId: str(what, o, 'clientId'),
    onlyThisBroker: bool(what, o, 'onlyThisBroker'),
    mqSet: arr(what, o, 'mqSet').map((m) => messageQueueFrom(what, 'mqSet', m)),
  };
}

function encodeRequest(body: LockBatchRequestBody): Buffer {
  return encodeFastjson({
    clientId: body.clientId,
    consumerGroup: body.consumerGroup,
    mqSet: body.mqSet.map(messageQueueJson),
    onlyThisBroker: body.onlyThisBroker,
  });
}

export function decodeLockBatchRequestBody(body: Buffer | string): LockBatchRequestBody {
  return requestFromJson('LockBatchRequestBody', parseBody('LockBatchRequestBody', body));
}

export function encodeLockBatchRequestBody(body: LockBatchRequestBody): Buffer {
  return encodeRequest(body);
}

export function decodeUnlockBatchRequestBody(body: Buffer | string): UnlockBatchRequestBody {
  return requestFromJson('UnlockBatchRequestBody', parseBody('UnlockBatchRequestBody', body));
}

export function encodeUnlockBatchRequestBody(body: UnlockBatchRequestBody): Buffer {
  return encodeRequest(body);
}

export function decodeLockBatchResponseBody(body: Buffer | string): LockBatchResponseBody {
  const what = 'LockBatchResponseBody';
  const o = parseBody(what, body);
  return { lockOKMQSet: arr(what, o, 'lockOKMQSet').map((m) => messageQueueFrom(what, 'lockOKMQSet', m)) };
}

export function encodeLockBatchResponseBody(body: LockBatchResponseBody): Buffer {
  return encodeFastjson({ lockOKMQSet: body.lockOKMQSet.map(messageQueueJson) });
}
