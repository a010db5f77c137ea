/**
 * Transactional messages through the Nest layer against a real Apache RocketMQ: several flows on
 * one producer, routed by name; a local transaction that throws is settled ROLLBACK by the
 * check-back, one that answers UNKNOWN is settled COMMIT by the check-back.
 *
 * Apache's first check-back comes after transactionTimeOut (6 s) on the next check round
 * (transactionCheckInterval, 30 s on 5.x by default), so the check-back tests wait up to 100 s;
 * both messages are sent up front so their waits overlap.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AdminClient } from '../../libs/rocketmq/src/client/admin/admin-client.js';
import { LocalTransactionError, type TransactionSendResult } from '../../libs/rocketmq/src/client/producer/transaction-producer.js';
import type { RocketMQLogger } from '../../libs/rocketmq/src/logger.js';
import {
  Ctx,
  Payload,
  RocketMQListener,
  RocketMQLocalTransactionState,
  RocketMQModule,
  RocketMQProducer,
  RocketMQTransactionFlowError,
  RocketMQTransactionListener,
  type RocketMQListenerContext,
  type RocketMQLocalTransactionListener,
  type TransactionContext,
} from '../../libs/rocketmq/src/nest/index.js';
import { testLogger, sleep } from '../interop/support/helpers.js';
import { nameServer, uniqueName } from '../interop/support/target.js';

const quiet = testLogger;


async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

const TOPIC = uniqueName('nest_tx');
const GROUP = uniqueName('nest_tx_g');

type OrderEvent = { id: string; mode: 'commit' | 'throw' | 'unknown' };

const executed: Array<{ flow: string; id: string; arg: unknown }> = [];
const checked: Array<{ flow: string; id: string; answer: string; checkTimes: number }> = [];

@RocketMQTransactionListener({ flow: 'orders' })
class OrderTransactions implements RocketMQLocalTransactionListener<OrderEvent, { user: string }> {
  executeLocalTransaction(event: OrderEvent, arg: { user: string }, ctx: TransactionContext): RocketMQLocalTransactionState {
    executed.push({ flow: ctx.flow, id: event.id, arg });
    if (event.mode === 'throw') throw new Error('the order could not be written (test)');
    return event.mode === 'unknown' ? RocketMQLocalTransactionState.UNKNOWN : RocketMQLocalTransactionState.COMMIT;
  }

  checkLocalTransaction(event: OrderEvent, ctx: TransactionContext): RocketMQLocalTransactionState {
    // Answer from "durable state": the thrown one never committed, the unknown one did.
    const answer = event.mode === 'throw' ? 'ROLLBACK' : 'COMMIT';
    checked.push({ flow: ctx.flow, id: event.id, answer, checkTimes: ctx.checkTimes });
    return answer;
  }
}

@RocketMQTransactionListener({ flow: 'payments' })
class PaymentTransactions implements RocketMQLocalTransactionListener<{ id: string }> {
  executeLocalTransaction(event: { id: string }, arg: unknown, ctx: TransactionContext): 'COMMIT' {
    executed.push({ flow: ctx.flow, id: event.id, arg });
    return 'COMMIT';
  }

  checkLocalTransaction(): 'ROLLBACK' {
    return 'ROLLBACK';
  }
}

const received: Array<{ id: string; flowHeader: string | undefined }> = [];

@Injectable()
class TxConsumer {
  @RocketMQListener({ topic: TOPIC, consumerGroup: GROUP })
  handle(@Payload() event: { id: string }, @Ctx() ctx: RocketMQListenerContext): void {
    received.push({ id: event.id, flowHeader: ctx.properties['rocketmqTxFlow'] });
  }
}

let app: TestingModule;
let producer: RocketMQProducer;
let thrown: unknown;
let unknownResult: TransactionSendResult;

beforeAll(async () => {
  const admin = new AdminClient({ nameServer: nameServer(), logger: quiet });
  await admin.start();
  try {
    const cluster = Object.keys((await admin.clusterInfo()).clusters)[0]!;
    await admin.createTopic({ topic: TOPIC, clusterName: cluster, readQueueNums: 4, writeQueueNums: 4 });
  } finally {
    await admin.shutdown();
  }
  app = await Test.createTestingModule({
    imports: [
      RocketMQModule.forRoot({
        nameServer: nameServer(),
        logger: quiet,
        // A group of its own, so check-backs come to this process; frequent heartbeats register it early.
        producer: { group: uniqueName('nest_tx_pg') },
        heartbeatBrokerIntervalMs: 5000,
        consumerDefaults: { consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' },
      }),
    ],
    providers: [OrderTransactions, PaymentTransactions, TxConsumer],
  }).compile();
  await app.init();
  producer = app.get(RocketMQProducer);
  // Sent first: the check-backs take a while, and both waits run at once.
  thrown = await producer.sendInTransaction(TOPIC, { id: 'tx-throws', mode: 'throw' }, { user: 'u1' }, 'orders').catch((error: unknown) => error);
  unknownResult = await producer.sendInTransaction(TOPIC, { id: 'tx-unknown', mode: 'unknown' }, { user: 'u2' }, 'orders');
}, 60_000);

afterAll(async () => {
  await app?.close();
}, 30_000);

describe('transactional flows', () => {
  it('commits at once when the flow answers COMMIT, routing by flow name', async () => {
    const result = await producer.sendInTransaction(TOPIC, { id: 'tx-pay' }, 'arg-1', 'payments');
    expect(result.localTransactionState).toBe('COMMIT');
    await waitFor(() => received.some((r) => r.id === 'tx-pay'), 20_000, 'the committed payment');
    expect(executed).toContainEqual({ flow: 'payments', id: 'tx-pay', arg: 'arg-1' });
    expect(received.find((r) => r.id === 'tx-pay')!.flowHeader).toBe('payments');
  }, 30_000);

  it('rejects a flow no @RocketMQTransactionListener serves, before sending', async () => {
    const before = executed.length;
    await expect(producer.sendInTransaction(TOPIC, { id: 'tx-nope' }, undefined, 'shipping')).rejects.toThrow(RocketMQTransactionFlowError);
    await expect(producer.sendInTransaction(TOPIC, { id: 'tx-nope' }, undefined, 'shipping')).rejects.toThrow(/known flows: "orders", "payments"/);
    expect(executed.length).toBe(before);
  });

  it('a local transaction that throws: the send rejects, nothing is delivered, the check-back answers ROLLBACK', async () => {
    expect(thrown).toBeInstanceOf(LocalTransactionError);
    expect((thrown as LocalTransactionError).sendResult.localTransactionState).toBe('UNKNOWN');
    expect(executed).toContainEqual({ flow: 'orders', id: 'tx-throws', arg: { user: 'u1' } });
    await waitFor(() => checked.some((c) => c.id === 'tx-throws'), 100_000, 'the broker to check the thrown transaction back');
    expect(checked.find((c) => c.id === 'tx-throws')).toMatchObject({ flow: 'orders', answer: 'ROLLBACK' });
    await sleep(3000);
    expect(received.some((r) => r.id === 'tx-throws')).toBe(false);
  }, 120_000);

  it('a local transaction that answers UNKNOWN is committed by the check-back and then delivered', async () => {
    expect(unknownResult.localTransactionState).toBe('UNKNOWN');
    await waitFor(() => received.some((r) => r.id === 'tx-unknown'), 100_000, 'the check-back to commit the unknown transaction');
    expect(checked.find((c) => c.id === 'tx-unknown')).toMatchObject({ flow: 'orders', answer: 'COMMIT' });
  }, 120_000);
});
