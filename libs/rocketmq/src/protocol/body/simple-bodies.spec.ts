import { describe, it, expect } from '@jest/globals';
import { RocketMQProtocolError } from '../errors.js';
import { decodeConsumeMessageDirectlyResult, encodeConsumeMessageDirectlyResult } from './consume-message-directly-result.js';
import { decodeConsumerListByGroupResponseBody, encodeConsumerListByGroupResponseBody } from './consumer-list.js';
import { decodeGroupList, encodeGroupList } from './group-list.js';
import { decodeKVTable, encodeKVTable } from './kv-table.js';
import { decodeTopicList, encodeTopicList } from './topic-list.js';

describe('small bodies', () => {
  it('GetConsumerListByGroupResponseBody', () => {
    const b = { consumerIdList: ['10.0.0.5@4242#1', '10.0.0.6@1#2'] };
    expect(encodeConsumerListByGroupResponseBody(b).toString()).toBe('{"consumerIdList":["10.0.0.5@4242#1","10.0.0.6@1#2"]}');
    expect(decodeConsumerListByGroupResponseBody(encodeConsumerListByGroupResponseBody(b))).toEqual(b);
    expect(() => decodeConsumerListByGroupResponseBody('{"consumerIdList":[1]}')).toThrow(RocketMQProtocolError);
  });

  it('TopicList, GroupList, KVTable', () => {
    expect(decodeTopicList(encodeTopicList({ topicList: ['a', 'b'] }))).toEqual({ topicList: ['a', 'b'] });
    expect(decodeTopicList('{"brokerAddr":"x:1","topicList":[]}')).toEqual({ topicList: [], brokerAddr: 'x:1' });
    expect(decodeGroupList(encodeGroupList({ groupList: ['g'] }))).toEqual({ groupList: ['g'] });
    expect(encodeKVTable({ table: { b: '2', a: '1' } }).toString()).toBe('{"table":{"a":"1","b":"2"}}');
    expect({ ...decodeKVTable('{"table":{"a":"1","n":5}}').table }).toEqual({ a: '1', n: '5' });
  });

  it('ConsumeMessageDirectlyResult', () => {
    const r = { autoCommit: true, consumeResult: 'CR_SUCCESS' as const, order: false, remark: 'ok', spentTimeMills: 3 };
    expect(encodeConsumeMessageDirectlyResult(r).toString()).toBe('{"autoCommit":true,"consumeResult":"CR_SUCCESS","order":false,"remark":"ok","spentTimeMills":3}');
    expect(decodeConsumeMessageDirectlyResult(encodeConsumeMessageDirectlyResult(r))).toEqual(r);
  });

  it('raises RocketMQProtocolError for bodies that are not JSON objects', () => {
    expect(() => decodeGroupList('not json')).toThrow(RocketMQProtocolError);
    expect(() => decodeKVTable('[]')).toThrow(RocketMQProtocolError);
  });
});
