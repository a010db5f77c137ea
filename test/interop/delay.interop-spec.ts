/** Delay levels (4.x and 5.x) and 5.x timer messages: delivered no earlier than asked. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { Message, type MessageExt } from '../../libs/rocketmq/src/protocol/message/message.js';
import { Cleanups, testLogger, waitFor } from './support/helpers.js';
import { nameServer, supportsTimerMessages, uniqueName } from './support/target.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

async function pair() {
  const topic = uniqueName('DelayTopic');
  const producer = new Producer({ nameServer: nameServer(), group: uniqueName('delay_pg'), logger: testLogger });
  await producer.start();
  cleanups.add(() => producer.shutdown());
  await producer.send(new Message(topic, Buffer.from('warm-up'), { tags: 'warm' }));
  const received: { message: MessageExt; at: number }[] = [];
  const consumer = new PushConsumer({ nameServer: nameServer(), group: uniqueName('delay_cg'), logger: testLogger })
    .subscribe(topic, 'd')
    .onMessage((message) => {
      received.push({ message, at: Date.now() });
    });
  await consumer.start();
  cleanups.add(() => consumer.shutdown({ drainTimeoutMs: 500 }));
  return { topic, producer, received };
}

describe('delayed delivery', () => {
  it('holds a delay-level-2 message for about 5 s', async () => {
    const { topic, producer, received } = await pair();
    const sentAt = Date.now();
    await producer.send(new Message(topic, Buffer.from('in 5s'), { tags: 'd', delayLevel: 2 }));
    await waitFor(() => received.length === 1, 30_000, 'the delayed message');
    const waited = received[0]!.at - sentAt;
    expect(waited).toBeGreaterThanOrEqual(4500);
    expect(waited).toBeLessThan(15_000);
    expect(received[0]!.message.topic).toBe(topic);
    // what the broker leaves on it (Apache 4.9 and 5.x serialise the properties before clearing these)
    expect(received[0]!.message.properties).toMatchObject({ DELAY: '2', REAL_TOPIC: topic, REAL_QID: String(received[0]!.message.queueId) });
  }, 40_000);

  if (supportsTimerMessages()) {
    it('delivers a 5.x timer message at the requested time', async () => {
      const { topic, producer, received } = await pair();
      const deliverAt = Date.now() + 3000;
      await producer.send(new Message(topic, Buffer.from('at a time'), { tags: 'd', deliverAt }));
      await waitFor(() => received.length === 1, 20_000, 'the timer message');
      // The timer wheel has a precision of 1 s.
      expect(received[0]!.at).toBeGreaterThanOrEqual(deliverAt - 1000);
      expect(received[0]!.at - deliverAt).toBeLessThan(5000);
      const properties = received[0]!.message.properties;
      expect(properties).toMatchObject({ REAL_TOPIC: topic, REAL_QID: String(received[0]!.message.queueId) });
      expect(Number(properties['TIMER_DEQUEUE_MS'])).toBeGreaterThanOrEqual(Number(properties['TIMER_ENQUEUE_MS']));
    }, 30_000);
  } else {
    it('4.9 has no timer wheel: a timer message is delivered at once (documented limitation)', async () => {
      const { topic, producer, received } = await pair();
      const sentAt = Date.now();
      await producer.send(new Message(topic, Buffer.from('at a time'), { tags: 'd', deliverAt: sentAt + 60_000 }));
      await waitFor(() => received.length === 1, 20_000, 'the timer message');
      expect(received[0]!.at - sentAt).toBeLessThan(20_000);
    }, 30_000);
  }
});
