/**
 * The web console (apps/console) against a real embedded broker: brokers, topics, consumer groups with lag,
 * message lookup by key and by id, the page and its OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startConsoleApp, type RunningConsoleApp } from '../../apps/console/src/console-app.js';
import type { ClusterView, GroupView, MessageView, TopicView } from '../../apps/console/src/console-views.js';
import type { RunningEmbeddedRocketMQ } from '../../libs/broker/src/index.js';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { Message } from '../../libs/rocketmq/src/protocol/message/message.js';
import { quiet, startEmbedded, uniqueName, waitFor } from './support/embedded.js';

let mq: RunningEmbeddedRocketMQ;
let consoleApp: RunningConsoleApp;
let producer: Producer;
const topic = uniqueName('ConsoleOrders');
const group = uniqueName('console_cg');
const sent: string[] = [];

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${consoleApp.url}${path}`);
  const text = await res.text();
  return { status: res.status, body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T };
}

beforeAll(async () => {
  mq = await startEmbedded();
  producer = new Producer({ nameServer: mq.nameServer, group: uniqueName('console_pg'), logger: quiet });
  await producer.start();
  for (let i = 0; i < 6; i++) {
    sent.push((await producer.send(new Message(topic, Buffer.from(JSON.stringify({ order: i })), { tags: 'created', keys: [`order-${i}`] }))).msgId);
  }
  // A group that consumed 3 of the 6 messages, then stopped: lag 3.
  let consumed = 0;
  const consumer = new PushConsumer({ nameServer: mq.nameServer, group, logger: quiet, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', pullBatchSize: 1, consumeConcurrency: 1 })
    .subscribe(topic)
    .onMessage(async () => {
      consumed += 1;
      if (consumed > 3) await new Promise(() => undefined); // hold the rest: they stay unacknowledged
    });
  await consumer.start();
  await waitFor(() => consumed >= 4, 20_000, 'the consumer to take 3 messages');
  await consumer.shutdown({ drainTimeoutMs: 200 }).catch(() => undefined);
  consoleApp = await startConsoleApp({ nameServer: mq.nameServer, logger: false, rocketmqLogger: quiet });
}, 60_000);

afterAll(async () => {
  await consoleApp?.close();
  await producer?.shutdown();
  await mq?.stop();
});

describe('console API', () => {
  it('lists the brokers with their version and figures', async () => {
    const { status, body } = await get<ClusterView>('/api/cluster');
    expect(status).toBe(200);
    expect(body.nameServer).toBe(mq.nameServer);
    expect(body.brokers).toEqual([expect.objectContaining({ brokerName: 'broker-a', brokerId: 0, addr: mq.brokers[0]!.addr, cluster: 'DefaultCluster' })]);
    expect(body.brokers[0]!.version).toMatch(/^V\d/);
    expect(body.brokers[0]!.messagesPutToday).toBeGreaterThanOrEqual(6);
  });

  it('lists topics with stored messages and the groups consuming them, system topics only on request', async () => {
    const { body } = await get<TopicView[]>('/api/topics');
    const orders = body.find((t) => t.topic === topic);
    expect(orders).toMatchObject({ kind: 'normal', storedMessages: 6, totalMaxOffset: 6, groups: [group] });
    expect(body.some((t) => t.kind === 'system')).toBe(false);
    const all = await get<TopicView[]>('/api/topics?system=true');
    expect(all.body.some((t) => t.topic === 'TBW102' && t.kind === 'system')).toBe(true);
  });

  it('shows a consumer group with its lag per queue', async () => {
    const { body } = await get<GroupView[]>('/api/groups');
    const view = body.find((g) => g.group === group);
    expect(view).toMatchObject({ topics: [topic], online: 0, totalLag: 3 });
    expect(view!.queues.reduce((sum, q) => sum + q.lag, 0)).toBe(3);
    const one = await get<GroupView>(`/api/groups/${group}`);
    expect(one.body.totalLag).toBe(3);
  });

  it('finds messages by key and by id, with a readable body', async () => {
    const byKey = await get<MessageView[]>(`/api/messages?topic=${topic}&key=order-4`);
    expect(byKey.status).toBe(200);
    expect(byKey.body).toEqual([expect.objectContaining({ msgId: sent[4], tags: 'created', keys: ['order-4'], body: '{"order":4}', bodyEncoding: 'utf8' })]);
    const byId = await get<MessageView>(`/api/messages/${sent[2]}?topic=${topic}`);
    expect(byId.body).toMatchObject({ msgId: sent[2], body: '{"order":2}' });
    const byOffsetId = await get<MessageView>(`/api/messages/${byId.body.offsetMsgId}`);
    expect(byOffsetId.body.msgId).toBe(sent[2]);
  });

  it('answers 400 without topic and key, 404 for an unknown message id', async () => {
    expect((await get('/api/messages?topic=x')).status).toBe(400);
    const missing = await get<{ message: string }>(`/api/messages/0A0000000000000000000000000000FF?topic=${topic}`);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('no message');
  });

  it('serves the page and the OpenAPI document', async () => {
    const page = await get<string>('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>RocketMQ console</title>');
    const openapi = await get<{ paths: Record<string, unknown> }>('/docs-json');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/cluster', '/api/topics', '/api/groups', '/api/messages']));
  });
});
