import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { decodeKVTable, RequestCode, ResponseCode } from '@app/rocketmq/protocol';
import { testMessage } from '../../store/test-fixtures.js';
import { installAdminFeatures } from '../admin-features.js';
import { callProcessor, createTestBroker, type TestBroker } from './admin-test-kit.js';
import type { BrokerStats } from './broker-stats.js';
import { humanReadableByteCount } from './runtime-info.js';

describe('broker information', () => {
  let broker: TestBroker;
  let stats: BrokerStats;
  let clock: number;
  beforeEach(async () => {
    broker = await createTestBroker();
    clock = Date.now();
    stats = installAdminFeatures(broker.ctx, { now: () => clock, delayOffsets: () => new Map([[1, 4], [2, 0]]) })[0] as BrokerStats;
    stats.start();
  });
  afterEach(async () => {
    stats.stop();
    await broker.close();
  });

  describe('GET_BROKER_RUNTIME_INFO', () => {
    it('reports the keys mqadmin clusterList and brokerStatus read', async () => {
      const first = await broker.store.putMessage(testMessage('T', 0, 'a'));
      await broker.store.putMessage(testMessage('T', 0, 'b'));
      const table = decodeKVTable((await callProcessor(broker, RequestCode.GET_BROKER_RUNTIME_INFO)).body!).table;
      expect(table).toMatchObject({
        brokerVersionDesc: 'V5_3_3',
        brokerVersion: '479',
        brokerActive: 'true',
        msgPutTotalTodayNow: '2',
        msgGetTotalTodayNow: '0',
        commitLogMinOffset: '0',
        sendThreadPoolQueueSize: '0',
        pullThreadPoolQueueHeadWaitTimeMills: '0',
        pageCacheLockTimeMills: '0',
        dispatchBehindBytes: '0',
        earliestMessageTimeStamp: String(first.storeTimestamp),
        scheduleMessageOffset_1: '4,0',
        timerReadBehind: '0',
      });
      expect(Number(table['commitLogMaxOffset'])).toBeGreaterThan(0);
      expect(table['putTps']).toMatch(/^\d+\.\d\d \d+\.\d\d \d+\.\d\d$/);
      expect(table['getTransferredTps']).toMatch(/^\d+\.\d\d \d+\.\d\d \d+\.\d\d$/);
      expect(table['getTransferedTps']).toBe(table['getTransferredTps']);
      expect(Number(table['commitLogDiskRatio'])).toBeGreaterThan(0);
      expect(Number(table['commitLogDiskRatio'])).toBeLessThan(1);
      expect(table['runtime']).toMatch(/^\[ 0 days, 0 hours, 0 minutes, \d+ seconds \]$/);
      expect(table['bootTimestamp']).toBe(String(stats.bootTimestamp));
    });

    it('reports earliestMessageTimeStamp -1 on an empty store, as Apache does', async () => {
      const table = decodeKVTable((await callProcessor(broker, RequestCode.GET_BROKER_RUNTIME_INFO)).body!).table;
      expect(table['earliestMessageTimeStamp']).toBe('-1');
    });
  });

  describe('statistics', () => {
    it('computes put TPS over the sampled window and consumed messages from committed offsets', async () => {
      broker.topics.createSystemTopic('T', 1, 6);
      for (let i = 0; i < 20; i++) await broker.store.putMessage(testMessage('T', 0, `m${i}`));
      clock += 10_000;
      broker.offsets.commit('G', 'T', 0, 15);
      stats.sample();
      expect(stats.tps('put', 10)).toBeCloseTo(2, 5);
      expect(stats.getTotals.now).toBe(15);
      expect(stats.tps('consumed', 10)).toBeCloseTo(1.5, 5);
    });

    it('formats byte counts as Java humanReadableByteCount does', () => {
      expect(humanReadableByteCount(512)).toBe('512 B');
      expect(humanReadableByteCount(1536)).toBe('1.5 KiB');
      expect(humanReadableByteCount(5 * 1024 ** 3)).toBe('5.0 GiB');
    });
  });

  describe('broker config', () => {
    it('GET_BROKER_CONFIG returns the settings as properties text with a data version header', async () => {
      const response = await callProcessor(broker, RequestCode.GET_BROKER_CONFIG);
      const text = response.body!.toString('utf8');
      expect(text).toContain('brokerName=broker-a\n');
      expect(text).toContain('autoCreateTopicEnable=true\n');
      expect(JSON.parse(response.extFields!['version']!)).toMatchObject({ counter: 0 });
    });

    it('UPDATE_BROKER_CONFIG applies known keys with their types and asks for a registration on brokerPermission', async () => {
      const body = Buffer.from('autoCreateTopicEnable=false\nbrokerPermission=4\nnoSuchKey=1\nmaxMessageSize=oops\n');
      const response = await callProcessor(broker, RequestCode.UPDATE_BROKER_CONFIG, undefined, body);
      expect(response.code).toBe(ResponseCode.SUCCESS);
      expect(broker.ctx.config.autoCreateTopicEnable).toBe(false);
      expect(broker.ctx.config.brokerPermission).toBe(4);
      expect(broker.ctx.config.maxMessageSize).toBe(4 * 1024 * 1024);
      expect(broker.registrations()).toBe(1);
      const after = await callProcessor(broker, RequestCode.GET_BROKER_CONFIG);
      expect(JSON.parse(after.extFields!['version']!)).toMatchObject({ counter: 1 });
    });

    it('refuses keys that cannot change while the broker runs', async () => {
      const response = await callProcessor(broker, RequestCode.UPDATE_BROKER_CONFIG, undefined, Buffer.from('storePathRootDir=/tmp/x'));
      expect(response.code).toBe(ResponseCode.NO_PERMISSION);
      expect(response.remark).toBe('Can not update config in black list.');
    });
  });
});
