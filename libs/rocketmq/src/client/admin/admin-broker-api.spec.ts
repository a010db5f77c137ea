/**
 * The admin requests against exchanges captured from Apache RocketMQ 5.5.1 and 4.9.8
 * (fixtures/<version>/*.json, written by test/interop/admin-fixtures.interop-spec.ts): each request
 * we build must equal the one the broker accepted, and each captured answer must decode.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { decodeClusterInfo } from '../../protocol/body/cluster-info.js';
import { createSubscriptionGroupConfig, decodeSubscriptionGroupConfig } from '../../protocol/body/subscription-group-config.js';
import { RocketMQResponseError } from '../../protocol/errors.js';
import { RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { RemotingClient } from '../../remoting/remoting-client.js';
import { AdminBrokerApi } from './admin-broker-api.js';
import { clusterOverview } from './cluster-overview.js';
import { consumerProgressFrom } from './consumer-progress.js';
import { createTopicHeader } from './create-topic.js';
import { matchesKey, mergeQueryResults } from './message-query.js';
import { topicStatsFrom } from './topic-stats.js';

interface Exchange {
  version: string;
  request: { code: number; extFields?: Record<string, string>; body?: string };
  response: { code: number; remark?: string; extFields?: Record<string, string>; body?: string };
}

function fixture(version: string, name: string): Exchange {
  return JSON.parse(readFileSync(new URL(`./fixtures/${version}/${name}.json`, import.meta.url), 'utf8')) as Exchange;
}

function responseOf(exchange: Exchange): RemotingCommand {
  const r = exchange.response;
  return new RemotingCommand(r.code, 1, 1, r.extFields, r.body ? Buffer.from(r.body, 'base64') : undefined, r.remark);
}

/** A RemotingClient that answers every request with one captured response and records what was sent. */
function replay(exchange: Exchange | RemotingCommand): { api: AdminBrokerApi; sent: RemotingCommand[] } {
  const sent: RemotingCommand[] = [];
  const remoting = {
    invoke: async (_addr: string, request: RemotingCommand) => {
      sent.push(request);
      return exchange instanceof RemotingCommand ? exchange : responseOf(exchange);
    },
  } as unknown as RemotingClient;
  return { api: new AdminBrokerApi(remoting, 1000), sent };
}

function requestMatches(sent: RemotingCommand, exchange: Exchange): void {
  expect(sent.code).toBe(exchange.request.code);
  expect(sent.extFields).toEqual(exchange.request.extFields);
}

const ADDR = '127.0.0.1:10911';

