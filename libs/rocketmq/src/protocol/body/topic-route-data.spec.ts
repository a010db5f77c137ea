import { describe, it, expect } from '@jest/globals';
import { RocketMQProtocolError } from '../errors.js';
import { decodeTopicRouteData, encodeTopicRouteData, masterAddress, topicRouteToPublishQueues, topicRouteToSubscribeQueues, type TopicRouteData } from './topic-route-data.js';

const LEGACY =
  '{"brokerDatas":[{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],' +
  '"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8}]}';

describe('TopicRouteData', () => {
  it('reads the legacy form with bare numeric brokerAddrs keys', () => {
    const r = decodeTopicRouteData(Buffer.from(LEGACY));
    expect(r.brokerDatas[0]).toEqual({
      cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { '0': '10.0.0.1:10911', '1': '10.0.0.2:10911' }, enableActingMaster: false,
    });
    expect(masterAddress(r.brokerDatas[0]!)).toBe('10.0.0.1:10911');
    expect(r.queueDatas[0]).toEqual({ brokerName: 'broker-a', perm: 6, readQueueNums: 8, topicSysFlag: 0, writeQueueNums: 8 });
  });

  it('writes the legacy form byte for byte and the standard form as valid JSON', () => {
    const r = decodeTopicRouteData(LEGACY);
    expect(encodeTopicRouteData(r).toString()).toBe(LEGACY);
    const std = encodeTopicRouteData(r, { standard: true }).toString();
    expect(JSON.parse(std).brokerDatas[0].brokerAddrs).toEqual({ '0': '10.0.0.1:10911', '1': '10.0.0.2:10911' });
    expect(decodeTopicRouteData(std)).toEqual(r);
  });

  it('keeps orderTopicConf, filter servers and 5.x mapping data', () => {
    const r = decodeTopicRouteData('{"orderTopicConf":"b:2","queueDatas":[],"brokerDatas":[],"filterServerTable":{"1.1.1.1:1":["f"]},"topicQueueMappingByBroker":{"b":{"x":1}}}');
    expect(r.orderTopicConf).toBe('b:2');
    expect(r.filterServerTable).toEqual({ '1.1.1.1:1': ['f'] });
    expect(decodeTopicRouteData(encodeTopicRouteData(r))).toEqual(r);
  });

  it('rejects wrong field types with RocketMQProtocolError', () => {
    expect(() => decodeTopicRouteData('{"queueDatas":{}}')).toThrow(RocketMQProtocolError);
    expect(() => decodeTopicRouteData('[1]')).toThrow(RocketMQProtocolError);
    expect(() => decodeTopicRouteData('{"queueDatas":[{"perm":"x"}]}')).toThrow(RocketMQProtocolError);
  });
});

describe('publish and subscribe queues', () => {
  const route: TopicRouteData = {
    queueDatas: [
      { brokerName: 'c', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 },
      { brokerName: 'a', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 },
      { brokerName: 'b', readQueueNums: 3, writeQueueNums: 3, perm: 4, topicSysFlag: 0 },
      { brokerName: 'd', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 },
    ],
    brokerDatas: [
      { cluster: 'C', brokerName: 'a', brokerAddrs: { '0': 'a:1' } },
      { cluster: 'C', brokerName: 'b', brokerAddrs: { '0': 'b:1' } },
      { cluster: 'C', brokerName: 'c', brokerAddrs: { '0': 'c:1' } },
      { cluster: 'C', brokerName: 'd', brokerAddrs: { '1': 'd-slave:1' } },
    ],
    filterServerTable: {},
  };

  it('publishes to writable queues of brokers with a master, sorted by broker name', () => {
    const p = topicRouteToPublishQueues('T', route);
    expect(p.orderTopic).toBe(false);
    expect(p.messageQueues.map((q) => `${q.brokerName}:${q.queueId}`)).toEqual(['a:0', 'a:1', 'c:0']);
    expect(route.queueDatas[0]!.brokerName).toBe('c'); // input not mutated
  });

  it('uses orderTopicConf when present', () => {
    const p = topicRouteToPublishQueues('T', { ...route, orderTopicConf: 'b:2;a:1' });
    expect(p.orderTopic).toBe(true);
    expect(p.messageQueues).toEqual([
      { topic: 'T', brokerName: 'b', queueId: 0 },
      { topic: 'T', brokerName: 'b', queueId: 1 },
      { topic: 'T', brokerName: 'a', queueId: 0 },
    ]);
  });

  it('subscribes to every readable queue', () => {
    expect(topicRouteToSubscribeQueues('T', route).map((q) => `${q.brokerName}:${q.queueId}`)).toEqual([
      'c:0', 'a:0', 'a:1', 'b:0', 'b:1', 'b:2', 'd:0',
    ]);
  });
});
