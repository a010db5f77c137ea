/** ResetOffsetBody: RESET_CONSUMER_CLIENT_OFFSET request / INVOKE_BROKER_TO_RESET_OFFSET response (`body/ResetOffsetBody.java`). */
import { encodeFastjson } from '../json/fastjson.js';
import type { MessageQueueMap } from '../message/message-queue.js';
import { messageQueueMapFrom, messageQueueMapToJson, parseBody, toNum } from './json-fields.js';

export interface ResetOffsetBody {
  offsetTable: MessageQueueMap<number>;
}

const WHAT = 'ResetOffsetBody';

export function decodeResetOffsetBody(body: Buffer | string): ResetOffsetBody {
  const o = parseBody(WHAT, body);
  return { offsetTable: messageQueueMapFrom(WHAT, o, 'offsetTable', (v) => toNum(WHAT, 'offsetTable', v, 0)) };
}

export function encodeResetOffsetBody(body: ResetOffsetBody): Buffer {
  return encodeFastjson({ offsetTable: messageQueueMapToJson(body.offsetTable, (n) => n) });
}
