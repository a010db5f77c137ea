/**
 * Transactional messages against Apache RocketMQ: commit, rollback, a local transaction that throws,
 * and an UNKNOWN answer settled by the broker's check-back.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import {
  LocalTransactionError,
  TransactionProducer,
  type LocalTransactionState,
} from '../../libs/rocketmq/src/client/producer/transaction-producer.js';
import { Message, type MessageExt } from '../../libs/rocketmq/src/protocol/message/message.js';
import { Cleanups, sleep, testLogger, waitFor } from './support/helpers.js';
import { nameServer, uniqueName } from './support/target.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

/** Check-backs start after the broker's transactionTimeOut and repeat every transactionCheckInterval. */
const CHECK_BACK_WAIT_MS = Number(process.env.ROCKETMQ_CHECK_BACK_WAIT_MS ?? 90_000);

async function setup(check: (message: MessageExt) => LocalTransactionState) {
  const topic = uniqueName('TxTopic');
  const checks: MessageExt[] = [];
  const producer = new TransactionProducer({
    nameServer: nameServer(),
    group: uniqueName('tx_pg'),
    logger: testLogger,
    transactionListener: {
      executeLocalTransaction: () => 'COMMIT',
      checkLocalTransaction: (message) => {
        checks.push(message);
        return check(message);
      },
    },
  });
  await producer.start();
  cleanups.add(() => producer.shutdown());
  // Create the topic before the consumer subscribes.
  await producer.send(new Message(topic, Buffer.from('warm-up')));
  const received: MessageExt[] = [];
  const consumer = new PushConsumer({ nameServer: nameServer(), group: uniqueName('tx_cg'), logger: testLogger, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' })
    .subscribe(topic, 'tx')
    .onMessage((message) => {
      received.push(message);
    });
  await consumer.start();
  cleanups.add(() => consumer.shutdown({ drainTimeoutMs: 500 }));
  return { topic, producer, received, checks };
}

describe('transactional messages', () => {
  it('delivers a committed message and never a rolled-back one', async () => {
    const { topic, producer, received } = await setup(() => 'UNKNOWN');
    const committed = await producer.sendMessageInTransaction(new Message(topic, Buffer.from('commit me'), { tags: 'tx' }), 'order-1', () => 'COMMIT');
    const rolledBack = await producer.sendMessageInTransaction(new Message(topic, Buffer.from('roll me back'), { tags: 'tx' }), 'order-2', () => 'ROLLBACK');
    expect(committed.localTransactionState).toBe('COMMIT');
    expect(rolledBack.localTransactionState).toBe('ROLLBACK');
    await waitFor(() => received.length >= 1, 20_000, 'the committed message');
    await sleep(2000);
    expect(received.map((m) => m.body.toString())).toEqual(['commit me']);
    expect(received[0]!.msgId).toBe(committed.msgId);
    expect(received[0]!.transactionId).toBeTruthy();
    expect(received[0]!.properties['TRAN_MSG']).toBe('true'); // kept on the committed message by 4.9 and 5.x
  }, 40_000);

  it('passes the argument to the local transaction and reports its error; nothing is delivered when the check-back rolls back', async () => {
    const { topic, producer, received, checks } = await setup(() => 'ROLLBACK');
    let seenArg: unknown;
    const sending = producer.sendMessageInTransaction(new Message(topic, Buffer.from('db failed'), { tags: 'tx' }), { orderId: 42 }, (_m, arg) => {
      seenArg = arg;
      throw new Error('insert failed');
    });
    await expect(sending).rejects.toThrow(LocalTransactionError);
    await expect(sending).rejects.toThrow(/insert failed/);
    expect(seenArg).toEqual({ orderId: 42 });
    await waitFor(() => checks.length >= 1, CHECK_BACK_WAIT_MS, 'a check-back for the UNKNOWN half message');
    expect(checks[0]!.body.toString()).toBe('db failed');
    await sleep(2000);
    expect(received).toHaveLength(0);
  }, CHECK_BACK_WAIT_MS + 30_000);

  it('settles an UNKNOWN local transaction through the check-back (COMMIT), then delivers it', async () => {
    const { topic, producer, received, checks } = await setup(() => 'COMMIT');
    const result = await producer.sendMessageInTransaction(new Message(topic, Buffer.from('decided later'), { tags: 'tx', keys: ['k-unknown'] }), undefined, () => 'UNKNOWN');
    expect(result.localTransactionState).toBe('UNKNOWN');
    await waitFor(() => received.length >= 1, CHECK_BACK_WAIT_MS, 'the message committed by check-back');
    expect(checks.length).toBeGreaterThanOrEqual(1);
    expect(checks[0]!.msgId).toBe(result.msgId);
    expect(checks[0]!.keys).toEqual(['k-unknown']);
    expect(received[0]!.body.toString()).toBe('decided later');
  }, CHECK_BACK_WAIT_MS + 30_000);

  it('a producer that restarts after its local commit is found by the check-back before it sends anything', async () => {
    const { topic, producer, received } = await setup(() => 'UNKNOWN');
    const group = producer.group;
    // The first producer commits locally, then "dies" before END_TRANSACTION (answers UNKNOWN and goes away).
    const result = await producer.sendMessageInTransaction(new Message(topic, Buffer.from('committed before the crash'), { tags: 'tx' }), undefined, () => 'UNKNOWN');
    await producer.shutdown();

    const checks: string[] = [];
    const restarted = new TransactionProducer({
      nameServer: nameServer(),
      group,
      instanceName: uniqueName('restarted'), // a client of its own, as a new process would be: it knows no route yet
      logger: testLogger,
      transactionListener: {
        executeLocalTransaction: () => 'COMMIT',
        checkLocalTransaction: (message) => {
          checks.push(message.msgId);
          return 'COMMIT';
        },
      },
    });
    await restarted.start(); // sends nothing: its heartbeat must still reach the broker
    cleanups.add(() => restarted.shutdown());
    await waitFor(() => received.length >= 1, CHECK_BACK_WAIT_MS, 'the message committed by the restarted producer');
    expect(checks).toContain(result.msgId);
    expect(received[0]!.body.toString()).toBe('committed before the crash');
  }, CHECK_BACK_WAIT_MS + 30_000);
});
