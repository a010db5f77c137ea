/** TopicStatsTable: GET_TOPIC_STATS_INFO response (`admin/TopicStatsTable.java`, `TopicOffset.java`). */
import { encodeFastjson, type JsonValue } from '../json/fastjson.js';
import type { MessageQueueMap } from '../message/message-queue.js';
import { asObject, messageQueueMapFrom, messageQueueMapToJson, num, optNum, parseBody } from './json-fields.js';

export interface TopicOffset {
  minOffset: number;
  maxOffset: number;
  lastUpdateTimestamp: number;
}

export interface TopicStatsTable {
  offsetTable: MessageQueueMap<TopicOffset>;
  /** 5.x only. */
  topicPutTps?: number;
}

const WHAT = 'TopicStatsTable';

function topicOffsetFromJson(v: JsonValue): TopicOffset {
  const o = asObject(WHAT, 'offsetTable', v);
  return { minOffset: num(WHAT, o, 'minOffset'), maxOffset: num(WHAT, o, 'maxOffset'), lastUpdateTimestamp: num(WHAT, o, 'lastUpdateTimestamp') };
}

export function decodeTopicStatsTable(body: Buffer | string): TopicStatsTable {
  const o = parseBody(WHAT, body);
  const out: TopicStatsTable = { offsetTable: messageQueueMapFrom(WHAT, o, 'offsetTable', topicOffsetFromJson) };
  const tps = optNum(WHAT, o, 'topicPutTps');
  if (tps !== undefined) out.topicPutTps = tps;
  return out;
}

export function encodeTopicStatsTable(table: TopicStatsTable): Buffer {
  return encodeFastjson({
    offsetTable: messageQueueMapToJson(table.offsetTable, (t) => ({ ...t })),
    topicPutTps: table.topicPutTps,
  });
}
