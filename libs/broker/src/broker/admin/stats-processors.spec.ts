import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { buildSubscriptionData, decodeConsumeStats, decodeTopicStatsTable, parseFastjson, RequestCode, ResponseCode, type JsonObject } from '@app/rocketmq/protocol';
import { testMessage } from '../../store/test-fixtures.js';
import { installAdminFeatures } from '../admin-features.js';
import { callProcessor, createTestBroker, type TestBroker } from './admin-test-kit.js';

const mq = (topic: string, queueId: number) => ({ topic, brokerName: 'broker-a', queueId });

describe('offsets and statistics', () => {
  let broker: TestBroker;
  const stored: number[] = [];
  beforeEach(async () => {
    broker = await createTestBroker();
    installAdminFeatures(broker.ctx);
    broker.topics.createSystemTopic('T', 2, 6);
    stored.length = 0;
    for (let i = 0; i < 3; i++) stored.push((await broker.store.putMessage(testMessage('T', 0, `q0-${i}`))).storeTimestamp);
    await broker.store.putMessage(testMessage('T', 1, 'q1-0'));
  });
  afterEach(() => broker.close());

  it('GET_TOPIC_STATS_INFO reports min, max and last update per write queue with MessageQueue object keys', async () => {
    const response = await callProcessor(broker, RequestCode.GET_TOPIC_STATS_INFO, { topic: 'T' });
    expect(response.body!.toString()).toContain('{"brokerName":"broker-a","queueId":0,"topic":"T"}:{');
    const table = decodeTopicStatsTable(response.body!);
    expect(table.offsetTable.get(mq('T', 0))).toEqual({ minOffset: 0, maxOffset: 3, lastUpdateTimestamp: stored[2] });
    expect(table.offsetTable.get(mq('T', 1))!.maxOffset).toBe(1);
    const missing = await callProcessor(broker, RequestCode.GET_TOPIC_STATS_INFO, { topic: 'X' });
    expect(missing.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(missing.remark).toBe('topic[X] not exist');
  });

  it('GET_CONSUME_STATS reports broker and consumer offsets and the store time of the last consumed message', async () => {
    broker.offsets.commit('G', 'T', 0, 2);
    const stats = decodeConsumeStats((await callProcessor(broker, RequestCode.GET_CONSUME_STATS, { consumerGroup: 'G' })).body!);
    expect(stats.offsetTable.get(mq('T', 0))).toEqual({ brokerOffset: 3, consumerOffset: 2, pullOffset: 2, lastTimestamp: stored[1] });
    expect(stats.offsetTable.get(mq('T', 1))).toEqual({ brokerOffset: 1, consumerOffset: 0, pullOffset: 0, lastTimestamp: 0 });
    const none = decodeConsumeStats((await callProcessor(broker, RequestCode.GET_CONSUME_STATS, { consumerGroup: 'Nobody' })).body!);
    expect(none.offsetTable.size).toBe(0);
  });

  it('GET_CONSUME_STATS leaves out topics an online group no longer subscribes to', async () => {
    broker.topics.createSystemTopic('Other', 1, 6);
    broker.offsets.commit('G', 'T', 0, 1);
    broker.offsets.commit('G', 'Other', 0, 0);
    broker.clients.addConsumer({ group: 'G', clientId: 'c1', connection: {} as never, subscriptions: [buildSubscriptionData('T', '*')] });
    const stats = decodeConsumeStats((await callProcessor(broker, RequestCode.GET_CONSUME_STATS, { consumerGroup: 'G' })).body!);
    expect([...stats.offsetTable.keys()].map((k) => k.topic)).toEqual(['T', 'T']);
  });

  it('GET_BROKER_CONSUME_STATS lists every subscription group with its total lag', async () => {
    broker.groups.findOrCreate('G');
    broker.offsets.commit('G', 'T', 0, 1);
    const response = await callProcessor(broker, RequestCode.GET_BROKER_CONSUME_STATS, { isOrder: 'false' });
    const body = parseFastjson(response.body!) as JsonObject;
    expect(body['brokerAddr']).toBe('127.0.0.1:10911');
    expect(body['totalDiff']).toBe(3);
    expect(Object.keys((body['consumeStatsList'] as JsonObject[])[0]!)).toEqual(['G']);
  });

  it('QUERY_CONSUME_TIME_SPAN reports the stored time range and the consumed position per queue', async () => {
    broker.offsets.commit('G', 'T', 0, 1);
    const response = await callProcessor(broker, RequestCode.QUERY_CONSUME_TIME_SPAN, { topic: 'T', group: 'G' });
    const spans = (parseFastjson(response.body!) as JsonObject)['consumeTimeSpanSet'] as JsonObject[];
    expect(spans).toHaveLength(2);
    expect(spans[0]).toMatchObject({ minTimeStamp: stored[0], maxTimeStamp: stored[2], consumeTimeStamp: stored[0], messageQueue: { topic: 'T', queueId: 0 } });
    expect(spans[0]!['delayTime']).toBeGreaterThanOrEqual(0);
  });

  it('GET_ALL_CONSUMER_OFFSET writes fastjson bare integer queue keys', async () => {
    broker.offsets.commit('G', 'T', 1, 1);
    broker.offsets.commit('G', 'T', 0, 2);
    const response = await callProcessor(broker, RequestCode.GET_ALL_CONSUMER_OFFSET);
    expect(response.body!.toString()).toBe('{"offsetTable":{"T@G":{0:2,1:1}}}');
  });

  it('GET_ALL_DELAY_OFFSET is an empty table without a schedule service', async () => {
    const response = await callProcessor(broker, RequestCode.GET_ALL_DELAY_OFFSET);
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(response.body!.toString()).toBe('{"offsetTable":{}}');
  });
});
