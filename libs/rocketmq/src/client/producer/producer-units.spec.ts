import { describe, expect, it } from '@jest/globals';
import { MessageConst } from '../../protocol/message/message-const.js';
import { Message } from '../../protocol/message/message.js';
import { parsePropertiesString } from '../../protocol/message/properties.js';
import { RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { RocketMQResponseError } from '../../protocol/errors.js';
import { dlqTopic, retryTopic, unwrapNamespace, wrapNamespace } from '../namespace.js';
import { LatencyFaultTolerance } from './latency-fault-tolerance.js';
import { javaHashCode, selectByHash } from './message-queue-selector.js';
import { buildSendRequest, processSendResponse } from './send-request.js';
import { TopicPublishInfo } from './topic-publish-info.js';

const queues = [0, 1, 2, 3].flatMap((queueId) => ['broker-a', 'broker-b'].map((brokerName) => ({ topic: 'T', brokerName, queueId })));

describe('queue selection', () => {
  it('round-robins over every queue', () => {
    const info = new TopicPublishInfo(queues);
    const faults = new LatencyFaultTolerance(false);
    const seen = new Set<string>();
    for (let i = 0; i < queues.length; i++) {
      const mq = info.select(undefined, faults);
      seen.add(`${mq.brokerName}/${mq.queueId}`);
    }
    expect(seen.size).toBe(queues.length);
  });

  it('avoids the broker of the failed attempt on a retry', () => {
    const info = new TopicPublishInfo(queues);
    const faults = new LatencyFaultTolerance(false);
    for (let i = 0; i < 20; i++) expect(info.select('broker-a', faults).brokerName).toBe('broker-b');
  });

  it('skips a broker the fault strategy marked unavailable, and falls back when all are', () => {
    const info = new TopicPublishInfo(queues);
    const faults = new LatencyFaultTolerance(true);
    faults.update('broker-a', 0, true);
    for (let i = 0; i < 20; i++) expect(info.select(undefined, faults).brokerName).toBe('broker-b');
    faults.update('broker-b', 0, true);
    expect(['broker-a', 'broker-b']).toContain(info.select(undefined, faults).brokerName);
  });

  it('marks brokers by observed latency with the 5.x thresholds', () => {
    const faults = new LatencyFaultTolerance(true);
    faults.update('fast', 40, false);
    faults.update('slow', 600, false);
    expect(faults.isAvailable('fast')).toBe(true);
    expect(faults.isAvailable('slow')).toBe(false);
    expect(new LatencyFaultTolerance(false).isAvailable('anything')).toBe(true);
  });
});

describe('ordered send: hash of the sharding key', () => {
  it('matches Java hashCode for strings, ints and longs', () => {
    expect(javaHashCode('order-1')).toBe(-1207111310); // "order-1".hashCode() in Java (31-based int32 arithmetic)
    expect(javaHashCode(42)).toBe(42);
    expect(javaHashCode(-7)).toBe(-7);
    expect(javaHashCode(2 ** 40)).toBe(256); // Long.hashCode(1L << 40) = (int)(v ^ v >>> 32)
  });

  it('picks |hash mod n| like SelectMessageQueueByHash', () => {
    const message = new Message('T', Buffer.from('x'));
    expect(selectByHash(queues, message, 'order-1')).toBe(queues[Math.abs(-1207111310 % queues.length)]);
    expect(selectByHash(queues, message, -7)).toBe(queues[7]);
  });
});

describe('namespaces', () => {
  it('wraps and unwraps topics and groups, retry and DLQ included, and leaves system topics alone', () => {
    expect(wrapNamespace('ns1', 'Orders')).toBe('ns1%Orders');
    expect(wrapNamespace('ns1', 'ns1%Orders')).toBe('ns1%Orders');
    expect(wrapNamespace('ns1', retryTopic('cg'))).toBe('%RETRY%ns1%cg');
    expect(wrapNamespace('ns1', dlqTopic('cg'))).toBe('%DLQ%ns1%cg');
    expect(wrapNamespace('ns1', 'TBW102')).toBe('TBW102');
    expect(wrapNamespace('ns1', 'DefaultCluster_REPLY_TOPIC')).toBe('DefaultCluster_REPLY_TOPIC');
    expect(unwrapNamespace('ns1', '%RETRY%ns1%cg')).toBe('%RETRY%cg');
    expect(unwrapNamespace('ns1', 'ns1%Orders')).toBe('Orders');
    expect(wrapNamespace(undefined, 'Orders')).toBe('Orders');
  });
});

describe('SEND_MESSAGE_V2 request', () => {
  const base = { producerGroup: 'pg', compressThreshold: 4096, createTopicKey: 'TBW102', defaultTopicQueueNums: 4 };

  it('carries the one-letter header fields Java sends', () => {
    const message = new Message('T', Buffer.from('body'), { tags: 'A', keys: ['k'] });
    message.putProperty(MessageConst.UNIQ_KEY, 'ID1');
    const request = buildSendRequest({ ...base, queue: { topic: 'T', brokerName: 'b', queueId: 3 }, message });
    expect(request.code).toBe(RequestCode.SEND_MESSAGE_V2);
    const ext = request.extFields!;
    expect(ext).toMatchObject({ a: 'pg', b: 'T', c: 'TBW102', d: '4', e: '3', f: '0', h: '0', j: '0', k: 'false', m: 'false', n: 'b' });
    expect(Number(ext.g)).toBeGreaterThan(0);
    expect(parsePropertiesString(ext.i!)).toMatchObject({ TAGS: 'A', KEYS: 'k', UNIQ_KEY: 'ID1', WAIT: 'true' });
    expect(request.body?.toString()).toBe('body');
  });

  it('compresses from the threshold on, and flags transactional half messages', () => {
    const message = new Message('T', Buffer.alloc(5000, 'a'));
    message.putProperty(MessageConst.TRAN_MSG, 'true');
    const request = buildSendRequest({ ...base, queue: { topic: 'T', brokerName: 'b', queueId: 0 }, message });
    expect(Number(request.extFields!.f) & 0x1).toBe(0x1);
    expect(Number(request.extFields!.f) & 0x4).toBe(0x4);
    expect(request.body!.length).toBeLessThan(5000);
  });

  it('moves the reconsume counters of retry-topic messages into the header', () => {
    const message = new Message('%RETRY%cg', Buffer.from('x'));
    message.putProperty(MessageConst.RECONSUME_TIME, '3');
    message.putProperty(MessageConst.MAX_RECONSUME_TIMES, '16');
    const request = buildSendRequest({ ...base, queue: { topic: '%RETRY%cg', brokerName: 'b', queueId: 0 }, message });
    expect(request.extFields).toMatchObject({ j: '3', l: '16' });
    expect(parsePropertiesString(request.extFields!.i!)).not.toHaveProperty('RECONSUME_TIME');
  });

  it('uses SEND_REPLY_MESSAGE_V2 for replies and SEND_BATCH_MESSAGE for batches', () => {
    const reply = new Message('C_REPLY_TOPIC', Buffer.from('x'));
    reply.putProperty(MessageConst.MSG_TYPE, 'reply');
    expect(buildSendRequest({ ...base, queue: { topic: 'C_REPLY_TOPIC', brokerName: 'b', queueId: 0 }, message: reply }).code).toBe(RequestCode.SEND_REPLY_MESSAGE_V2);
    const batch = buildSendRequest({ ...base, queue: { topic: 'T', brokerName: 'b', queueId: 0 }, message: new Message('T', Buffer.from('x')), batchBody: Buffer.from('batch') });
    expect(batch.code).toBe(RequestCode.SEND_BATCH_MESSAGE);
    expect(batch.extFields!.m).toBe('true');
  });

  it('maps the send response codes: stored statuses to results, other codes to typed errors', () => {
    const request = RemotingCommand.request(RequestCode.SEND_MESSAGE_V2);
    const queue = { topic: 'T', brokerName: 'b', queueId: 0 };
    const ok = RemotingCommand.response(request, ResponseCode.FLUSH_DISK_TIMEOUT, undefined, { msgId: 'OFF', queueId: '2', queueOffset: '9', MSG_REGION: 'r', TRACE_ON: 'false' });
    expect(processSendResponse(ok, 'addr', request, queue, 'UNIQ')).toEqual({
      status: 'FLUSH_DISK_TIMEOUT',
      msgId: 'UNIQ',
      offsetMsgId: 'OFF',
      messageQueue: { topic: 'T', brokerName: 'b', queueId: 2 },
      queueOffset: 9,
      transactionId: undefined,
      regionId: 'r',
      traceOn: false,
    });
    const refused = RemotingCommand.response(request, ResponseCode.MESSAGE_ILLEGAL, 'too big');
    expect(() => processSendResponse(refused, 'addr', request, queue, 'UNIQ')).toThrow(RocketMQResponseError);
    expect(() => processSendResponse(refused, 'addr', request, queue, 'UNIQ')).toThrow(/MESSAGE_ILLEGAL\(13\).*too big/);
  });
});
