/** GroupList body (`body/GroupList.java`): QUERY_TOPIC_CONSUME_BY_WHO response. */
import { encodeFastjson } from '../json/fastjson.js';
import { parseBody, strArr } from './json-fields.js';

export interface GroupList {
  groupList: string[];
}

export function decodeGroupList(body: Buffer | string): GroupList {
  return { groupList: strArr('GroupList', parseBody('GroupList', body), 'groupList') };
}

export function encodeGroupList(body: GroupList): Buffer {
  return encodeFastjson({ groupList: body.groupList });
}
