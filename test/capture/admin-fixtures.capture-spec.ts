/**
 * Captures the admin requests our client sends and the broker's answers as fixtures for the unit tests
 * of libs/rocketmq/src/client/admin (kafkajs style: codecs are tested on real bytes). It lives in the
 * `capture` jest project, which neither `npm test` nor the interop suite selects; run it on purpose:
 *
 *   ROCKETMQ_VERSION=5.5.1 node scripts/run-jest.mjs --selectProjects capture
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdminClient } from '../../libs/rocketmq/src/client/admin/index.js';
import { ClientInstance } from '../../libs/rocketmq/src/client/client-instance.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { buildSubscriptionData, encodeHeartbeatData } from '../../libs/rocketmq/src/protocol/body/heartbeat-data.js';
import { Message } from '../../libs/rocketmq/src/protocol/message/message.js';
import { RemotingCommand } from '../../libs/rocketmq/src/protocol/remoting-command.js';
import { RequestCode, requestCodeName } from '../../libs/rocketmq/src/protocol/request-code.js';
import { nameServer, targetVersion, uniqueName } from '../interop/support/target.js';

jest.setTimeout(60_000);

const FIXTURE_DIR = join(process.cwd(), 'libs', 'rocketmq', 'src', 'client', 'admin', 'fixtures', targetVersion());

interface Exchange {
  request: { code: number; extFields?: Record<string, string>; body?: string };
  response: { code: number; remark?: string; extFields?: Record<string, string>; body?: string };
}

describe('admin fixtures (capture)', () => {
  const options = { nameServer: nameServer(), instanceName: uniqueName('admin_capture') };
  const topic = uniqueName('FixtureTopic');
  const group = uniqueName('FixtureGroup');
  const exchanges = new Map<number, Exchange>();
  let instance: ClientInstance;
  let admin: AdminClient;

  beforeAll(async () => {
    instance = ClientInstance.acquire(options);
    const invoke = instance.remoting.invoke.bind(instance.remoting);
    instance.remoting.invoke = async (addr: string, request: RemotingCommand, timeoutMs: number) => {
      const response = await invoke(addr, request, timeoutMs);
      exchanges.set(request.code, {
        request: { code: request.code, extFields: request.extFields, body: request.body?.toString('base64') },
        response: { code: response.code, remark: response.remark, extFields: response.extFields, body: response.body?.toString('base64') },
      });
      return response;
    };
    admin = new AdminClient(options);
    await admin.start();
  });

  afterAll(async () => {
    await admin?.shutdown();
    await instance?.release();
  });

  function save(name: string, code: number): void {
    const exchange = exchanges.get(code);
    expect(exchange).toBeDefined();
    mkdirSync(FIXTURE_DIR, { recursive: true });
    writeFileSync(join(FIXTURE_DIR, `${name}.json`), `${JSON.stringify({ version: targetVersion(), request: requestCodeName(code), ...exchange }, null, 2)}\n`);
  }

  it('captures the admin exchanges', async () => {
    const overview = await admin.clusterInfo();
    save('cluster-info', RequestCode.GET_BROKER_CLUSTER_INFO);
    const brokerName = Object.keys(overview.brokers)[0]!;
    const brokerAddr = overview.brokers[brokerName]!.masterAddr!;
    await admin.brokerRuntimeInfo(brokerAddr);
    save('broker-runtime-info', RequestCode.GET_BROKER_RUNTIME_INFO);
    await admin.createTopic({ topic, readQueueNums: 2, writeQueueNums: 2, clusterName: overview.brokers[brokerName]!.cluster });
    save('create-topic', RequestCode.UPDATE_AND_CREATE_TOPIC);

    const producer = new Producer({ nameServer: nameServer(), group: uniqueName('FixtureProducer') });
    await producer.start();
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(await producer.send(new Message(topic, Buffer.from(`fixture ${i}`), { keys: ['fixture-key'], tags: 'a' })));
    await producer.shutdown();

    await admin.topicStats(topic);
    save('topic-stats', RequestCode.GET_TOPIC_STATS_INFO);
    await admin.viewMessage(sent[0]!.offsetMsgId);
    save('view-message', RequestCode.VIEW_MESSAGE_BY_ID);
    for (let i = 0; i < 50 && (await admin.queryMessageByKey(topic, 'fixture-key')).length < 3; i++) await new Promise((r) => setTimeout(r, 200));
    save('query-message-by-key', RequestCode.QUERY_MESSAGE);

    await admin.createSubscriptionGroup({ groupName: group }, overview.brokers[brokerName]!.cluster);
    save('create-subscription-group', RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP);
    await admin.updateConsumerOffset(group, { topic, brokerName, queueId: 0 }, 1);
    save('update-consumer-offset', RequestCode.UPDATE_CONSUMER_OFFSET);
    await admin.updateConsumerOffset(group, { topic, brokerName, queueId: 1 }, 0);
    await admin.consumerProgress(group, topic);
    save('consume-stats', RequestCode.GET_CONSUME_STATS);
    await admin.groupsConsumingTopic(topic);
    save('query-topic-consume-by-who', RequestCode.QUERY_TOPIC_CONSUME_BY_WHO);
    await admin.resetOffsetByTimestamp(topic, group, 0);
    save('reset-offset', RequestCode.INVOKE_BROKER_TO_RESET_OFFSET);

    const client = ClientInstance.acquire({ nameServer: nameServer() });
    try {
      const body = encodeHeartbeatData({
        clientID: client.clientId,
        producerDataSet: [],
        consumerDataSet: [
          {
            groupName: group,
            consumeType: 'CONSUME_PASSIVELY',
            messageModel: 'CLUSTERING',
            consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
            subscriptionDataSet: [buildSubscriptionData(topic, 'a || b')],
            unitMode: false,
          },
        ],
        heartbeatFingerprint: 0,
        withoutSub: false,
      });
      await client.remoting.invoke(brokerAddr, RemotingCommand.request(RequestCode.HEART_BEAT, undefined, body), 3000);
      await admin.consumerConnections(group);
      save('consumer-connection-list', RequestCode.GET_CONSUMER_CONNECTION_LIST);
    } finally {
      await client.release();
    }

    await admin.deleteSubscriptionGroup(group, overview.brokers[brokerName]!.cluster);
    await admin.deleteTopic(topic, overview.brokers[brokerName]!.cluster);
  });
});
