import { describe, it, expect } from '@jest/globals';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { RocketMQProtocolError } from '../errors.js';
import { decodeRegisterBrokerBody, encodeRegisterBrokerBody, registerBrokerBodyCrc32, type RegisterBrokerBody } from './register-broker-body.js';
import { createTopicConfig } from './topic-config.js';

const body: RegisterBrokerBody = {
  topicConfigSerializeWrapper: {
    dataVersion: { timestamp: 1700000000000, counter: 2, stateVersion: 0 },
    topicConfigTable: {
      TopicA: createTopicConfig('TopicA', { readQueueNums: 4, writeQueueNums: 4 }),
      TBW102: createTopicConfig('TBW102', { readQueueNums: 8, writeQueueNums: 8, perm: 7 }),
    },
  },
  filterServerList: [],
};

describe('RegisterBrokerBody', () => {
  it('round-trips the JSON form', () => {
    const buf = encodeRegisterBrokerBody(body);
    expect(buf.toString().startsWith('{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":2')).toBe(true);
    expect(decodeRegisterBrokerBody(buf)).toEqual(body);
  });

  it('writes the compressed form as length-prefixed parts in a zlib stream', () => {
    const buf = encodeRegisterBrokerBody(body, { compressed: true });
    const raw = inflateSync(buf);
    const dvLen = raw.readInt32BE(0);
    expect(raw.subarray(4, 4 + dvLen).toString()).toBe('{"counter":2,"stateVersion":0,"timestamp":1700000000000}');
    expect(raw.readInt32BE(4 + dvLen)).toBe(2);
    const firstLen = raw.readInt32BE(8 + dvLen);
    expect(raw.subarray(12 + dvLen, 12 + dvLen + firstLen).toString()).toBe('TopicA 4 4 6 SINGLE_TAG {}');
    const back = decodeRegisterBrokerBody(buf, { compressed: true });
    expect(back.topicConfigSerializeWrapper.topicConfigTable).toEqual(body.topicConfigSerializeWrapper.topicConfigTable);
    expect(back.topicConfigSerializeWrapper.dataVersion).toEqual(body.topicConfigSerializeWrapper.dataVersion);
    expect(back.filterServerList).toEqual([]);
  });

  it('computes the header CRC as masked CRC32', () => {
    const buf = encodeRegisterBrokerBody(body);
    expect(registerBrokerBodyCrc32(buf)).toBe(crc32(buf) & 0x7fffffff);
  });

  it('raises RocketMQProtocolError for a corrupt compressed body', () => {
    expect(() => decodeRegisterBrokerBody(Buffer.from('junk'), { compressed: true })).toThrow(RocketMQProtocolError);
    const buf = encodeRegisterBrokerBody(body, { compressed: true });
    const truncated = deflateSync(inflateSync(buf).subarray(0, 30));
    expect(() => decodeRegisterBrokerBody(truncated, { compressed: true })).toThrow(RocketMQProtocolError);
  });
});
