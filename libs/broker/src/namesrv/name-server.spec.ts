import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteKVConfigRequestHeader,
  DeleteTopicFromNamesrvRequestHeader,
  GetKVConfigRequestHeader,
  GetKVConfigResponseHeader,
  GetKVListByNamespaceRequestHeader,
  GetRouteInfoRequestHeader,
  GetTopicsByClusterRequestHeader,
  PutKVConfigRequestHeader,
  RegisterBrokerRequestHeader,
  RegisterBrokerResponseHeader,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  UnRegisterBrokerRequestHeader,
  WipeWritePermOfBrokerRequestHeader,
  WipeWritePermOfBrokerResponseHeader,
  createTopicConfig,
  decodeClusterInfo,
  decodeKVTable,
  decodeTopicList,
  decodeTopicRouteData,
  encodeFastjson,
  encodeRegisterBrokerBody,
  encodeTopicRouteData,
  registerBrokerBodyCrc32,
  type DataVersion,
  type TopicConfig,
} from '@app/rocketmq/protocol';
import { RemotingClient } from '@app/rocketmq/remoting';
import { NameServer } from './name-server.js';
import {
  AddWritePermOfBrokerRequestHeader,
  AddWritePermOfBrokerResponseHeader,
  QueryDataVersionRequestHeader,
  QueryDataVersionResponseHeader,
  RegisterTopicRequestHeader,
} from './namesrv-headers.js';

interface BrokerSpec {
  clusterName?: string;
  brokerName?: string;
  brokerAddr?: string;
  brokerId?: number;
  haServerAddr?: string;
  topics?: TopicConfig[];
  dataVersion?: DataVersion;
  compressed?: boolean;
  /** Send exactly `topics` (an incremental single-topic registration when there is one). */
  single?: boolean;
}

/** Real brokers always register several (system) topics; a lone topic counts as an incremental registration. */
const SYSTEM_TOPIC = createTopicConfig('SELF_TEST_TOPIC', { readQueueNums: 1, writeQueueNums: 1 });

function registerRequest(spec: BrokerSpec = {}): RemotingCommand {
  const topics = spec.topics ?? [createTopicConfig('TopicA', { readQueueNums: 4, writeQueueNums: 4 })];
  if (!spec.single && !topics.some((t) => t.topicName === SYSTEM_TOPIC.topicName)) topics.push(SYSTEM_TOPIC);
  const body = encodeRegisterBrokerBody(
    {
      topicConfigSerializeWrapper: {
        topicConfigTable: Object.fromEntries(topics.map((t) => [t.topicName, t])),
        dataVersion: spec.dataVersion ?? { timestamp: 1000, counter: 1, stateVersion: 0 },
      },
      filterServerList: [],
    },
    { compressed: spec.compressed ?? false },
  );
  const header = RegisterBrokerRequestHeader.encode({
    brokerName: spec.brokerName ?? 'broker-a',
    brokerAddr: spec.brokerAddr ?? '10.0.0.1:10911',
    clusterName: spec.clusterName ?? 'DefaultCluster',
    haServerAddr: spec.haServerAddr ?? '10.0.0.1:10912',
    brokerId: spec.brokerId ?? 0,
    compressed: spec.compressed ?? false,
    bodyCrc32: registerBrokerBodyCrc32(body),
    enableActingMaster: false,
  });
  return RemotingCommand.request(RequestCode.REGISTER_BROKER, header, body);
}

