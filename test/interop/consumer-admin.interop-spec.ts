/**
 * Requests the broker forwards to a consumer on behalf of admin tools: GET_CONSUMER_RUNNING_INFO,
 * CONSUME_MESSAGE_DIRECTLY and (through INVOKE_BROKER_TO_GET_CONSUMER_STATUS) GET_CONSUMER_STATUS_FROM_CLIENT,
 * sent here as mqadmin would send them, to a real broker.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { AdminClient } from '../../libs/rocketmq/src/client/admin/admin-client.js';
import { ClientInstance } from '../../libs/rocketmq/src/client/client-instance.js';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { decodeConsumeMessageDirectlyResult } from '../../libs/rocketmq/src/protocol/body/consume-message-directly-result.js';
import { ConsumerRunningInfoProp, decodeConsumerRunningInfo } from '../../libs/rocketmq/src/protocol/body/consumer-running-info.js';
import { Message } from '../../libs/rocketmq/src/protocol/message/message.js';
import { RemotingCommand } from '../../libs/rocketmq/src/protocol/remoting-command.js';
import { RequestCode } from '../../libs/rocketmq/src/protocol/request-code.js';
import { ResponseCode } from '../../libs/rocketmq/src/protocol/response-code.js';
import { nameServer, uniqueName } from './support/target.js';

const quiet = { log() {}, warn() {}, error() {} };
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
});

describe('push consumer, admin requests through the broker', () => {
  it('answers GET_CONSUMER_RUNNING_INFO and CONSUME_MESSAGE_DIRECTLY', async () => {
    const topic = uniqueName('at');
    const group = uniqueName('ag');
    const producer = new Producer({ nameServer: nameServer(), group: uniqueName('pg'), logger: quiet });
    await producer.start();
    cleanups.push(() => producer.shutdown());
    const sent = await producer.send(new Message(topic, Buffer.from('hello'), { tags: 'A' }));

    const bodies: string[] = [];
    const consumer = new PushConsumer({ nameServer: nameServer(), group, logger: quiet, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' })
      .subscribe(topic, 'A')
      .onMessage((m) => {
        bodies.push(m.body.toString());
      });
    await consumer.start();
    cleanups.push(() => consumer.shutdown({ drainTimeoutMs: 1000 }));
    const deadline = Date.now() + 15_000;
    while (bodies.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    const admin = ClientInstance.acquire({ nameServer: nameServer(), logger: quiet });
    cleanups.push(() => admin.release());
    await admin.updateTopicRoute(topic);
    const addr = admin.masterAddr(sent.messageQueue.brokerName)!;

    const info = await admin.remoting.invoke(
      addr,
      RemotingCommand.request(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: group, clientId: consumer.clientId, jstackEnable: 'false' }),
      10_000,
    );
    expect(info.code).toBe(ResponseCode.SUCCESS);
    const running = decodeConsumerRunningInfo(info.body!);
    expect(running.properties[ConsumerRunningInfoProp.CONSUME_TYPE]).toBe('CONSUME_PASSIVELY');
    expect(running.properties[ConsumerRunningInfoProp.CONSUME_ORDERLY]).toBe('false');
    expect(running.subscriptionSet.map((s) => s.topic).sort()).toEqual([`%RETRY%${group}`, topic].sort());
    expect([...running.mqTable.keys()].filter((q) => q.topic === topic)).toHaveLength(4);

    const direct = await admin.remoting.invoke(
      addr,
      RemotingCommand.request(RequestCode.CONSUME_MESSAGE_DIRECTLY, {
        consumerGroup: group,
        clientId: consumer.clientId,
        msgId: sent.offsetMsgId,
        brokerName: sent.messageQueue.brokerName,
        topic,
      }),
      10_000,
    );
    expect(direct.code).toBe(ResponseCode.SUCCESS);
    expect(decodeConsumeMessageDirectlyResult(direct.body!).consumeResult).toBe('CR_SUCCESS');
    expect(bodies).toEqual(['hello', 'hello']);
  }, 40_000);

  it("answers the consumer-status request with the offsets it holds (mqadmin getConsumerStatus)", async () => {
    const topic = uniqueName('st');
    const group = uniqueName('sg');
    const producer = new Producer({ nameServer: nameServer(), group: uniqueName('pg'), logger: quiet });
    await producer.start();
    cleanups.push(() => producer.shutdown());
    for (let i = 0; i < 8; i++) await producer.send(new Message(topic, Buffer.from(`m${i}`)));

    let consumed = 0;
    const consumer = new PushConsumer({ nameServer: nameServer(), group, logger: quiet, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' })
      .subscribe(topic)
      .onMessage(() => {
        consumed += 1;
      });
    await consumer.start();
    cleanups.push(() => consumer.shutdown({ drainTimeoutMs: 1000 }));
    const deadline = Date.now() + 15_000;
    while (consumed < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(consumed).toBe(8);

    const admin = new AdminClient({ nameServer: nameServer(), logger: quiet });
    await admin.start();
    cleanups.push(() => admin.shutdown());
    const status = await admin.consumerStatus(topic, group);
    expect([...status.keys()]).toEqual([consumer.clientId]);
    const offsets = status.get(consumer.clientId)!;
    expect(offsets.size).toBe(4);
    expect([...offsets.values()].reduce((a, b) => a + b, 0)).toBe(8);
    expect([...offsets.keys()].every((mq) => mq.topic === topic)).toBe(true);
  }, 40_000);
});
