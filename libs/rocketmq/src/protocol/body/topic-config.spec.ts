import { describe, it, expect } from '@jest/globals';
import {
  createTopicConfig, decodeTopicConfigSerializeWrapper, encodeTopicConfigSerializeWrapper, nextDataVersion,
  topicConfigFromText, topicConfigToText, encodeTopicConfig, decodeTopicConfig,
} from './topic-config.js';

describe('TopicConfig', () => {
  it('uses Java defaults and serializes fields alphabetically', () => {
    const tc = createTopicConfig('T', { readQueueNums: 4, writeQueueNums: 4 });
    expect(encodeTopicConfig(tc).toString()).toBe(
      '{"attributes":{},"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"T","topicSysFlag":0,"writeQueueNums":4}',
    );
    expect(decodeTopicConfig(encodeTopicConfig(tc))).toEqual(tc);
    expect(createTopicConfig('X').readQueueNums).toBe(16);
  });

  it('has the space-separated text form used by compressed registration', () => {
    const tc = createTopicConfig('T', { readQueueNums: 8, writeQueueNums: 4, perm: 7, attributes: { '+message.type': 'NORMAL' } });
    const text = topicConfigToText(tc);
    expect(text).toBe('T 8 4 7 SINGLE_TAG {"+message.type":"NORMAL"}');
    expect(topicConfigFromText(text)).toEqual(tc);
    expect(topicConfigFromText('T 1 1 6 MULTI_TAG')).toMatchObject({ topicFilterType: 'MULTI_TAG', attributes: {} });
    expect(() => topicConfigFromText('T 1')).toThrow();
  });
});

describe('TopicConfigSerializeWrapper', () => {
  it('round-trips topics.json and bumps DataVersion', () => {
    const text =
      '{"dataVersion":{"counter":3,"stateVersion":0,"timestamp":1700000000000},"topicConfigTable":{"T":{"attributes":{},"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"T","topicSysFlag":0,"writeQueueNums":4}}}';
    const w = decodeTopicConfigSerializeWrapper(text);
    expect(w.dataVersion).toEqual({ counter: 3, stateVersion: 0, timestamp: 1700000000000 });
    expect(encodeTopicConfigSerializeWrapper(w).toString()).toBe(text);
    expect(nextDataVersion(w.dataVersion, 5)).toEqual({ counter: 4, stateVersion: 0, timestamp: 5 });
  });
});
