/** TopicList body (`body/TopicList.java`): GET_ALL_TOPIC_LIST_FROM_NAMESERVER and friends. */
import { encodeFastjson } from '../json/fastjson.js';
import { optStr, parseBody, strArr } from './json-fields.js';

export interface TopicList {
  topicList: string[];
  brokerAddr?: string;
}

export function decodeTopicList(body: Buffer | string): TopicList {
  const what = 'TopicList';
  const o = parseBody(what, body);
  const out: TopicList = { topicList: strArr(what, o, 'topicList') };
  const brokerAddr = optStr(what, o, 'brokerAddr');
  if (brokerAddr !== undefined) out.brokerAddr = brokerAddr;
  return out;
}

export function encodeTopicList(body: TopicList): Buffer {
  return encodeFastjson({ brokerAddr: body.brokerAddr, topicList: body.topicList });
}
