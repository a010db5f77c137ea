import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { decodeTopicConfig, decodeTopicConfigSerializeWrapper, decodeTopicList, PermName, RequestCode, ResponseCode } from '@app/rocketmq/protocol';
import { installAdminFeatures } from '../admin-features.js';
import { callProcessor, createTestBroker, type TestBroker } from './admin-test-kit.js';
import { applyAttributeChanges } from './topic-processors.js';
import { testMessage } from '../../store/test-fixtures.js';

const createTopicExt = (topic: string, extra: Record<string, string> = {}) => ({
  topic,
  defaultTopic: 'TBW102',
  readQueueNums: '4',
  writeQueueNums: '4',
  perm: '6',
  topicFilterType: 'SINGLE_TAG',
  topicSysFlag: '0',
  order: 'false',
  ...extra,
});

describe('topic administration', () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await createTestBroker();
    installAdminFeatures(broker.ctx);
  });
  afterEach(() => broker.close());

  describe('UPDATE_AND_CREATE_TOPIC', () => {
    it('creates a topic with its queues, perm and order flag and asks for a registration', async () => {
      const response = await callProcessor(broker, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicExt('Orders', { order: 'true', perm: '4', readQueueNums: '8', writeQueueNums: '2', attributes: '+message.type=FIFO' }));
      expect(response.code).toBe(ResponseCode.SUCCESS);
      expect(response.opaque).toBe(4242);
      expect(broker.topics.get('Orders')).toEqual({
        topicName: 'Orders',
        readQueueNums: 8,
        writeQueueNums: 2,
        perm: PermName.READ,
        topicFilterType: 'SINGLE_TAG',
        topicSysFlag: 0,
        order: true,
        attributes: { 'message.type': 'FIFO' },
      });
      expect(broker.registrations()).toBe(1);
    });

    it('is idempotent: the same config again changes nothing and registers nothing', async () => {
      await callProcessor(broker, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicExt('T'));
      const version = broker.topics.dataVersion;
      const again = await callProcessor(broker, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicExt('T'));
      expect(again.code).toBe(ResponseCode.SUCCESS);
      expect(broker.topics.dataVersion).toBe(version);
      expect(broker.registrations()).toBe(1);
    });

    it('refuses illegal names and system topics with Apache remarks', async () => {
      const bad = await callProcessor(broker, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicExt('a b'));
      expect(bad.code).toBe(ResponseCode.INVALID_PARAMETER);
      expect(bad.remark).toBe('The specified topic: a b, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$');
      const long = await callProcessor(broker, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicExt('x'.repeat(128)));
      expect(long.remark).toContain('is longer than topic max length: 127');
      for (const topic of ['TBW102', 'SCHEDULE_TOPIC_XXXX', 'rmq_sys_anything', 'DefaultCluster', 'broker-a']) {
        const sys = await callProcessor(broker, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicExt(topic));
        expect(sys.code).toBe(ResponseCode.INVALID_PARAMETER);
        expect(sys.remark).toBe(`The topic[${topic}] is conflict with system topic.`);
      }
      expect(broker.topics.all()).toHaveLength(0);
    });

    it('refuses out-of-range queue numbers and perms, unknown filter types and MIXED message types', async () => {
      for (const extra of [{ readQueueNums: '-1' }, { writeQueueNums: '70000' }, { perm: '16' }, { topicFilterType: 'SQL' }, { attributes: '+message.type=MIXED' }, { attributes: 'message.type' }] as Record<string, string>[]) {
        const response = await callProcessor(broker, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicExt('T', extra));
        expect(response.code).toBe(ResponseCode.INVALID_PARAMETER);
      }
    });

    it('reports a missing required header field as a system error naming it', async () => {
      await expect(callProcessor(broker, RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'T' })).rejects.toThrow(/defaultTopic/);
    });
  });

  describe('attribute changes', () => {
    it('adds with +key=value and removes with -key', () => {
      expect(applyAttributeChanges({ a: '1', b: '2' }, '+c=3,-a')).toEqual({ b: '2', c: '3' });
      expect(applyAttributeChanges({}, '+x')).toMatch(/format error/);
    });
  });

  describe('DELETE_TOPIC_IN_BROKER', () => {
    it('removes the config, the store queues and every group offset of the topic', async () => {
      await callProcessor(broker, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicExt('Gone'));
      await broker.store.putMessage(testMessage('Gone', 0, 'x'));
      broker.offsets.commit('g1', 'Gone', 0, 1);
      broker.offsets.commit('g1', 'Kept', 0, 3);
      const response = await callProcessor(broker, RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'Gone' });
      expect(response.code).toBe(ResponseCode.SUCCESS);
      expect(broker.topics.get('Gone')).toBeUndefined();
      expect(broker.store.topics()).not.toContain('Gone');
      expect(broker.offsets.topicsOf('g1')).toEqual(['Kept']);
    });

    it('refuses system topics', async () => {
      const response = await callProcessor(broker, RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'RMQ_SYS_TRACE_TOPIC' });
      expect(response.code).toBe(ResponseCode.INVALID_PARAMETER);
    });
  });

  describe('topic configs', () => {
    it('GET_ALL_TOPIC_CONFIG returns every topic with the data version', async () => {
      await callProcessor(broker, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicExt('A'));
      await callProcessor(broker, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicExt('B', { order: 'true' }));
      const response = await callProcessor(broker, RequestCode.GET_ALL_TOPIC_CONFIG);
      const wrapper = decodeTopicConfigSerializeWrapper(response.body!);
      expect(Object.keys(wrapper.topicConfigTable).sort()).toEqual(['A', 'B']);
      expect(wrapper.topicConfigTable['B']!.order).toBe(true);
      expect(wrapper.dataVersion).toEqual(broker.topics.dataVersion);
    });

    it('GET_TOPIC_CONFIG returns one topic or TOPIC_NOT_EXIST', async () => {
      await callProcessor(broker, RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicExt('A'));
      const found = await callProcessor(broker, RequestCode.GET_TOPIC_CONFIG, { topic: 'A' });
      expect(decodeTopicConfig(found.body!).readQueueNums).toBe(4);
      const missing = await callProcessor(broker, RequestCode.GET_TOPIC_CONFIG, { topic: 'Nope' });
      expect(missing.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
      expect(missing.remark).toBe('No topic in this broker. topic: Nope');
    });

    it('GET_SYSTEM_TOPIC_LIST_FROM_BROKER lists the system topics, cluster and broker names included', async () => {
      const response = await callProcessor(broker, RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER);
      const list = decodeTopicList(response.body!).topicList;
      expect(list).toEqual(expect.arrayContaining(['TBW102', 'SCHEDULE_TOPIC_XXXX', 'RMQ_SYS_TRACE_TOPIC', 'DefaultCluster', 'broker-a']));
    });
  });
});
