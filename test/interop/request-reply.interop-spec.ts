/** Request-reply against Apache RocketMQ: the reply is pushed by the broker to the requester. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { RocketMQTimeoutError } from '../../libs/rocketmq/src/protocol/errors.js';
import { Message } from '../../libs/rocketmq/src/protocol/message/message.js';
import { Cleanups, testLogger } from './support/helpers.js';
import { nameServer, uniqueName } from './support/target.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

async function producer(group = uniqueName('rr_pg')): Promise<Producer> {
  const p = new Producer({ nameServer: nameServer(), group, logger: testLogger });
  await p.start();
  cleanups.add(() => p.shutdown());
  return p;
}

describe('request-reply', () => {
  it('sends a request and receives the reply a consumer sends back', async () => {
    const topic = uniqueName('RequestTopic');
    const requester = await producer();
    const responder = await producer();
    await requester.send(new Message(topic, Buffer.from('warm-up')));
    const consumer = new PushConsumer({ nameServer: nameServer(), group: uniqueName('rr_cg'), logger: testLogger })
      .subscribe(topic, 'ask')
      .onMessage(async (request) => {
        await responder.reply(request, Buffer.from(`answer to ${request.body.toString()}`));
      });
    await consumer.start();
    cleanups.add(() => consumer.shutdown({ drainTimeoutMs: 500 }));

    const replies = await Promise.all(
      ['a', 'b', 'c'].map((q) => requester.request(new Message(topic, Buffer.from(q), { tags: 'ask' }), 15_000)),
    );
    expect(replies.map((r) => r.body.toString()).sort()).toEqual(['answer to a', 'answer to b', 'answer to c']);
    expect(replies[0]!.getProperty('MSG_TYPE')).toBe('reply');
  }, 40_000);

  it('times out with a typed error when nobody replies', async () => {
    const topic = uniqueName('RequestTopic');
    const requester = await producer();
    await expect(requester.request(new Message(topic, Buffer.from('anyone?')), 1500)).rejects.toThrow(RocketMQTimeoutError);
  }, 20_000);
});