describe('NameServer', () => {
  let nameServer: NameServer;
  let addr: string;
  let client: RemotingClient;
  let dir: string;

  const call = (request: RemotingCommand): Promise<RemotingCommand> => client.invoke(addr, request, 3000);
  const register = async (spec: BrokerSpec = {}, via: RemotingClient = client): Promise<RemotingCommand> => {
    const response = await via.invoke(addr, registerRequest(spec), 3000);
    return response;
  };
  const route = (topic: string, version?: number, acceptStandardJsonOnly?: boolean): Promise<RemotingCommand> => {
    const request = RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, GetRouteInfoRequestHeader.encode({ topic, acceptStandardJsonOnly }));
    if (version !== undefined) request.version = version;
    return call(request);
  };
  const clusterInfo = async () => decodeClusterInfo((await call(RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO))).body!);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'namesrv-spec-'));
    nameServer = new NameServer({ host: '127.0.0.1', port: 0, kvConfigPath: join(dir, 'kvConfig.json') });
    ({ addr } = await nameServer.start());
    client = new RemotingClient();
  });

  afterEach(async () => {
    await client.close();
    await nameServer.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe('lifecycle', () => {
    it('listens on a free port of 127.0.0.1 and reports host:port', () => {
      expect(addr).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(nameServer.addr).toBe(addr);
      expect(nameServer.started).toBe(true);
    });

    it('answers an unknown request code with REQUEST_CODE_NOT_SUPPORTED', async () => {
      const response = await call(RemotingCommand.request(9999));
      expect(response.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    });

    it('answers a request with a missing header field with SYSTEM_ERROR naming the field', async () => {
      const response = await call(RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, {}));
      expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(response.remark).toContain('topic');
    });
  });

  describe('REGISTER_BROKER', () => {
    it('registers a master from a JSON body: cluster, broker addresses and topic queues', async () => {
      const response = await register({ topics: [createTopicConfig('TopicA', { readQueueNums: 4, writeQueueNums: 2 })] });
      expect(response.code).toBe(ResponseCode.SUCCESS);
      const info = await clusterInfo();
      expect(info.clusterAddrTable).toEqual({ DefaultCluster: ['broker-a'] });
      expect(info.brokerAddrTable['broker-a']!.brokerAddrs).toEqual({ '0': '10.0.0.1:10911' });
      expect(nameServer.routes.topicQueueDatas('TopicA')).toEqual({
        'broker-a': { brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 2, perm: 6, topicSysFlag: 0 },
      });
      const live = nameServer.liveBrokers();
      expect(live).toHaveLength(1);
      expect(live[0]).toMatchObject({ brokerAddr: '10.0.0.1:10911', haServerAddr: '10.0.0.1:10912', heartbeatTimeoutMillis: 120_000 });
    });

    it('registers a master from a compressed body', async () => {
      const topics = [createTopicConfig('TopicZ', { readQueueNums: 8, writeQueueNums: 8, attributes: { '+message.type': 'NORMAL' } }), createTopicConfig('TBW102', { perm: 7 })];
      expect((await register({ compressed: true, topics })).code).toBe(ResponseCode.SUCCESS);
      expect(nameServer.routes.topicQueueDatas('TopicZ')!['broker-a']!.writeQueueNums).toBe(8);
      expect(nameServer.routes.topicQueueDatas('TBW102')!['broker-a']!.perm).toBe(7);
    });

    it('refuses a body whose crc32 does not match the header', async () => {
      const request = registerRequest();
      request.extFields!['bodyCrc32'] = String((Number(request.extFields!['bodyCrc32']) + 1) & 0x7fffffff);
      const response = await call(request);
      expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(response.remark).toBe('crc32 not match');
      expect(nameServer.liveBrokers()).toHaveLength(0);
    });

    it('re-reads the topic table only when the dataVersion changed', async () => {
      const v1 = { timestamp: 1000, counter: 1, stateVersion: 0 };
      await register({ dataVersion: v1, topics: [createTopicConfig('TopicA', { writeQueueNums: 4, readQueueNums: 4 })] });
      // same dataVersion, different queue count: ignored for a topic the broker already serves
      await register({ dataVersion: v1, topics: [createTopicConfig('TopicA', { writeQueueNums: 2, readQueueNums: 2 }), createTopicConfig('TopicB')] });
      expect(nameServer.routes.topicQueueDatas('TopicA')!['broker-a']!.writeQueueNums).toBe(4);
      // ...but a topic not yet listing this broker is still added
      expect(nameServer.routes.topicQueueDatas('TopicB')).toBeDefined();
      await register({ dataVersion: { ...v1, counter: 2 }, topics: [createTopicConfig('TopicA', { writeQueueNums: 2, readQueueNums: 2 })] });
      expect(nameServer.routes.topicQueueDatas('TopicA')!['broker-a']!.writeQueueNums).toBe(2);
      // topics missing from a registration stay (deleteTopicWithBrokerRegistration=false)
      expect(nameServer.routes.topicQueueDatas('TopicB')).toBeDefined();
    });

    it('answers a slave with its master address and HA address; the slave does not change queue data', async () => {
      await register({ brokerId: 0, brokerAddr: '10.0.0.1:10911', haServerAddr: '10.0.0.1:10912' });
      const response = await register({
        brokerId: 1,
        brokerAddr: '10.0.0.2:10911',
        haServerAddr: '10.0.0.2:10912',
        topics: [createTopicConfig('TopicA', { writeQueueNums: 1, readQueueNums: 1 }), createTopicConfig('SlaveOnly')],
        dataVersion: { timestamp: 5, counter: 9, stateVersion: 0 },
      });
      expect(response.code).toBe(ResponseCode.SUCCESS);
      expect(RegisterBrokerResponseHeader.decode(response.extFields)).toEqual({ masterAddr: '10.0.0.1:10911', haServerAddr: '10.0.0.1:10912' });
      expect(nameServer.routes.topicQueueDatas('TopicA')!['broker-a']!.writeQueueNums).toBe(4);
      expect(nameServer.routes.topicQueueDatas('SlaveOnly')).toBeUndefined();
      expect((await clusterInfo()).brokerAddrTable['broker-a']!.brokerAddrs).toEqual({ '0': '10.0.0.1:10911', '1': '10.0.0.2:10911' });
    });

    it('moves an address that re-registers under a new brokerId (slave promoted to master)', async () => {
      await register({ brokerId: 1, brokerAddr: '10.0.0.2:10911' });
      await register({ brokerId: 0, brokerAddr: '10.0.0.2:10911' });
      expect((await clusterInfo()).brokerAddrTable['broker-a']!.brokerAddrs).toEqual({ '0': '10.0.0.2:10911' });
    });

    it('refuses a single-topic registration before the broker registered in full', async () => {
      const response = await register({ topics: [createTopicConfig('OnlyOne')], single: true });
      expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(response.remark).toBe('register broker failed');
      expect(nameServer.routes.topicQueueDatas('OnlyOne')).toBeUndefined();
    });

    it('returns the ORDER_TOPIC_CONFIG namespace to the broker as a KVTable', async () => {
      expect((await register()).body).toBeUndefined();
      await call(RemotingCommand.request(RequestCode.PUT_KV_CONFIG, PutKVConfigRequestHeader.encode({ namespace: 'ORDER_TOPIC_CONFIG', key: 'TopicA', value: 'broker-a:4' })));
      const response = await register();
      expect(decodeKVTable(response.body!).table).toEqual({ TopicA: 'broker-a:4' });
    });

    it('processes a one-way registration without answering it', async () => {
      const connection = await client.connection(addr);
      await connection.invokeOneway(registerRequest({ brokerName: 'broker-oneway' }));
      await waitUntil(() => nameServer.clusterInfo().brokerAddrTable['broker-oneway'] !== undefined);
      expect(connection.inFlightCount).toBe(0);
    });
  });

  describe('QUERY_DATA_VERSION and BROKER_HEARTBEAT', () => {
    it('tells a broker whether its dataVersion changed and returns the stored one', async () => {
      const v1 = { timestamp: 1000, counter: 1, stateVersion: 0 };
      await register({ dataVersion: v1 });
      const query = (dv: DataVersion) =>
        call(
          RemotingCommand.request(
            RequestCode.QUERY_DATA_VERSION,
            QueryDataVersionRequestHeader.encode({ brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911', clusterName: 'DefaultCluster', brokerId: 0 }),
            encodeFastjson({ counter: dv.counter, stateVersion: dv.stateVersion, timestamp: dv.timestamp }),
          ),
        );
      const same = await query(v1);
      expect(QueryDataVersionResponseHeader.decode(same.extFields).changed).toBe(false);
      expect(JSON.parse(same.body!.toString())).toEqual(v1);
      const changed = await query({ ...v1, counter: 2 });
      expect(QueryDataVersionResponseHeader.decode(changed.extFields).changed).toBe(true);
    });

    it('refreshes the live timestamp on a one-way BROKER_HEARTBEAT', async () => {
      await register();
      const before = nameServer.liveBrokers()[0]!.lastUpdateTimestamp;
      await sleep(20);
      const connection = await client.connection(addr);
      await connection.invokeOneway(
        RemotingCommand.request(RequestCode.BROKER_HEARTBEAT, { clusterName: 'DefaultCluster', brokerAddr: '10.0.0.1:10911', brokerName: 'broker-a', brokerId: '0' }),
      );
      await waitUntil(() => nameServer.liveBrokers()[0]!.lastUpdateTimestamp > before);
    });
  });

  describe('GET_ROUTEINFO_BY_TOPIC', () => {
    beforeEach(async () => {
      await register({ topics: [createTopicConfig('TopicA', { readQueueNums: 4, writeQueueNums: 4 })] });
      await register({ brokerId: 1, brokerAddr: '10.0.0.2:10911' });
    });

    it('answers clients of version >= 4.9.4 (401) with standard JSON', async () => {
      const response = await route('TopicA', 409);
      expect(response.code).toBe(ResponseCode.SUCCESS);
      const parsed = JSON.parse(response.body!.toString()) as { brokerDatas: { brokerAddrs: Record<string, string> }[] };
      expect(parsed.brokerDatas[0]!.brokerAddrs).toEqual({ '0': '10.0.0.1:10911', '1': '10.0.0.2:10911' });
    });

    it('answers older clients with the legacy fastjson form (bare numeric keys) that the tolerant reader parses', async () => {
      const response = await route('TopicA', 399);
      const text = response.body!.toString();
      expect(text).toContain('"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"}');
      expect(() => JSON.parse(text)).toThrow();
      const decoded = decodeTopicRouteData(response.body!);
      expect(decoded.brokerDatas).toEqual([
        { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { '0': '10.0.0.1:10911', '1': '10.0.0.2:10911' }, enableActingMaster: false },
      ]);
      expect(decoded.queueDatas).toEqual([{ brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }]);
    });

    it('honours acceptStandardJsonOnly from an old client', async () => {
      const response = await route('TopicA', 399, true);
      expect(() => JSON.parse(response.body!.toString())).not.toThrow();
    });

    it('answers TOPIC_NOT_EXIST with Apache remark for an unknown topic', async () => {
      const response = await route('NoSuchTopic');
      expect(response.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
      expect(response.remark).toMatch(/^No topic route info in name server for the topic: NoSuchTopic\nSee https:\/\/rocketmq\.apache\.org\/docs/);
    });

    it('adds orderTopicConf only when orderMessageEnable is set', async () => {
      await call(RemotingCommand.request(RequestCode.PUT_KV_CONFIG, PutKVConfigRequestHeader.encode({ namespace: 'ORDER_TOPIC_CONFIG', key: 'TopicA', value: 'broker-a:2' })));
      expect(decodeTopicRouteData((await route('TopicA')).body!).orderTopicConf).toBeUndefined();
      const ordered = new NameServer({ orderMessageEnable: true });
      const { addr: orderedAddr } = await ordered.start();
      try {
        await client.invoke(orderedAddr, registerRequest(), 3000);
        await client.invoke(orderedAddr, RemotingCommand.request(RequestCode.PUT_KV_CONFIG, PutKVConfigRequestHeader.encode({ namespace: 'ORDER_TOPIC_CONFIG', key: 'TopicA', value: 'broker-a:2' })), 3000);
        const response = await client.invoke(orderedAddr, RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicA' }), 3000);
        expect(decodeTopicRouteData(response.body!).orderTopicConf).toBe('broker-a:2');
      } finally {
        await client.closeConnection(orderedAddr);
        await ordered.stop();
      }
    });
  });

  describe('liveness', () => {
    it('drops a broker not heard from within the expiry time', async () => {
      const fast = new NameServer({ brokerExpiryMs: 200, scanIntervalMs: 50 });
      const { addr: fastAddr } = await fast.start();
      const broker = new RemotingClient();
      try {
        expect((await broker.invoke(fastAddr, registerRequest(), 3000)).code).toBe(ResponseCode.SUCCESS);
        expect(fast.routes.topicQueueDatas('TopicA')).toBeDefined();
        await waitUntil(() => fast.liveBrokers().length === 0, 3000);
        expect(fast.clusterInfo()).toEqual({ brokerAddrTable: {}, clusterAddrTable: {} });
        expect(fast.routes.topicQueueDatas('TopicA')).toBeUndefined();
      } finally {
        await broker.close();
        await fast.stop();
      }
    });

    it('keeps a broker that re-registers in time', async () => {
      const fast = new NameServer({ brokerExpiryMs: 600, scanIntervalMs: 50 });
      const { addr: fastAddr } = await fast.start();
      const broker = new RemotingClient();
      try {
        for (let i = 0; i < 12; i++) {
          await broker.invoke(fastAddr, registerRequest(), 3000);
          await sleep(100);
        }
        expect(fast.liveBrokers()).toHaveLength(1);
      } finally {
        await broker.close();
        await fast.stop();
      }
    });

    it('unregisters the brokers of a connection as soon as it closes', async () => {
      const broker = new RemotingClient();
      await register({ brokerName: 'broker-b', brokerAddr: '10.0.0.9:10911' }, broker);
      await register({ brokerName: 'broker-a' });
      expect(Object.keys(nameServer.clusterInfo().brokerAddrTable).sort()).toEqual(['broker-a', 'broker-b']);
      await broker.close();
      await waitUntil(() => nameServer.clusterInfo().brokerAddrTable['broker-b'] === undefined);
      expect(Object.keys(nameServer.clusterInfo().brokerAddrTable)).toEqual(['broker-a']);
    });
  });

  describe('UNREGISTER_BROKER', () => {
    const unregister = (brokerId: number, brokerAddr: string) =>
      call(RemotingCommand.request(RequestCode.UNREGISTER_BROKER, UnRegisterBrokerRequestHeader.encode({ brokerName: 'broker-a', brokerAddr, clusterName: 'DefaultCluster', brokerId })));

    it('removes the master but keeps the routes while a slave remains, then removes everything', async () => {
      await register();
      await register({ brokerId: 1, brokerAddr: '10.0.0.2:10911' });
      expect((await unregister(0, '10.0.0.1:10911')).code).toBe(ResponseCode.SUCCESS);
      expect(nameServer.clusterInfo().brokerAddrTable['broker-a']!.brokerAddrs).toEqual({ '1': '10.0.0.2:10911' });
      expect((await route('TopicA')).code).toBe(ResponseCode.SUCCESS);
      await unregister(1, '10.0.0.2:10911');
      expect(await clusterInfo()).toEqual({ brokerAddrTable: {}, clusterAddrTable: {} });
      expect((await route('TopicA')).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
      expect(nameServer.liveBrokers()).toHaveLength(0);
    });
  });

  describe('write permission', () => {
    it('wipes and restores the write permission of a broker on all its topics', async () => {
      await register({ topics: [createTopicConfig('T1'), createTopicConfig('T2'), createTopicConfig('T3', { perm: 4 })] });
      const wiped = await call(RemotingCommand.request(RequestCode.WIPE_WRITE_PERM_OF_BROKER, WipeWritePermOfBrokerRequestHeader.encode({ brokerName: 'broker-a' })));
      expect(WipeWritePermOfBrokerResponseHeader.decode(wiped.extFields).wipeTopicCount).toBe(4);
      expect(nameServer.routes.topicQueueDatas('T1')!['broker-a']!.perm).toBe(4);
      const route1 = decodeTopicRouteData((await route('T1')).body!);
      expect(route1.queueDatas[0]!.perm).toBe(4);
      const added = await call(RemotingCommand.request(RequestCode.ADD_WRITE_PERM_OF_BROKER, AddWritePermOfBrokerRequestHeader.encode({ brokerName: 'broker-a' })));
      expect(AddWritePermOfBrokerResponseHeader.decode(added.extFields).addTopicCount).toBe(4);
      expect(nameServer.routes.topicQueueDatas('T3')!['broker-a']!.perm).toBe(6);
    });
  });

  describe('topic administration', () => {
    beforeEach(async () => {
      await register({ brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911', topics: [createTopicConfig('Shared'), createTopicConfig('OnlyA')] });
      await register({ clusterName: 'Other', brokerName: 'broker-x', brokerAddr: '10.0.1.1:10911', topics: [createTopicConfig('Shared'), createTopicConfig('OnlyX')] });
    });

    it('deletes a topic from one cluster only, then everywhere', async () => {
      const del = (clusterName?: string) =>
        call(RemotingCommand.request(RequestCode.DELETE_TOPIC_IN_NAMESRV, DeleteTopicFromNamesrvRequestHeader.encode({ topic: 'Shared', clusterName })));
      expect((await del('Other')).code).toBe(ResponseCode.SUCCESS);
      expect(Object.keys(nameServer.routes.topicQueueDatas('Shared')!)).toEqual(['broker-a']);
      await del();
      expect((await route('Shared')).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    });

    it('lists all topics, topics by cluster and system topics', async () => {
      const all = decodeTopicList((await call(RemotingCommand.request(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER))).body!);
      expect(all.topicList.sort()).toEqual(['OnlyA', 'OnlyX', 'SELF_TEST_TOPIC', 'Shared']);
      const byCluster = decodeTopicList(
        (await call(RemotingCommand.request(RequestCode.GET_TOPICS_BY_CLUSTER, GetTopicsByClusterRequestHeader.encode({ cluster: 'Other' })))).body!,
      );
      expect(byCluster.topicList.sort()).toEqual(['OnlyX', 'SELF_TEST_TOPIC', 'Shared']);
      const unknown = decodeTopicList(
        (await call(RemotingCommand.request(RequestCode.GET_TOPICS_BY_CLUSTER, GetTopicsByClusterRequestHeader.encode({ cluster: 'Nope' })))).body!,
      );
      expect(unknown.topicList).toEqual([]);
      const system = decodeTopicList((await call(RemotingCommand.request(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS))).body!);
      expect(system.topicList.sort()).toEqual(['DefaultCluster', 'Other', 'broker-a', 'broker-x']);
      expect(system.brokerAddr).toMatch(/^10\.0\./);
      const unit = decodeTopicList((await call(RemotingCommand.request(RequestCode.GET_UNIT_TOPIC_LIST))).body!);
      expect(unit.topicList).toEqual([]);
    });

    it('registers a topic route from an admin tool (REGISTER_TOPIC_IN_NAMESRV) on known brokers only', async () => {
      const body = encodeTopicRouteData({
        queueDatas: [{ brokerName: 'broker-a', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 }],
        brokerDatas: [],
        filterServerTable: {},
      });
      const ok = await call(RemotingCommand.request(RequestCode.REGISTER_TOPIC_IN_NAMESRV, RegisterTopicRequestHeader.encode({ topic: 'AdminTopic' }), body));
      expect(ok.code).toBe(ResponseCode.SUCCESS);
      expect(decodeTopicRouteData((await route('AdminTopic')).body!).queueDatas[0]!.writeQueueNums).toBe(2);
      const unknownBroker = encodeTopicRouteData({
        queueDatas: [{ brokerName: 'broker-zz', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 }],
        brokerDatas: [],
        filterServerTable: {},
      });
      await call(RemotingCommand.request(RequestCode.REGISTER_TOPIC_IN_NAMESRV, RegisterTopicRequestHeader.encode({ topic: 'Ghost' }), unknownBroker));
      expect((await route('Ghost')).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    });
  });

  describe('GET_BROKER_CLUSTER_INFO', () => {
    it('writes brokerAddrs with bare numeric keys, as Java admin tools expect', async () => {
      await register();
      await register({ brokerId: 1, brokerAddr: '10.0.0.2:10911' });
      const response = await call(RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO));
      const text = response.body!.toString();
      expect(text).toContain('{0:"10.0.0.1:10911",1:"10.0.0.2:10911"}');
      expect(decodeClusterInfo(response.body!)).toEqual({
        brokerAddrTable: {
          'broker-a': { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { '0': '10.0.0.1:10911', '1': '10.0.0.2:10911' }, enableActingMaster: false },
        },
        clusterAddrTable: { DefaultCluster: ['broker-a'] },
      });
    });
  });

  describe('KV config', () => {
    const put = (namespace: string, key: string, value: string) =>
      call(RemotingCommand.request(RequestCode.PUT_KV_CONFIG, PutKVConfigRequestHeader.encode({ namespace, key, value })));
    const get = (namespace: string, key: string) => call(RemotingCommand.request(RequestCode.GET_KV_CONFIG, GetKVConfigRequestHeader.encode({ namespace, key })));

    it('puts, gets, lists and deletes entries, answering QUERY_NOT_FOUND for missing ones', async () => {
      expect((await put('NS', 'k1', 'v1')).code).toBe(ResponseCode.SUCCESS);
      await put('NS', 'k2', 'v2');
      const got = await get('NS', 'k1');
      expect(GetKVConfigResponseHeader.decode(got.extFields).value).toBe('v1');
      const missing = await get('NS', 'nope');
      expect(missing.code).toBe(ResponseCode.QUERY_NOT_FOUND);
      expect(missing.remark).toBe('No config item, Namespace: NS Key: nope');
      const list = await call(RemotingCommand.request(RequestCode.GET_KVLIST_BY_NAMESPACE, GetKVListByNamespaceRequestHeader.encode({ namespace: 'NS' })));
      expect(decodeKVTable(list.body!).table).toEqual({ k1: 'v1', k2: 'v2' });
      await call(RemotingCommand.request(RequestCode.DELETE_KV_CONFIG, DeleteKVConfigRequestHeader.encode({ namespace: 'NS', key: 'k1' })));
      expect((await get('NS', 'k1')).code).toBe(ResponseCode.QUERY_NOT_FOUND);
      const none = await call(RemotingCommand.request(RequestCode.GET_KVLIST_BY_NAMESPACE, GetKVListByNamespaceRequestHeader.encode({ namespace: 'Empty' })));
      expect(none.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    });

    it('persists the KV config in Java format and reloads it after a restart', async () => {
      await put('ORDER_TOPIC_CONFIG', 'TopicA', 'broker-a:4');
      await put('NS', 'key', 'välue');
      const file = JSON.parse(await readFile(join(dir, 'kvConfig.json'), 'utf8')) as unknown;
      expect(file).toEqual({ configTable: { ORDER_TOPIC_CONFIG: { TopicA: 'broker-a:4' }, NS: { key: 'välue' } } });
      await client.close();
      await nameServer.stop();
      nameServer = new NameServer({ kvConfigPath: join(dir, 'kvConfig.json') });
      ({ addr } = await nameServer.start());
      client = new RemotingClient();
      expect(GetKVConfigResponseHeader.decode((await get('NS', 'key')).extFields).value).toBe('välue');
      expect(nameServer.kvConfig.snapshot()).toEqual({ ORDER_TOPIC_CONFIG: { TopicA: 'broker-a:4' }, NS: { key: 'välue' } });
    });
  });

  describe('GET_NAMESRV_CONFIG / UPDATE_NAMESRV_CONFIG', () => {
    it('returns the settings as properties text and updates them at run time', async () => {
      const before = (await call(RemotingCommand.request(RequestCode.GET_NAMESRV_CONFIG))).body!.toString();
      expect(before).toContain('orderMessageEnable=false\n');
      expect(before).toContain(`listenPort=${addr.split(':')[1]}\n`);
      const update = await call(RemotingCommand.request(RequestCode.UPDATE_NAMESRV_CONFIG, undefined, Buffer.from('orderMessageEnable=true\nenableAllTopicList=false\n')));
      expect(update.code).toBe(ResponseCode.SUCCESS);
      expect(nameServer.settings.orderMessageEnable).toBe(true);
      const disabled = await call(RemotingCommand.request(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER));
      expect(disabled.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(disabled.remark).toBe('disable');
    });

    it('refuses black-listed keys with NO_PERMISSION and changes nothing', async () => {
      const update = await call(
        RemotingCommand.request(RequestCode.UPDATE_NAMESRV_CONFIG, undefined, Buffer.from('orderMessageEnable=true\nkvConfigPath=/tmp/evil.json\n')),
      );
      expect(update.code).toBe(ResponseCode.NO_PERMISSION);
      expect(nameServer.settings.orderMessageEnable).toBe(false);
    });
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}
