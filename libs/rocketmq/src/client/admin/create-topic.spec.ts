import { describe, expect, it } from '@jest/globals';
import type { TopicRouteData } from '../../protocol/body/topic-route-data.js';
import { RocketMQClientError } from '../../protocol/errors.js';
import { createTopicHeader, formatTopicAttributes, routeShowsTopic } from './create-topic.js';

describe('the UPDATE_AND_CREATE_TOPIC header', () => {
  it('defaults to 8 read / 8 write queues, read-write, not ordered, copied from TBW102', () => {
    expect(createTopicHeader({ topic: 'Orders' })).toEqual({
      topic: 'Orders',
      defaultTopic: 'TBW102',
      readQueueNums: 8,
      writeQueueNums: 8,
      perm: 6,
      topicFilterType: 'SINGLE_TAG',
      topicSysFlag: 0,
      order: false,
    });
  });

  it('carries 5.x attributes as +key=value', () => {
    expect(createTopicHeader({ topic: 'Orders', order: true, attributes: { 'message.type': 'FIFO' } })).toMatchObject({ order: true, attributes: '+message.type=FIFO' });
    expect(formatTopicAttributes({ '+a': '1', b: '2', '-c': '' })).toBe('+a=1,+b=2,-c');
    expect(formatTopicAttributes({})).toBeUndefined();
  });

  it('rejects names, queue counts, perms and attributes the broker would refuse', () => {
    expect(() => createTopicHeader({ topic: 'bad topic' })).toThrow(RocketMQClientError);
    expect(() => createTopicHeader({ topic: 'T', writeQueueNums: -1 })).toThrow(/writeQueueNums/);
    expect(() => createTopicHeader({ topic: 'T', readQueueNums: 1.5 })).toThrow(/readQueueNums/);
    expect(() => createTopicHeader({ topic: 'T', perm: 16 })).toThrow(/PermName/);
    expect(() => formatTopicAttributes({ 'a,b': '1' })).toThrow(/must not contain/);
  });
});

describe('waiting for the route', () => {
  const header = createTopicHeader({ topic: 'T', readQueueNums: 4, writeQueueNums: 4 });
  const route = (queues: [string, number, number][]): TopicRouteData => ({
    queueDatas: queues.map(([brokerName, readQueueNums, writeQueueNums]) => ({ brokerName, readQueueNums, writeQueueNums, perm: 6, topicSysFlag: 0 })),
    brokerDatas: [],
    filterServerTable: {},
  });

  it('is ready when every target broker shows the requested queue counts', () => {
    expect(routeShowsTopic(route([['a', 4, 4], ['b', 4, 4]]), ['a', 'b'], header)).toBe(true);
  });

  it('is not ready while a broker is missing or still shows the old queue counts', () => {
    expect(routeShowsTopic(undefined, ['a'], header)).toBe(false);
    expect(routeShowsTopic(route([['a', 4, 4]]), ['a', 'b'], header)).toBe(false);
    expect(routeShowsTopic(route([['a', 8, 8]]), ['a'], header)).toBe(false);
  });
});