describe.each(['5.5.1', '4.9.8'])('admin exchanges captured from Apache RocketMQ %s', (version) => {
  it('reads clusters and brokers from GET_BROKER_CLUSTER_INFO (bare numeric brokerAddrs keys)', () => {
    const x = fixture(version, 'cluster-info');
    const overview = clusterOverview(decodeClusterInfo(Buffer.from(x.response.body!, 'base64')));
    const [broker] = overview.clusters['DefaultCluster']!;
    expect(overview.brokers[broker!]).toEqual({
      brokerName: broker,
      cluster: 'DefaultCluster',
      replicas: [{ brokerId: 0, addr: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }],
      masterAddr: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });
  });

  it('reads the runtime KVTable', async () => {
    const { api } = replay(fixture(version, 'broker-runtime-info'));
    const info = await api.brokerRuntimeInfo(ADDR);
    expect(info['brokerVersionDesc']).toBe(`V${version.replace(/\./g, '_')}`);
  });

  it('sends the UPDATE_AND_CREATE_TOPIC header the broker accepted', async () => {
    const x = fixture(version, 'create-topic');
    const { api, sent } = replay(x);
    const ext = x.request.extFields!;
    await api.createTopic(ADDR, createTopicHeader({ topic: ext['topic']!, readQueueNums: 2, writeQueueNums: 2 }));
    requestMatches(sent[0]!, x);
  });

  it('sends a SubscriptionGroupConfig body the broker accepted', async () => {
    const x = fixture(version, 'create-subscription-group');
    const captured = decodeSubscriptionGroupConfig(Buffer.from(x.request.body!, 'base64'));
    const { api, sent } = replay(x);
    await api.createSubscriptionGroup(ADDR, createSubscriptionGroupConfig(captured.groupName));
    expect(sent[0]!.body?.toString('base64')).toBe(x.request.body);
  });

  it('sends UPDATE_CONSUMER_OFFSET as the broker accepted it', async () => {
    const x = fixture(version, 'update-consumer-offset');
    const ext = x.request.extFields!;
    const { api, sent } = replay(x);
    await api.updateConsumerOffset(ADDR, ext['consumerGroup']!, { topic: ext['topic']!, brokerName: 'b', queueId: 0 }, 1);
    requestMatches(sent[0]!, x);
  });

  it('merges GET_TOPIC_STATS_INFO (MessageQueue object keys) into per-queue offsets', async () => {
    const x = fixture(version, 'topic-stats');
    const topic = x.request.extFields!['topic']!;
    const { api, sent } = replay(x);
    const stats = topicStatsFrom(topic, [await api.topicStats(ADDR, topic)]);
    requestMatches(sent[0]!, x);
    expect(stats.queues.map((q) => [q.mq.queueId, q.minOffset, q.maxOffset])).toEqual([
      [0, 0, 1],
      [1, 0, 2],
    ]);
    expect(stats.totalMaxOffset).toBe(3);
    expect(stats.putTps).toBe(version.startsWith('4.') ? undefined : 0);
  });

  it('computes lag from GET_CONSUME_STATS', async () => {
    const x = fixture(version, 'consume-stats');
    const ext = x.request.extFields!;
    const { api, sent } = replay(x);
    const progress = consumerProgressFrom(ext['consumerGroup']!, [await api.consumeStats(ADDR, ext['consumerGroup']!, ext['topic'])], ext['topic']);
    requestMatches(sent[0]!, x);
    expect(progress.queues.map((q) => [q.mq.queueId, q.brokerOffset, q.consumerOffset, q.lag])).toEqual([
      [0, 1, 1, 0],
      [1, 2, 0, 2],
    ]);
    expect(progress.totalLag).toBe(2);
    expect(progress.queues[0]!.pullOffset).toBe(1);
    expect(progress.queues[0]!.lastTimestamp).toBeGreaterThan(0);
  });

  it('reads the groups of QUERY_TOPIC_CONSUME_BY_WHO', async () => {
    const x = fixture(version, 'query-topic-consume-by-who');
    const { api } = replay(x);
    const groups = await api.groupsConsumingTopic(ADDR, x.request.extFields!['topic']!);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatch(/^FixtureGroup_/);
  });

  it('reads connections and subscriptions from GET_CONSUMER_CONNECTION_LIST', async () => {
    const x = fixture(version, 'consumer-connection-list');
    const { api } = replay(x);
    const connection = (await api.consumerConnection(ADDR, x.request.extFields!['consumerGroup']!))!;
    expect(connection.connections).toEqual([{ clientId: expect.any(String), clientAddr: expect.stringMatching(/^127\.0\.0\.1:/), language: 'JAVA', version: 409 }]);
    expect(connection.messageModel).toBe('CLUSTERING');
    const [subscription] = Object.values(connection.subscriptions);
    expect(subscription).toMatchObject({ subString: 'a || b', tagsSet: expect.arrayContaining(['a', 'b']), codeSet: expect.arrayContaining([97, 98]) });
  });

  it('decodes the stored message of VIEW_MESSAGE_BY_ID', async () => {
    const x = fixture(version, 'view-message');
    const { api, sent } = replay(x);
    const message = (await api.viewMessage(ADDR, Number(x.request.extFields!['offset'])))!;
    requestMatches(sent[0]!, x);
    expect(message.body.toString()).toBe('fixture 0');
    expect(message.commitLogOffset).toBe(Number(x.request.extFields!['offset']));
  });

  it('decodes and filters the messages of QUERY_MESSAGE by key', async () => {
    const x = fixture(version, 'query-message-by-key');
    const ext = x.request.extFields!;
    const { api, sent } = replay(x);
    const answer = await api.queryMessage(ADDR, {
      topic: ext['topic']!,
      key: ext['key']!,
      maxNum: 64,
      beginTimestamp: 0,
      endTimestamp: Number.MAX_SAFE_INTEGER,
      _UNIQUE_KEY_QUERY: false,
    });
    requestMatches(sent[0]!, x);
    const found = mergeQueryResults([answer, answer], (m) => matchesKey(m, ext['topic']!, 'fixture-key'));
    expect(found.map((m) => m.body.toString())).toEqual(['fixture 0', 'fixture 1', 'fixture 2']);
  });
});

