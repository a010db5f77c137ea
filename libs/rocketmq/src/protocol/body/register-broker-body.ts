/**
 * RegisterBrokerBody: REGISTER_BROKER request body, broker → name server (`body/RegisterBrokerBody.java`).
 *
 * JSON form: `{"filterServerList":[…],"topicConfigSerializeWrapper":{"dataVersion":…,"topicConfigTable":…}}`.
 * Compressed form (header `compressed=true`): a zlib stream (with header) of
 *   int32 len + DataVersion JSON | int32 topic count | per topic: int32 len + TopicConfig text |
 *   int32 len + filter-server-list JSON | (5.x) int32 count + per entry int32 len + TopicQueueMappingInfo JSON.
 * The REGISTER_BROKER header's `bodyCrc32` is `registerBrokerBodyCrc32(body)` over the bytes actually sent.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { RocketMQProtocolError } from '../errors.js';
import { encodeFastjson, parseFastjson, type JsonObject, type JsonValue } from '../json/fastjson.js';
import { bodyCrc32 } from '../message/stored-message-codec.js';
import { asObject, parseBody, strArr } from './json-fields.js';
import {
  createDataVersion,
  dataVersionFromJson,
  dataVersionToJson,
  topicConfigFromText,
  topicConfigSerializeWrapperFromJson,
  topicConfigSerializeWrapperToJson,
  topicConfigToText,
  type TopicConfigSerializeWrapper,
} from './topic-config.js';

export interface RegisterBrokerBody {
  topicConfigSerializeWrapper: TopicConfigSerializeWrapper;
  filterServerList: string[];
}

const WHAT = 'RegisterBrokerBody';

/** CRC32 & 0x7FFFFFFF of the body (`UtilAll.crc32`), for the `bodyCrc32` header field. */
export function registerBrokerBodyCrc32(body: Buffer): number {
  return bodyCrc32(body);
}

export function encodeRegisterBrokerBody(body: RegisterBrokerBody, options: { compressed?: boolean } = {}): Buffer {
  if (!options.compressed) {
    return encodeFastjson({
      filterServerList: body.filterServerList,
      topicConfigSerializeWrapper: topicConfigSerializeWrapperToJson(body.topicConfigSerializeWrapper),
    });
  }
  const parts: Buffer[] = [];
  const int = (n: number): void => {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(n, 0);
    parts.push(b);
  };
  const chunk = (b: Buffer): void => {
    int(b.length);
    parts.push(b);
  };
  const w = body.topicConfigSerializeWrapper;
  chunk(encodeFastjson(dataVersionToJson(w.dataVersion)));
  const topics = Object.values(w.topicConfigTable);
  int(topics.length);
  for (const tc of topics) chunk(Buffer.from(topicConfigToText(tc), 'utf8'));
  chunk(encodeFastjson(body.filterServerList));
  const mappings = Object.values(w.topicQueueMappingInfoMap ?? {});
  int(mappings.length);
  for (const m of mappings) chunk(encodeFastjson(m as JsonObject));
  return deflateSync(Buffer.concat(parts), { level: 9 });
}

export function decodeRegisterBrokerBody(data: Buffer, options: { compressed?: boolean } = {}): RegisterBrokerBody {
  if (!options.compressed) {
    const o = parseBody(WHAT, data);
    const w = o['topicConfigSerializeWrapper'];
    return {
      topicConfigSerializeWrapper: w
        ? topicConfigSerializeWrapperFromJson(w)
        : { topicConfigTable: {}, dataVersion: createDataVersion(0) },
      filterServerList: strArr(WHAT, o, 'filterServerList'),
    };
  }
  let raw: Buffer;
  try {
    raw = inflateSync(data);
  } catch (cause) {
    throw new RocketMQProtocolError(`Cannot inflate a compressed RegisterBrokerBody (${(cause as Error).message})`, undefined, { cause });
  }
  let pos = 0;
  const int = (): number => {
    if (pos + 4 > raw.length) throw new RocketMQProtocolError('Compressed RegisterBrokerBody ends early');
    const n = raw.readInt32BE(pos);
    pos += 4;
    return n;
  };
  const chunk = (): Buffer => {
    const len = int();
    if (len < 0 || pos + len > raw.length) throw new RocketMQProtocolError(`Compressed RegisterBrokerBody has a bad length ${len}`);
    const b = raw.subarray(pos, pos + len);
    pos += len;
    return b;
  };
  const dataVersion = dataVersionFromJson(parseFastjson(chunk()));
  const count = int();
  if (count < 0) throw new RocketMQProtocolError(`Compressed RegisterBrokerBody has a bad topic count ${count}`);
  const topicConfigTable: TopicConfigSerializeWrapper['topicConfigTable'] = {};
  for (let i = 0; i < count; i++) {
    const tc = topicConfigFromText(chunk().toString('utf8'));
    topicConfigTable[tc.topicName] = tc;
  }
  const filterJson = parseFastjson(chunk());
  const filterServerList = strArr(WHAT, { l: filterJson }, 'l');
  const wrapper: TopicConfigSerializeWrapper = { topicConfigTable, dataVersion };
  if (pos + 4 <= raw.length) {
    // 5.x: topic queue mapping infos, keyed by their "topic"
    const n = int();
    const infos: JsonObject = {};
    for (let i = 0; i < n; i++) {
      const info = asObject(WHAT, 'topicQueueMappingInfo', parseFastjson(chunk()) as JsonValue);
      infos[String(info['topic'] ?? i)] = info;
    }
    wrapper.topicQueueMappingInfoMap = infos;
  }
  return { topicConfigSerializeWrapper: wrapper, filterServerList };
}
