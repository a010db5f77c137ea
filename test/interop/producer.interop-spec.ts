import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { Message, type MessageExt } from '../../libs/rocketmq/src/protocol/message/message.js';
import { decodeOffsetMessageId } from '../../libs/rocketmq/src/protocol/message/message-id.js';
import { decodeStoredMessage } from '../../libs/rocketmq/src/protocol/message/stored-message-codec.js';
import { RemotingCommand } from '../../libs/rocketmq/src/protocol/remoting-command.js';
import { RequestCode } from '../../libs/rocketmq/src/protocol/request-code.js';
import { ResponseCode } from '../../libs/rocketmq/src/protocol/response-code.js';
import { RemotingClient } from '../../libs/rocketmq/src/remoting/remoting-client.js';
import { RocketMQClientError } from '../../libs/rocketmq/src/protocol/errors.js';
import { nameServer, uniqueName } from './support/target.js';

/** Reads a stored message back by its offset id (VIEW_MESSAGE_BY_ID), independent of the consumer code. */
async function viewMessage(remoting: RemotingClient, offsetMsgId: string): Promise<MessageExt> {
  const { storeHost, commitLogOffset } = decodeOffsetMessageId(offsetMsgId);
  const response = await remoting.invoke(storeHost, RemotingCommand.request(RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(commitLogOffset) }), 3000);
  expect(response.code).toBe(ResponseCode.SUCCESS);
  return decodeStoredMessage(response.body!, 0);
}

describe('producer against Apache RocketMQ', () => {
  let producer: Producer;
  const remoting = new RemotingClient();
  const topic = uniqueName('ProducerTopic');

  beforeAll(async () => {
    producer = new Producer({ nameServer: nameServer(), group: uniqueName('producer_group') });
    await producer.start();
  });

  afterAll(async () => {
    await producer.shutdown();
    await remoting.close();
  });

  it('sends synchronously to a new topic (auto-created through TBW102) and the broker stores tags, keys and properties', async () => {
    const message = new Message(topic, Buffer.from('hello rocketmq'), { tags: 'TagA', keys: ['order-1', 'user-7'] });
    message.putUserProperty('region', 'eu');
    const result = await producer.send(message);
    expect(result.status).toBe('SEND_OK');
    expect(result.msgId).toMatch(/^[0-9A-F]{32}$/);
    expect(result.offsetMsgId).toMatch(/^[0-9A-F]{32}$/);
    expect(result.messageQueue.topic).toBe(topic);
    const stored = await viewMessage(remoting, result.offsetMsgId);
    expect(stored.body.toString()).toBe('hello rocketmq');
    expect(stored.tags).toBe('TagA');
    expect(stored.keys).toEqual(['order-1', 'user-7']);
    expect(stored.getProperty('region')).toBe('eu');
    expect(stored.msgId).toBe(result.msgId);
    expect(stored.queueOffset).toBe(result.queueOffset);
    expect(stored.getProperty('CLUSTER')).toBeTruthy();
  });

  it('compresses bodies from 4 KiB on, and the stored message decodes to the original body', async () => {
    const body = Buffer.from('0123456789abcdef'.repeat(1024));
    const result = await producer.send(new Message(topic, body));
    const stored = await viewMessage(remoting, result.offsetMsgId);
    expect(stored.body.equals(body)).toBe(true);
    expect(stored.storeSize).toBeLessThan(body.length);
  });

  it('sends many messages concurrently (async window) with every result SEND_OK and distinct offsets per queue', async () => {
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => producer.send(new Message(topic, Buffer.from(`m${i}`)))));
    expect(results.every((r) => r.status === 'SEND_OK')).toBe(true);
    const seen = new Set(results.map((r) => `${r.messageQueue.brokerName}/${r.messageQueue.queueId}/${r.queueOffset}`));
    expect(seen.size).toBe(300);
  });

  it('sends one-way without waiting for a result', async () => {
    await expect(producer.sendOneway(new Message(topic, Buffer.from('one-way')))).resolves.toBeUndefined();
  });

  it('sends a batch as one request: consecutive offsets in one queue, one msgId per message', async () => {
    const messages = Array.from({ length: 32 }, (_, i) => new Message(topic, Buffer.from(`batch-${i}`), { keys: [`b${i}`] }));
    const result = await producer.sendBatch(messages);
    expect(result.status).toBe('SEND_OK');
    const ids = result.msgId.split(',');
    expect(ids).toHaveLength(32);
    expect(new Set(ids).size).toBe(32);
    const offsetIds = result.offsetMsgId.split(',');
    expect(offsetIds).toHaveLength(32);
    const last = await viewMessage(remoting, offsetIds[31]!);
    expect(last.body.toString()).toBe('batch-31');
    expect(last.queueOffset).toBe(result.queueOffset + 31);
    expect(last.msgId).toBe(ids[31]);
  });

  it('sends ordered messages: every message of one sharding key lands in the same queue', async () => {
    const queuesByKey = new Map<string, Set<number>>();
    for (let i = 0; i < 40; i++) {
      const key = `order-${i % 5}`;
      const result = await producer.sendOrderly(new Message(topic, Buffer.from(`${key}:${i}`)), key);
      if (!queuesByKey.has(key)) queuesByKey.set(key, new Set());
      queuesByKey.get(key)!.add(result.messageQueue.queueId);
    }
    for (const queues of queuesByKey.values()) expect(queues.size).toBe(1);
  });

  it('sends a message with a delay level; the broker parks it in SCHEDULE_TOPIC_XXXX with the real topic', async () => {
    const result = await producer.send(new Message(topic, Buffer.from('later'), { delayLevel: 2 }));
    expect(result.status).toBe('SEND_OK');
    const stored = await viewMessage(remoting, result.offsetMsgId);
    expect(stored.getProperty('DELAY')).toBe('2');
    expect(stored.getProperty('REAL_TOPIC')).toBe(topic);
    expect(stored.topic).toBe('SCHEDULE_TOPIC_XXXX');
  });

  it('refuses a message over the maximum size before sending it', async () => {
    const big = new Message(topic, Buffer.alloc(4 * 1024 * 1024 + 1));
    await expect(producer.send(big)).rejects.toThrow(RocketMQClientError);
    await expect(producer.send(big)).rejects.toThrow(/maximum message size/);
  });

  it.each([
    ['', /blank/],
    ['has space', /illegal characters/],
    ['x'.repeat(128), /maximum is 127/],
    ['TBW102', /forbidden/],
  ])('refuses the topic name %j with a clear error', async (name, pattern) => {
    await expect(producer.send(new Message(name, Buffer.from('x')))).rejects.toThrow(pattern);
  });

  it('refuses an empty body', async () => {
    await expect(producer.send(new Message(topic, Buffer.alloc(0)))).rejects.toThrow(/empty/);
  });
});
