/** GET_CONSUMER_LIST_BY_GROUP response body (`GetConsumerListByGroupResponseBody`). */
import { encodeFastjson } from '../json/fastjson.js';
import { parseBody, strArr } from './json-fields.js';

export interface ConsumerListByGroupResponseBody {
  consumerIdList: string[];
}

export function decodeConsumerListByGroupResponseBody(body: Buffer | string): ConsumerListByGroupResponseBody {
  const what = 'GetConsumerListByGroupResponseBody';
  return { consumerIdList: strArr(what, parseBody(what, body), 'consumerIdList') };
}

export function encodeConsumerListByGroupResponseBody(body: ConsumerListByGroupResponseBody): Buffer {
  return encodeFastjson({ consumerIdList: body.consumerIdList });
}
