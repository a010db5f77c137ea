/**
 * Our client against EmbeddedRocketMQ for the delivery features: delay levels, timer messages (deliverAt),
 * transactional messages with check-back, and request-reply.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { createReplyMessage } from '../../libs/rocketmq/src/client/producer/reply.js';
import { TransactionProducer, type LocalTransactionState } from '../../libs/rocketmq/src/client/producer/transaction-producer.js';
import { Message } from '../../libs/rocketmq/src/protocol/message/message.js';
import type { MessageExt } from '../../libs/rocketmq/src/protocol/message/message.js';
import type { RunningEmbeddedRocketMQ } from '../../libs/broker/src/index.js';
import { Cleanups, quiet, sleep, startEmbedded, uniqueName, waitFor } from './support/embedded.js';

let mq: RunningEmbeddedRocketMQ;
const cleanups = new Cleanups();

beforeAll(async () => {
  mq = await startEmbedded({
    brokerConfig: { messageDelayLevel: '1s 2s', timerPrecisionMs: 100, transactionTimeOut: 500, transactionCheckInterval: 500, transactionCheckMax: 100 },
  });
});
afterEach(() => cleanups.run());
afterAll(() => mq.stop());

async function producer(): Promise<Producer> {
  const p = new Producer({ nameServer: mq.nameServer, group: uniqueName('pg'), logger: quiet });
  await p.start();
  cleanups.add(() => p.shutdown());
  return p;
}

async function consume(topic: string, onMessage: (m: MessageExt) => void | Promise<void>): Promise<PushConsumer> {
  const c = new PushConsumer({ nameServer: mq.nameServer, group: uniqueName('cg'), logger: quiet, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
  cleanups.add(() => c.shutdown({ drainTimeoutMs: 1000 }));
  await c.subscribe(topic).onMessage(onMessage).start();
  return c;
}

describe('delayed and timer messages', () => {
  it('delivers a delay-level message after its level delay and a deliverAt message at its time', async () => {
    const topic = uniqueName('dt');
    const p = await producer();
    await p.send(new Message(topic, Buffer.from('warm-up')));
    const arrived = new Map<string, number>();
    await consume(topic, (m) => {
      arrived.set(m.body.toString(), Date.now());
    });
    await waitFor(() => arrived.has('warm-up'), 15_000, 'the warm-up message');
    const sentAt = Date.now();
    await p.send(new Message(topic, Buffer.from('delayed'), { delayLevel: 1 }));
    await p.send(new Message(topic, Buffer.from('timed'), { deliverAt: sentAt + 1500 }));
    await waitFor(() => arrived.has('delayed') && arrived.has('timed'), 10_000, 'both scheduled messages');
    expect(arrived.get('delayed')! - sentAt).toBeGreaterThanOrEqual(1000);
    expect(arrived.get('timed')! - sentAt).toBeGreaterThanOrEqual(1500);
    expect(arrived.get('timed')! - sentAt).toBeLessThan(4000);
  }, 40_000);
});

describe('transactional messages', () => {
  it('commits on the local verdict, and settles an unknown one through the check-back, once', async () => {
    const topic = uniqueName('tx');
    const checked: string[] = [];
    const tp = new TransactionProducer({
      nameServer: mq.nameServer,
      group: uniqueName('tpg'),
      logger: quiet,
      // the check-back needs the broker to know this producer: heartbeat soon after the first send
      heartbeatBrokerIntervalMs: 500,
      transactionListener: {
        executeLocalTransaction: (m): LocalTransactionState => (m.body.toString() === 'later' ? 'UNKNOWN' : m.body.toString() === 'no' ? 'ROLLBACK' : 'COMMIT'),
        checkLocalTransaction: (m): LocalTransactionState => {
          checked.push(m.body.toString());
          return 'COMMIT';
        },
      },
    });
    await tp.start();
    cleanups.add(() => tp.shutdown());
    // the topic exists before the consumer starts (a consumer without a route never heartbeats to the broker)
    await (await producer()).send(new Message(topic, Buffer.from('warm-up')));
    const got: string[] = [];
    await consume(topic, (m) => {
      if (m.body.toString() !== 'warm-up') got.push(m.body.toString());
    });
    await tp.sendMessageInTransaction(new Message(topic, Buffer.from('now')));
    await tp.sendMessageInTransaction(new Message(topic, Buffer.from('no')));
    await tp.sendMessageInTransaction(new Message(topic, Buffer.from('later')));
    await waitFor(() => got.includes('now') && got.includes('later'), 20_000, 'the committed messages');
    await sleep(1500);
    expect(got.sort()).toEqual(['later', 'now']);
    expect(checked).toEqual(['later']);
  }, 40_000);
});

describe('request-reply', () => {
  it('answers a request through the broker push', async () => {
    const topic = uniqueName('rq');
    const requester = await producer();
    const responder = await producer();
    await requester.send(new Message(topic, Buffer.from('warm-up')));
    await consume(topic, async (m) => {
      if (m.body.toString() === 'warm-up') return;
      await responder.send(createReplyMessage(m, Buffer.from(`re: ${m.body.toString()}`)));
    });
    const reply = await requester.request(new Message(topic, Buffer.from('ping')), 15_000);
    expect(reply.body.toString()).toBe('re: ping');
  }, 40_000);
});
