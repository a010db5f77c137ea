/**
 * The broker's answers to raw requests: validation codes, long polling, offsets, locks, unknown codes and
 * malformed frames — what any RocketMQ client sees from Apache's broker.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { RemotingClient } from '../../libs/rocketmq/src/remoting/remoting-client.js';
import {
  MessageConst,
  PullMessageRequestHeader,
  PullSysFlag,
  QueryConsumerOffsetRequestHeader,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  SendMessageRequestHeaderV2,
  UpdateConsumerOffsetRequestHeader,
  ConsumerSendMsgBackRequestHeader,
  OffsetResponseHeader,
  SerializeType,
  decodeLockBatchResponseBody,
  decodeStoredMessages,
  encodeCommand,
  encodeHeartbeatData,
  encodeLockBatchRequestBody,
  propertiesToString,
} from '../../libs/rocketmq/src/protocol/index.js';
import type { RunningEmbeddedRocketMQ } from '../../libs/broker/src/index.js';
import { startEmbedded, uniqueName } from './support/embedded.js';

let mq: RunningEmbeddedRocketMQ;
let broker: string;
const remoting = new RemotingClient();

beforeAll(async () => {
  mq = await startEmbedded();
  broker = mq.brokers[0]!.addr;
});
afterAll(async () => {
  await remoting.close();
  await mq.stop();
});

function sendRequest(topic: string, body: Buffer, extra: Partial<Parameters<typeof SendMessageRequestHeaderV2.encode>[0]> = {}, props: Record<string, string> = {}): RemotingCommand {
  return RemotingCommand.request(
    RequestCode.SEND_MESSAGE_V2,
    SendMessageRequestHeaderV2.encode({
      producerGroup: 'raw_pg',
      topic,
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 4,
      queueId: 0,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      flag: 0,
      properties: propertiesToString({ [MessageConst.WAIT]: 'true', ...props }),
      ...extra,
    }),
    body,
  );
}

const send = (topic: string, body: Buffer, extra = {}, props: Record<string, string> = {}) => remoting.invoke(broker, sendRequest(topic, body, extra, props), 5000);

function pullRequest(topic: string, group: string, queueOffset: number, suspendTimeoutMillis = 0, subscription = '*'): RemotingCommand {
  return RemotingCommand.request(
    RequestCode.PULL_MESSAGE,
    PullMessageRequestHeader.encode({
      consumerGroup: group,
      topic,
      queueId: 0,
      queueOffset,
      maxMsgNums: 32,
      sysFlag: PullSysFlag.SUBSCRIPTION | (suspendTimeoutMillis > 0 ? PullSysFlag.SUSPEND : 0),
      commitOffset: 0,
      suspendTimeoutMillis,
      subscription,
      subVersion: Date.now(),
      expressionType: 'TAG',
    }),
  );
}

describe('send validation', () => {
  it('answers a body over maxMessageSize with MESSAGE_ILLEGAL', async () => {
    const response = await send(uniqueName('big'), Buffer.alloc(4 * 1024 * 1024 + 1));
    expect(response.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(response.remark).toMatch(/msg body length limit 4194304B/);
  });

  it('answers properties over 32767 bytes with MESSAGE_ILLEGAL', async () => {
    const response = await send(uniqueName('props'), Buffer.from('x'), {}, { big: 'p'.repeat(33_000) });
    expect(response.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
  });

  it.each([
    ['has space', /illegal characters/],
    ['x'.repeat(128), /longer than topic max length: 127/],
  ])('answers the topic name %j with INVALID_PARAMETER', async (topic, remark) => {
    const response = await send(topic, Buffer.from('x'));
    expect(response.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(response.remark).toMatch(remark);
  });

  it.each(['SCHEDULE_TOPIC_XXXX', 'RMQ_SYS_TRANS_HALF_TOPIC', 'SELF_TEST_TOPIC', 'OFFSET_MOVED_EVENT'])('refuses sends to the system topic %s with NO_PERMISSION', async (topic) => {
    const response = await send(topic, Buffer.from('x'));
    expect(response.code).toBe(ResponseCode.NO_PERMISSION);
    expect(response.remark).toBe(`Sending message to topic[${topic}] is forbidden.`);
  });

  it('answers a queue id beyond the topic with INVALID_PARAMETER', async () => {
    const topic = uniqueName('q');
    expect((await send(topic, Buffer.from('x'))).code).toBe(ResponseCode.SUCCESS);
    const response = await send(topic, Buffer.from('x'), { queueId: 4 });
    expect(response.code).toBe(ResponseCode.INVALID_PARAMETER);
  });

  it('answers TOPIC_NOT_EXIST when the template topic cannot create it', async () => {
    const response = await send(uniqueName('nt'), Buffer.from('x'), { defaultTopic: 'NO_SUCH_TEMPLATE' });
    expect(response.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
  });

  it('answers with the header fields Apache sends and adds CLUSTER and UNIQ_KEY, in the request serialization', async () => {
    const topic = uniqueName('ok');
    const request = sendRequest(topic, Buffer.from('body'));
    request.serializeType = SerializeType.ROCKETMQ;
    const response = await remoting.invoke(broker, request, 5000);
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(response.serializeType).toBe(SerializeType.ROCKETMQ);
    expect(response.extFields).toMatchObject({ queueId: '0', queueOffset: '0', MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' });
    expect(response.extFields!['msgId']).toMatch(/^[0-9A-F]{32}$/);
    const pulled = await remoting.invoke(broker, pullRequest(topic, uniqueName('g'), 0), 5000);
    const [stored] = decodeStoredMessages(pulled.body!);
    expect(stored!.getProperty('CLUSTER')).toBe('DefaultCluster');
    expect(stored!.getProperty('UNIQ_KEY')).toBe(response.extFields!['transactionId']);
  });
});

describe('pull and long polling', () => {
  it('maps store statuses: PULL_NOT_FOUND at the end, PULL_OFFSET_MOVED beyond it', async () => {
    const topic = uniqueName('pl');
    await send(topic, Buffer.from('a'));
    const group = uniqueName('g');
    expect((await remoting.invoke(broker, pullRequest(topic, group, 0), 5000)).code).toBe(ResponseCode.SUCCESS);
    const end = await remoting.invoke(broker, pullRequest(topic, group, 1), 5000);
    expect(end.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(end.extFields).toMatchObject({ nextBeginOffset: '1', minOffset: '0', maxOffset: '1', suggestWhichBrokerId: '0' });
    const beyond = await remoting.invoke(broker, pullRequest(topic, group, 5), 5000);
    expect(beyond.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    expect(beyond.extFields!['nextBeginOffset']).toBe('1');
  });

  it('holds a pull that found nothing and answers within milliseconds of a send', async () => {
    const topic = uniqueName('lp');
    await send(topic, Buffer.from('first'));
    const started = Date.now();
    const pending = remoting.invoke(broker, pullRequest(topic, uniqueName('g'), 1, 15_000), 20_000);
    await new Promise((r) => setTimeout(r, 300));
    const sentAt = Date.now();
    await send(topic, Buffer.from('second'));
    const response = await pending;
    const latency = Date.now() - sentAt;
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(decodeStoredMessages(response.body!).map((m) => m.body.toString())).toEqual(['second']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(latency).toBeLessThan(200);
  });

  it('answers a held pull with PULL_NOT_FOUND when its suspend time runs out', async () => {
    const topic = uniqueName('lt');
    await send(topic, Buffer.from('first'));
    const started = Date.now();
    const response = await remoting.invoke(broker, pullRequest(topic, uniqueName('g'), 1, 400), 5000);
    expect(response.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
  });

  it('answers SUBSCRIPTION_NOT_EXIST for a group without heartbeat and SUBSCRIPTION_PARSE_FAILED for bad SQL', async () => {
    const topic = uniqueName('sx');
    await send(topic, Buffer.from('a'));
    const noSub = pullRequest(topic, uniqueName('g'), 0);
    noSub.extFields!['sysFlag'] = '0';
    expect((await remoting.invoke(broker, noSub, 5000)).code).toBe(ResponseCode.SUBSCRIPTION_NOT_EXIST);
    const badSql = pullRequest(topic, uniqueName('g'), 0, 0, 'a >');
    badSql.extFields!['expressionType'] = 'SQL92';
    expect((await remoting.invoke(broker, badSql, 5000)).code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
  });
});

describe('offsets, heartbeats and locks', () => {
  it('commits and queries consumer offsets; unknown offsets follow setZeroIfNotFound', async () => {
    const topic = uniqueName('of');
    await send(topic, Buffer.from('a'));
    const group = uniqueName('g');
    const query = (setZeroIfNotFound?: boolean) =>
      remoting.invoke(broker, RemotingCommand.request(RequestCode.QUERY_CONSUMER_OFFSET, QueryConsumerOffsetRequestHeader.encode({ consumerGroup: group, topic, queueId: 0, setZeroIfNotFound })), 5000);
    expect((await query(false)).code).toBe(ResponseCode.QUERY_NOT_FOUND);
    const zero = await query();
    expect(zero.code).toBe(ResponseCode.SUCCESS);
    expect(OffsetResponseHeader.decode(zero.extFields).offset).toBe(0);
    const update = (g: string) =>
      remoting.invoke(broker, RemotingCommand.request(RequestCode.UPDATE_CONSUMER_OFFSET, UpdateConsumerOffsetRequestHeader.encode({ consumerGroup: g, topic, queueId: 0, commitOffset: 1 })), 5000);
    expect((await update(group)).code).toBe(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    await remoting.invoke(broker, pullRequest(topic, group, 0), 5000); // creates the group
    expect((await update(group)).code).toBe(ResponseCode.SUCCESS);
    expect(OffsetResponseHeader.decode((await query(false)).extFields).offset).toBe(1);
  });

  it('creates %RETRY%group on a consumer heartbeat and lists the group members', async () => {
    const group = uniqueName('hb');
    const heartbeat = RemotingCommand.request(
      RequestCode.HEART_BEAT,
      undefined,
      encodeHeartbeatData({
        clientID: '127.0.0.1@raw',
        producerDataSet: [],
        consumerDataSet: [{ groupName: group, consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', subscriptionDataSet: [], unitMode: false }],
        heartbeatFingerprint: 0,
        withoutSub: false,
      }),
    );
    const response = await remoting.invoke(broker, heartbeat, 5000);
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(response.extFields).toMatchObject({ IS_SUPPORT_HEART_BEAT_V2: 'true', IS_SUB_CHANGE: 'true' });
    const retry = mq.instances!.brokers[0]!.context.topics.get(`%RETRY%${group}`)!;
    expect(retry).toMatchObject({ readQueueNums: 1, writeQueueNums: 1, perm: 6 });
    const list = await remoting.invoke(broker, RemotingCommand.request(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: group }), 5000);
    expect(JSON.parse(list.body!.toString())).toEqual({ consumerIdList: ['127.0.0.1@raw'] });
  });

  it('grants a queue lock to one client until it unlocks', async () => {
    const group = uniqueName('lk');
    const mqs = [{ topic: 'T', brokerName: 'broker-a', queueId: 0 }];
    const lock = async (clientId: string) =>
      decodeLockBatchResponseBody(
        (await remoting.invoke(broker, RemotingCommand.request(RequestCode.LOCK_BATCH_MQ, undefined, encodeLockBatchRequestBody({ consumerGroup: group, clientId, onlyThisBroker: false, mqSet: mqs })), 5000)).body!,
      ).lockOKMQSet;
    expect(await lock('c1')).toHaveLength(1);
    expect(await lock('c2')).toHaveLength(0);
    expect(await lock('c1')).toHaveLength(1);
    await remoting.invoke(broker, RemotingCommand.request(RequestCode.UNLOCK_BATCH_MQ, undefined, encodeLockBatchRequestBody({ consumerGroup: group, clientId: 'c1', onlyThisBroker: false, mqSet: mqs })), 5000);
    expect(await lock('c2')).toHaveLength(1);
  });

  it('sends a message back with delayLevel -1 straight to %DLQ%group, keeping its msgId', async () => {
    const topic = uniqueName('sb');
    const group = uniqueName('g');
    const sent = await send(topic, Buffer.from('dead'));
    const pulled = await remoting.invoke(broker, pullRequest(topic, group, 0), 5000);
    const [original] = decodeStoredMessages(pulled.body!);
    const back = await remoting.invoke(
      broker,
      RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK, ConsumerSendMsgBackRequestHeader.encode({ offset: original!.commitLogOffset, group, delayLevel: -1, originMsgId: original!.msgId, originTopic: topic, maxReconsumeTimes: 16 })),
      5000,
    );
    expect(back.code).toBe(ResponseCode.SUCCESS);
    const dlq = await remoting.invoke(broker, pullRequest(`%DLQ%${group}`, uniqueName('reader'), 0), 5000);
    expect(dlq.code).toBe(ResponseCode.SUCCESS);
    const [dead] = decodeStoredMessages(dlq.body!);
    expect(dead!.msgId).toBe(sent.extFields!['transactionId']);
    expect(dead!.reconsumeTimes).toBe(1);
    expect(dead!.getProperty('RETRY_TOPIC')).toBe(topic);
    expect(dead!.getProperty('ORIGIN_MESSAGE_ID')).toBe(original!.offsetMsgId);
  });
});

describe('robustness', () => {
  it('answers an unknown request code with REQUEST_CODE_NOT_SUPPORTED', async () => {
    const response = await remoting.invoke(broker, RemotingCommand.request(9999), 5000);
    expect(response.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  });

  it('never answers a one-way request', async () => {
    const socket = net.connect(Number(broker.split(':')[1]), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    await new Promise((r) => socket.once('connect', r));
    socket.write(encodeCommand(RemotingCommand.request(9999).markOneway()));
    await new Promise((r) => setTimeout(r, 200));
    socket.destroy();
    expect(Buffer.concat(chunks).length).toBe(0);
  });

  it('closes a connection that sends a malformed frame and keeps serving others', async () => {
    const socket = net.connect(Number(broker.split(':')[1]), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const closed = new Promise((r) => socket.once('close', r));
    const garbage = Buffer.alloc(16);
    garbage.writeInt32BE(12, 0);
    garbage.writeInt32BE(0x05000004, 4); // unknown serialize type 5
    socket.write(garbage);
    await closed;
    const oversized = net.connect(Number(broker.split(':')[1]), '127.0.0.1');
    await new Promise((r) => oversized.once('connect', r));
    const closed2 = new Promise((r) => oversized.once('close', r));
    const huge = Buffer.alloc(8);
    huge.writeInt32BE(0x7fffffff, 0);
    oversized.write(huge);
    await closed2;
    expect((await send(uniqueName('alive'), Buffer.from('still here'))).code).toBe(ResponseCode.SUCCESS);
  });
});
