import { beforeEach, describe, expect, it } from '@jest/globals';
import { createTopicConfig, type DataVersion, type TopicConfig } from '@app/rocketmq/protocol';
import { defaultNamesrvConfig, type NamesrvConfig } from './namesrv-config.js';
import { RouteInfoManager, type BrokerChannel, type RegisterBrokerInput } from './route-info-manager.js';

/** The registry alone, with a hand-driven clock: the REGISTER_BROKER rules without sockets. */
describe('RouteInfoManager', () => {
  let now: number;
  let config: NamesrvConfig;
  let routes: RouteInfoManager;

  const dv = (counter: number, stateVersion = 0): DataVersion => ({ timestamp: 1000 + counter, counter, stateVersion });
  const register = (overrides: Partial<RegisterBrokerInput> & { topics?: TopicConfig[]; dataVersion?: DataVersion } = {}) => {
    const { topics, dataVersion, ...rest } = overrides;
    const list = topics ?? [createTopicConfig('TopicA', { readQueueNums: 4, writeQueueNums: 4 }), createTopicConfig('TBW102', { perm: 7 })];
    return routes.registerBroker({
      clusterName: 'C',
      brokerAddr: '10.0.0.1:10911',
      brokerName: 'broker-a',
      brokerId: 0,
      haServerAddr: '10.0.0.1:10912',
      enableActingMaster: false,
      topicConfigWrapper: { topicConfigTable: Object.fromEntries(list.map((t) => [t.topicName, t])), dataVersion: dataVersion ?? dv(1) },
      filterServerList: [],
      ...rest,
    });
  };

  beforeEach(() => {
    now = 1_000_000;
    config = defaultNamesrvConfig();
    routes = new RouteInfoManager({ config, now: () => now });
  });

  describe('registration', () => {
    it('accepts an incremental single-topic registration once the broker registered in full', () => {
      expect(register({ topics: [createTopicConfig('New')], dataVersion: dv(1) })).toBeUndefined();
      expect(register()).toEqual({});
      expect(register({ topics: [createTopicConfig('New')], dataVersion: dv(2) })).toEqual({});
      expect(routes.topicQueueDatas('New')).toBeDefined();
    });

    it('ignores a registration for a taken brokerId whose stateVersion is lower than the holder', () => {
      register({ brokerAddr: '10.0.0.1:10911', dataVersion: dv(1, 5) });
      register({ brokerAddr: '10.0.0.7:10911', dataVersion: dv(1, 3) });
      expect(routes.getAllClusterInfo().brokerAddrTable['broker-a']!.brokerAddrs).toEqual({ '0': '10.0.0.1:10911' });
      expect(routes.liveBrokers().map((l) => l.brokerAddr)).toEqual(['10.0.0.1:10911']);
      register({ brokerAddr: '10.0.0.7:10911', dataVersion: dv(1, 9) });
      expect(routes.getAllClusterInfo().brokerAddrTable['broker-a']!.brokerAddrs).toEqual({ '0': '10.0.0.7:10911' });
    });

    it('with deleteTopicWithBrokerRegistration, drops the topics a master no longer lists', () => {
      config.deleteTopicWithBrokerRegistration = true;
      register({ topics: [createTopicConfig('Keep'), createTopicConfig('Drop')] });
      register({ topics: [createTopicConfig('Keep'), createTopicConfig('Other')], dataVersion: dv(2) });
      expect(routes.getAllTopicList().sort()).toEqual(['Keep', 'Other']);
    });

    it('lets a 5.x prime slave (lowest id, no master) update queue data, read-only when acting master is on', () => {
      register({ brokerId: 1, brokerAddr: '10.0.0.2:10911', enableActingMaster: true, topics: [createTopicConfig('T1'), createTopicConfig('T2')] });
      expect(routes.topicQueueDatas('T1')!['broker-a']!.perm).toBe(4);
      register({ brokerId: 2, brokerAddr: '10.0.0.3:10911', enableActingMaster: true, topics: [createTopicConfig('T3'), createTopicConfig('T4')] });
      expect(routes.topicQueueDatas('T3')).toBeUndefined();
    });

    it('never lets a pre-5.0 slave (no enableActingMaster header) change queue data', () => {
      register({ brokerId: 1, brokerAddr: '10.0.0.2:10911', enableActingMaster: undefined, topics: [createTopicConfig('T1'), createTopicConfig('T2')] });
      expect(routes.getAllTopicList()).toEqual([]);
    });

    it('keeps the 5.x static-topic mapping of a topic and puts it into the route', () => {
      routes.registerBroker({
        clusterName: 'C',
        brokerAddr: '10.0.0.1:10911',
        brokerName: 'broker-a',
        brokerId: 0,
        haServerAddr: '',
        topicConfigWrapper: {
          topicConfigTable: { S: createTopicConfig('S'), X: createTopicConfig('X') },
          dataVersion: dv(1),
          topicQueueMappingInfoMap: { S: { bname: 'broker-a', topic: 'S', totalQueues: 8, epoch: 1 } },
        },
      });
      expect(routes.pickupTopicRouteData('S')!.topicQueueMappingByBroker).toEqual({ 'broker-a': { bname: 'broker-a', topic: 'S', totalQueues: 8, epoch: 1 } });
    });
  });

  describe('liveness', () => {
    it('expires a broker after its heartbeat timeout and closes its channel', () => {
      let closed = 0;
      const channel: BrokerChannel = { close: () => closed++ };
      register({ channel });
      register({ brokerName: 'broker-b', brokerAddr: '10.0.0.5:10911', heartbeatTimeoutMillis: 10_000 });
      now += 10_001;
      expect(routes.scanNotActiveBrokers()).toEqual(['10.0.0.5:10911']);
      now += 109_999; // exactly 120 s since the registration: not yet expired
      expect(routes.scanNotActiveBrokers()).toEqual([]);
      now += 1;
      expect(routes.scanNotActiveBrokers()).toEqual(['10.0.0.1:10911']);
      expect(closed).toBe(1);
      expect(routes.getAllClusterInfo()).toEqual({ brokerAddrTable: {}, clusterAddrTable: {} });
      expect(routes.getAllTopicList()).toEqual([]);
    });

    it('counts a heartbeat as a sign of life', () => {
      register();
      now += 100_000;
      routes.updateBrokerInfoUpdateTimestamp('C', '10.0.0.1:10911');
      now += 100_000;
      expect(routes.scanNotActiveBrokers()).toEqual([]);
    });

    it('unregisters only the brokers bound to a closed channel', () => {
      const a: BrokerChannel = { close: () => undefined };
      const b: BrokerChannel = { close: () => undefined };
      register({ channel: a });
      register({ brokerName: 'broker-b', brokerAddr: '10.0.0.5:10911', channel: b });
      routes.onChannelDestroy(b);
      expect(Object.keys(routes.getAllClusterInfo().brokerAddrTable)).toEqual(['broker-a']);
    });

    it('wipes the write permission of a broker group left without master when acting master is on', () => {
      register({ enableActingMaster: true });
      register({ brokerId: 1, brokerAddr: '10.0.0.2:10911', enableActingMaster: true });
      routes.unregisterBroker({ clusterName: 'C', brokerAddr: '10.0.0.1:10911', brokerName: 'broker-a', brokerId: 0 });
      expect(routes.topicQueueDatas('TopicA')!['broker-a']!.perm).toBe(4);
    });
  });

  describe('routes', () => {
    it('presents the lowest-id slave as master of a read-only group when supportActingMaster is on', () => {
      config.supportActingMaster = true;
      register({ enableActingMaster: true });
      register({ brokerId: 1, brokerAddr: '10.0.0.2:10911', enableActingMaster: true });
      routes.unregisterBroker({ clusterName: 'C', brokerAddr: '10.0.0.1:10911', brokerName: 'broker-a', brokerId: 0 });
      expect(routes.pickupTopicRouteData('TopicA')!.brokerDatas[0]!.brokerAddrs).toEqual({ '0': '10.0.0.2:10911' });
    });

    it('lists unit topics by the sysFlag of their queue data', () => {
      register({ topics: [createTopicConfig('U', { topicSysFlag: 1 }), createTopicConfig('US', { topicSysFlag: 2 }), createTopicConfig('N')] });
      expect(routes.getUnitTopics()).toEqual(['U']);
      expect(routes.getHasUnitSubTopicList()).toEqual(['US']);
      expect(routes.getHasUnitSubUnUnitTopicList()).toEqual(['US']);
    });

    it('returns copies: editing a route does not change the registry', () => {
      register();
      const route = routes.pickupTopicRouteData('TopicA')!;
      route.queueDatas[0]!.perm = 0;
      route.brokerDatas[0]!.brokerAddrs['0'] = 'x';
      expect(routes.pickupTopicRouteData('TopicA')!.queueDatas[0]!.perm).toBe(6);
      expect(routes.pickupTopicRouteData('TopicA')!.brokerDatas[0]!.brokerAddrs['0']).toBe('10.0.0.1:10911');
    });
  });
});