describe('INVOKE_BROKER_TO_RESET_OFFSET outcomes', () => {
  it('returns the offsets a 5.x broker reset itself (ResetOffsetBody with object keys)', async () => {
    const x = fixture('5.5.1', 'reset-offset');
    const ext = x.request.extFields!;
    const { api, sent } = replay(x);
    const outcome = await api.resetOffsetByTimestamp(ADDR, ext['topic']!, ext['group']!, 0, true);
    requestMatches(sent[0]!, x);
    expect(outcome.kind).toBe('reset');
    if (outcome.kind === 'reset') expect([...outcome.offsets.sortedEntries()].map(([mq, o]) => [mq.queueId, o])).toEqual([[0, 0], [1, 0]]);
  });

  it('reports that a 4.9.x broker declined because no consumer is online', async () => {
    const x = fixture('4.9.8', 'reset-offset');
    const { api } = replay(x);
    const outcome = await api.resetOffsetByTimestamp(ADDR, x.request.extFields!['topic']!, x.request.extFields!['group']!, 0, true);
    expect(outcome).toMatchObject({ kind: 'declined', code: ResponseCode.CONSUMER_NOT_ONLINE });
  });

  it('reports a queue without committed offset (4.9.x SYSTEM_ERROR) as declined, other errors as RocketMQResponseError', async () => {
    const notExist = new RemotingCommand(ResponseCode.SYSTEM_ERROR, 1, 1, undefined, undefined, 'THe consumer group <g> not exist');
    expect(await replay(notExist).api.resetOffsetByTimestamp(ADDR, 't', 'g', 0, true)).toMatchObject({ kind: 'declined' });
    const busy = new RemotingCommand(ResponseCode.SYSTEM_BUSY, 1, 1, undefined, undefined, '[OVERLOAD]');
    const error = await replay(busy).api.resetOffsetByTimestamp(ADDR, 't', 'g', 0, true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RocketMQResponseError);
    expect((error as RocketMQResponseError).code).toBe(ResponseCode.SYSTEM_BUSY);
    expect((error as Error).message).toContain('INVOKE_BROKER_TO_RESET_OFFSET(222) to 127.0.0.1:10911 failed with SYSTEM_BUSY(2)');
  });
});

describe('answers that mean "nothing there"', () => {
  it('turns QUERY_NOT_FOUND of QUERY_MESSAGE into no messages', async () => {
    const { api } = replay(new RemotingCommand(ResponseCode.QUERY_NOT_FOUND, 1, 1, undefined, undefined, 'can not find message'));
    expect(await api.queryMessage(ADDR, { topic: 't', key: 'k', maxNum: 1, beginTimestamp: 0, endTimestamp: 1 })).toEqual([]);
  });

  it('turns "can not find message" of VIEW_MESSAGE_BY_ID into undefined', async () => {
    const { api } = replay(new RemotingCommand(ResponseCode.SYSTEM_ERROR, 1, 1, undefined, undefined, 'can not find message by the offset, 42'));
    expect(await api.viewMessage(ADDR, 42)).toBeUndefined();
  });

  it('turns CONSUMER_NOT_ONLINE of GET_CONSUMER_CONNECTION_LIST into undefined', async () => {
    const { api } = replay(new RemotingCommand(ResponseCode.CONSUMER_NOT_ONLINE, 1, 1, undefined, undefined, 'the consumer group[g] not online'));
    expect(await api.consumerConnection(ADDR, 'g')).toBeUndefined();
  });

  it('turns QUERY_NOT_FOUND of QUERY_CONSUMER_OFFSET into undefined', async () => {
    const { api } = replay(new RemotingCommand(ResponseCode.QUERY_NOT_FOUND, 1, 1, undefined, undefined, 'Not found'));
    expect(await api.queryConsumerOffset(ADDR, 'g', { topic: 't', brokerName: 'b', queueId: 0 })).toBeUndefined();
  });

  it('sends both cleanOffset (5.x) and removeOffset (4.9.x) when deleting a group', async () => {
    const { api, sent } = replay(new RemotingCommand(ResponseCode.SUCCESS, 1, 1, undefined, undefined));
    await api.deleteSubscriptionGroup(ADDR, 'g', true);
    expect(sent[0]!.extFields).toEqual({ groupName: 'g', cleanOffset: 'true', removeOffset: 'true' });
  });
});
