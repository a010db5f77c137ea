import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  buildSubscriptionData,
  createOffsetMessageId,
  decodeResetOffsetBody,
  decodeStoredMessage,
  encodeConsumerRunningInfo,
  createConsumerRunningInfo,
  decodeConsumerRunningInfo,
  decodeGroupList,
  decodeTopicList,
  parseFastjson,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  type JsonObject,
} from '@app/rocketmq/protocol';
import { RemotingConnection, RemotingServer, type RequestHandler } from '@app/rocketmq/remoting';
import { decodeConsumerConnection } from '@app/rocketmq/client/admin/consumer-connection.js';
import { testMessage, TEST_STORE_HOST } from '../../store/test-fixtures.js';
import { installAdminFeatures } from '../admin-features.js';
import { createTestBroker, type TestBroker } from './admin-test-kit.js';
import { AdminRequestCode } from './topic-names.js';

describe('consumer administration', () => {
  let broker: TestBroker;
  let server: RemotingServer;
  let addr: string;
  const open: RemotingConnection[] = [];

  beforeEach(async () => {
    broker = await createTestBroker();
    installAdminFeatures(broker.ctx, { consumerCallTimeoutMs: 300 });
    server = new RemotingServer();
    for (const [code, handler] of broker.processors) server.registerProcessor(code, handler);
    addr = `127.0.0.1:${(await server.listen()).port}`;
    broker.topics.createSystemTopic('T', 2, 6);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await server.close();
    await broker.close();
  });

  /** A consumer client: its connection serves the broker's requests; returns the broker-side connection. */
  async function consumer(clientId: string, onRequest: RequestHandler, extra: { language?: string; version?: number } = {}): Promise<RemotingConnection> {
    const before = new Set(server.activeConnections);
    open.push(await RemotingConnection.connect(addr, { onRequest }));
    let serverSide: RemotingConnection | undefined;
    while (!serverSide) {
      serverSide = [...server.activeConnections].find((c) => !before.has(c));
      if (!serverSide) await new Promise((r) => setTimeout(r, 5));
    }
    broker.clients.addConsumer({ group: 'G', clientId, connection: serverSide, subscriptions: [buildSubscriptionData('T', 'tagA')], ...extra });
    return serverSide;
  }

  async function admin(code: number, ext: Record<string, string>, body?: Buffer): Promise<RemotingCommand> {
    const connection = await RemotingConnection.connect(addr);
    open.push(connection);
    return connection.invoke(RemotingCommand.request(code, ext, body), 3000);
  }

  it('GET_CONSUMER_CONNECTION_LIST describes the online clients and their subscriptions', async () => {
    await consumer('10.0.0.1@c1', () => undefined);
    const response = await admin(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'G' });
    const body = decodeConsumerConnection(response.body!);
    expect(body.connections).toEqual([expect.objectContaining({ clientId: '10.0.0.1@c1', language: 'JAVA', version: 409 })]);
    expect(body.connections[0]!.clientAddr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(body.subscriptions['T']!.subString).toBe('tagA');
    expect(body.consumeType).toBe('CONSUME_PASSIVELY');
    const offline = await admin(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'Other' });
    expect(offline.code).toBe(ResponseCode.CONSUMER_NOT_ONLINE);
    expect(offline.remark).toBe('the consumer group[Other] not online');
  });

  it('GET_PRODUCER_CONNECTION_LIST lists producers, or answers that the group does not exist', async () => {
    broker.clients.addProducer('P', { clientId: 'p1', connection: { addr: '10.0.0.9:5555' } as RemotingConnection, language: 'GO', version: 317 });
    const response = await admin(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'P' });
    expect(response.body!.toString()).toBe('{"connectionSet":[{"clientAddr":"10.0.0.9:5555","clientId":"p1","language":"GO","version":317}]}');
    const missing = await admin(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'Q' });
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  it('QUERY_TOPIC_CONSUME_BY_WHO and QUERY_TOPICS_BY_CONSUMER combine subscriptions and committed offsets', async () => {
    await consumer('c1', () => undefined);
    broker.offsets.commit('Offline', 'T', 0, 1);
    const groups = decodeGroupList((await admin(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic: 'T' })).body!);
    expect(groups.groupList).toEqual(['G', 'Offline']);
    const topics = decodeTopicList((await admin(AdminRequestCode.QUERY_TOPICS_BY_CONSUMER, { group: 'Offline' })).body!);
    expect(topics).toEqual({ topicList: ['T'], brokerAddr: '127.0.0.1:10911' });
  });

  describe('INVOKE_BROKER_TO_RESET_OFFSET', () => {
    beforeEach(async () => {
      for (let i = 0; i < 4; i++) await broker.store.putMessage(testMessage('T', 0, `m${i}`));
      broker.offsets.commit('G', 'T', 0, 3);
      broker.offsets.commit('G', 'T', 1, 0);
    });

    it('commits the offsets for the time and pushes them one-way to every online consumer', async () => {
      const pushed: RemotingCommand[] = [];
      await consumer('c1', (request) => {
        pushed.push(request);
        return undefined;
      });
      const response = await admin(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'T', group: 'G', timestamp: '0', isForce: 'true' });
      expect(response.code).toBe(ResponseCode.SUCCESS);
      const offsets = decodeResetOffsetBody(response.body!).offsetTable;
      expect(offsets.get({ topic: 'T', brokerName: 'broker-a', queueId: 0 })).toBe(0);
      expect(broker.offsets.query('G', 'T', 0)).toBe(0);
      await new Promise((r) => setTimeout(r, 50));
      expect(pushed).toHaveLength(1);
      expect(pushed[0]!.code).toBe(RequestCode.RESET_CONSUMER_CLIENT_OFFSET);
      expect(pushed[0]!.isOneway).toBe(true);
      expect(pushed[0]!.extFields).toMatchObject({ topic: 'T', group: 'G', timestamp: '0', isForce: 'true' });
      expect(decodeResetOffsetBody(pushed[0]!.body!).offsetTable.size).toBe(2);
    });

    it('only moves offsets backwards unless forced, and works with no consumer online', async () => {
      const response = await admin(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'T', group: 'G', timestamp: '-1', isForce: 'false' });
      const offsets = decodeResetOffsetBody(response.body!).offsetTable;
      expect(offsets.get({ topic: 'T', brokerName: 'broker-a', queueId: 0 })).toBe(3);
      expect(broker.offsets.query('G', 'T', 0)).toBe(3);
      const forced = await admin(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'T', group: 'G', timestamp: '-1', isForce: 'true' });
      expect(decodeResetOffsetBody(forced.body!).offsetTable.get({ topic: 'T', brokerName: 'broker-a', queueId: 0 })).toBe(4);
    });

    it('sends CPP consumers the list form of the body', async () => {
      const pushed: RemotingCommand[] = [];
      await consumer('cpp', (request) => void pushed.push(request), { language: 'CPP' });
      await admin(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'T', group: 'G', timestamp: '0', isForce: 'true' });
      await new Promise((r) => setTimeout(r, 50));
      const body = parseFastjson(pushed[0]!.body!) as JsonObject;
      expect(body['offsetTable']).toEqual([
        { brokerName: 'broker-a', offset: 0, queueId: 0, topic: 'T' },
        { brokerName: 'broker-a', offset: 0, queueId: 1, topic: 'T' },
      ]);
    });

    it('resets one queue to a given offset, checking the range', async () => {
      const ok = await admin(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'T', group: 'G', timestamp: '0', isForce: 'true', queueId: '0', offset: '2' });
      expect(decodeResetOffsetBody(ok.body!).offsetTable.size).toBe(1);
      expect(broker.offsets.query('G', 'T', 0)).toBe(2);
      const bad = await admin(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'T', group: 'G', timestamp: '0', isForce: 'true', queueId: '0', offset: '9' });
      expect(bad.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(bad.remark).toBe('Target offset 9 not in consume queue range [0-4]');
    });

    it('refuses unknown topics and groups', async () => {
      expect((await admin(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'X', group: 'G', timestamp: '0', isForce: 'true' })).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
      expect((await admin(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'T', group: 'Nobody', timestamp: '0', isForce: 'true' })).code).toBe(
        ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
      );
    });
  });

  describe('requests relayed to a consumer', () => {
    it('GET_CONSUMER_RUNNING_INFO goes to the client with a new opaque and its answer comes back', async () => {
      const seen: RemotingCommand[] = [];
      await consumer('c1', (request) => {
        seen.push(request);
        const info = createConsumerRunningInfo();
        info.properties['PROP_CONSUME_TYPE'] = 'CONSUME_PASSIVELY';
        return RemotingCommand.response(request, ResponseCode.SUCCESS, undefined, undefined, encodeConsumerRunningInfo(info));
      });
      const connection = await RemotingConnection.connect(addr);
      open.push(connection);
      const request = RemotingCommand.request(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'G', clientId: 'c1', jstackEnable: 'false' });
      const response = await connection.invoke(request, 3000);
      expect(response.code).toBe(ResponseCode.SUCCESS);
      expect(response.opaque).toBe(request.opaque);
      expect(decodeConsumerRunningInfo(response.body!).properties['PROP_CONSUME_TYPE']).toBe('CONSUME_PASSIVELY');
      expect(seen[0]!.extFields).toMatchObject({ consumerGroup: 'G', clientId: 'c1' });
    });

    it('answers SYSTEM_ERROR for an unknown client or a client too old, CONSUME_MSG_TIMEOUT when it does not answer', async () => {
      const missing = await admin(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'G', clientId: 'ghost' });
      expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(missing.remark).toBe('The Consumer <G> <ghost> not online');
      await consumer('old', () => undefined, { version: 10 });
      const old = await admin(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'G', clientId: 'old' });
      expect(old.remark).toMatch(/too low to finish, please upgrade it to V3_1_8_SNAPSHOT/);
      await consumer('mute', () => new Promise<undefined>(() => undefined));
      const mute = await admin(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'G', clientId: 'mute' });
      expect(mute.code).toBe(ResponseCode.CONSUME_MSG_TIMEOUT);
      expect(mute.remark).toMatch(/^consumer <G> <mute> Timeout: /);
    });

    it('CONSUME_MESSAGE_DIRECTLY attaches the stored message and the broker name', async () => {
      const put = await broker.store.putMessage(testMessage('T', 0, 'direct'));
      const seen: RemotingCommand[] = [];
      await consumer('c1', (request) => {
        seen.push(request);
        return RemotingCommand.response(request, ResponseCode.SUCCESS, undefined, undefined, Buffer.from('{"autoCommit":true,"consumeResult":"CR_SUCCESS","order":false,"spentTimeMills":1}'));
      });
      const msgId = createOffsetMessageId(TEST_STORE_HOST, put.commitLogOffset);
      const response = await admin(RequestCode.CONSUME_MESSAGE_DIRECTLY, { consumerGroup: 'G', clientId: 'c1', msgId });
      expect(response.code).toBe(ResponseCode.SUCCESS);
      expect(seen[0]!.extFields!['brokerName']).toBe('broker-a');
      expect(decodeStoredMessage(seen[0]!.body!).body.toString()).toBe('direct');
    });
  });

  it('INVOKE_BROKER_TO_GET_CONSUMER_STATUS collects each client offsets', async () => {
    await consumer('c1', (request) =>
      RemotingCommand.response(request, ResponseCode.SUCCESS, undefined, undefined, Buffer.from('{"messageQueueTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:7},"consumerTable":{}}')),
    );
    const response = await admin(RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, { topic: 'T', group: 'G' });
    expect(response.body!.toString()).toBe('{"consumerTable":{"c1":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:7}},"messageQueueTable":{}}');
  });
});
