import { afterEach, describe, expect, it } from '@jest/globals';
import { decodeHeartbeatData, type ConsumerData } from '../protocol/body/heartbeat-data.js';
import { encodeTopicRouteData } from '../protocol/body/topic-route-data.js';
import { RemotingCommand } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { RemotingServer } from '../remoting/remoting-server.js';
import { ClientInstance, type ConsumerHandle } from './client-instance.js';

const quiet = { log() {}, warn() {}, error() {} };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** One server playing name server and broker: routes point at itself; heartbeats are recorded, the first one answered late. */
async function fakeCluster(firstHeartbeatDelayMs: number) {
  const server = new RemotingServer();
  const heartbeats: string[][] = [];
  const { port } = await server.listen();
  const addr = `127.0.0.1:${port}`;
  server.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, (request) =>
    RemotingCommand.response(request, ResponseCode.SUCCESS, undefined, undefined, encodeTopicRouteData({
      queueDatas: [{ brokerName: 'b', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 }],
      brokerDatas: [{ cluster: 'c', brokerName: 'b', brokerAddrs: { '0': addr } }],
      filterServerTable: {},
    })),
  );
  server.registerProcessor(RequestCode.HEART_BEAT, async (request) => {
    heartbeats.push(decodeHeartbeatData(request.body!).consumerDataSet.map((c) => c.groupName));
    if (heartbeats.length === 1) await new Promise((r) => setTimeout(r, firstHeartbeatDelayMs));
    return RemotingCommand.response(request, ResponseCode.SUCCESS);
  });
  cleanups.push(() => server.close());
  return { addr, heartbeats };
}

function consumerHandle(group: string): ConsumerHandle {
  return {
    group,
    consumerData: (): ConsumerData => ({ groupName: group, consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', subscriptionDataSet: [], unitMode: false }),
    subscribedTopics: () => [],
    onTopicRoute: () => undefined,
    rebalance: async () => undefined,
    persistOffsets: async () => undefined,
  };
}

describe('heartbeats', () => {
  it('sends one more round when a consumer registers while a round built without it is in flight', async () => {
    const cluster = await fakeCluster(300);
    const instance = ClientInstance.acquire({ nameServer: cluster.addr, logger: quiet });
    cleanups.push(() => instance.release());
    instance.registerConsumer(consumerHandle('first'));
    await instance.updateTopicRoute('T');
    const firstRound = instance.sendHeartbeatToAllBrokers();
    await new Promise((r) => setTimeout(r, 50)); // the first round is at the broker now
    instance.registerConsumer(consumerHandle('second'));
    const [a, b] = [instance.sendHeartbeatToAllBrokers(), instance.sendHeartbeatToAllBrokers()];
    await Promise.all([firstRound, a, b]);
    // the round in flight did not know "second"; one follow-up round (shared by both callers) did
    expect(cluster.heartbeats[0]).toEqual(['first']);
    expect(cluster.heartbeats.at(-1)!.sort()).toEqual(['first', 'second']);
    expect(cluster.heartbeats).toHaveLength(2);
  });
});
