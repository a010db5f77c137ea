/**
 * A subscribe-mode PullConsumer whose rebalance could not read a queue's start offset takes that queue one second
 * later, not at the next periodic rebalance (20 s). The embedded broker refuses the group's first three
 * QUERY_CONSUMER_OFFSET requests with SYSTEM_ERROR (a broker feature wrapping the real handler), as a busy or restarting
 * broker can.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningEmbeddedRocketMQ } from '../../libs/broker/src/index.js';
import { consumerManageProcessors } from '../../libs/broker/src/broker/processors/consumer-manage-processor.js';
import { PullConsumer } from '../../libs/rocketmq/src/client/consumer/pull-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { Message, type MessageExt } from '../../libs/rocketmq/src/protocol/message/message.js';
import { RemotingCommand } from '../../libs/rocketmq/src/protocol/remoting-command.js';
import { RequestCode } from '../../libs/rocketmq/src/protocol/request-code.js';
import { ResponseCode } from '../../libs/rocketmq/src/protocol/response-code.js';
import { quiet, startEmbedded, uniqueName, waitFor } from './support/embedded.js';

const FLAKY_GROUP = uniqueName('pull_flaky_offsets');
/** More than the rebalances that start-up itself triggers (its own, and the one after its heartbeat). */
const REFUSALS = 3;
let refused = 0;
let mq: RunningEmbeddedRocketMQ;

beforeAll(async () => {
  mq = await startEmbedded({
    features: (ctx) => {
      const query = consumerManageProcessors(ctx).get(RequestCode.QUERY_CONSUMER_OFFSET)!;
      ctx.registerProcessor(RequestCode.QUERY_CONSUMER_OFFSET, (request, connection) => {
        if (request.extFields?.['consumerGroup'] === FLAKY_GROUP && refused < REFUSALS) {
          refused++;
          return RemotingCommand.response(request, ResponseCode.SYSTEM_ERROR, 'injected: offset table busy');
        }
        return query(request, connection);
      });
      return [];
    },
  });
}, 30_000);

afterAll(async () => {
  await mq?.stop();
});

describe('PullConsumer rebalance', () => {
  it('takes a queue whose start offset could not be read a second later, again until it can', async () => {
    const topic = uniqueName('PullRetry');
    const producer = new Producer({ nameServer: mq.nameServer, group: uniqueName('pull_retry_pg'), logger: quiet });
    await producer.start();
    for (let i = 0; i < 8; i++) await producer.send(new Message(topic, Buffer.from(`m${i}`)));
    await producer.shutdown();

    const consumer = new PullConsumer({ nameServer: mq.nameServer, group: FLAKY_GROUP, logger: quiet, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    consumer.subscribe(topic, '*');
    await consumer.start();
    try {
      const startedAt = Date.now();
      await waitFor(() => consumer.assignment().length === 4, 8_000, 'the fourth queue');
      expect(Date.now() - startedAt).toBeLessThan(8_000);
      expect(refused).toBe(REFUSALS);
      const got: MessageExt[] = [];
      for (const deadline = Date.now() + 10_000; got.length < 8 && Date.now() < deadline; ) got.push(...(await consumer.poll(500)));
      expect(got.map((m) => m.body.toString()).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `m${i}`).sort());
    } finally {
      await consumer.shutdown();
    }
  }, 30_000);
});
