import { describe, expect, it } from '@jest/globals';
import { MessageConst } from '../../protocol/message/message-const.js';
import { Message, MessageExt } from '../../protocol/message/message.js';
import { silentLogger, type RocketMQLogger } from '../../logger.js';
import type { RocketMQLocalTransactionListener } from '../interfaces/transaction-listener.interface.js';
import { CONTENT_TYPE_PROPERTY, TRANSACTION_FLOW_PROPERTY } from '../rocketmq.constants.js';
import { RocketMQConfigurationError, RocketMQTransactionFlowError } from '../rocketmq.errors.js';
import { JsonSerializer } from '../serialization/serializer.js';
import { TransactionFlowRouter } from './transaction-flow-router.js';

function listener(execute: unknown, check: unknown, seen: unknown[] = []): RocketMQLocalTransactionListener {
  return {
    executeLocalTransaction: (payload, arg, ctx) => {
      seen.push({ payload, arg, flow: ctx.flow });
      return execute as 'COMMIT';
    },
    checkLocalTransaction: (payload, ctx) => {
      seen.push({ payload, flow: ctx.flow, checkTimes: ctx.checkTimes });
      return check as 'COMMIT';
    },
  };
}

function halfMessage(flow: string | undefined, checkTimes?: number): MessageExt {
  const properties: Record<string, string> = Object.create(null);
  properties[CONTENT_TYPE_PROPERTY] = 'application/json';
  if (flow !== undefined) properties[TRANSACTION_FLOW_PROPERTY] = flow;
  if (checkTimes !== undefined) properties[MessageConst.TRANSACTION_CHECK_TIMES] = String(checkTimes);
  return new MessageExt({
    topic: 't', body: Buffer.from('{"order":1}'), properties, flag: 0, queueId: 0, queueOffset: 0, commitLogOffset: 0, sysFlag: 0,
    bornTimestamp: 0, bornHost: '', storeTimestamp: 0, storeHost: '', reconsumeTimes: 0, preparedTransactionOffset: 0, bodyCRC: 0, storeSize: 0, offsetMsgId: '',
  });
}

function router(logger: RocketMQLogger = silentLogger) {
  return new TransactionFlowRouter('default', new JsonSerializer(), logger);
}

describe('transaction flow routing', () => {
  it('routes check-backs to the flow named in the half message, with the payload deserialized', async () => {
    const r = router();
    const seen: unknown[] = [];
    r.register({ flow: 'orders', listener: listener('COMMIT', 'ROLLBACK', seen), source: 'OrderTx' });
    r.register({ flow: 'payments', listener: listener('COMMIT', 'COMMIT', seen), source: 'PayTx' });
    expect(await r.checkLocalTransaction(halfMessage('orders', 2))).toBe('ROLLBACK');
    expect(await r.checkLocalTransaction(halfMessage('payments'))).toBe('COMMIT');
    expect(seen).toEqual([
      { payload: { order: 1 }, flow: 'orders', checkTimes: 2 },
      { payload: { order: 1 }, flow: 'payments', checkTimes: 0 },
    ]);
  });

  it('answers UNKNOWN with a warning when the flow is unknown here', async () => {
    const warnings: string[] = [];
    const r = router({ ...silentLogger, warn: (m) => warnings.push(m) });
    expect(await r.checkLocalTransaction(halfMessage('gone'))).toBe('UNKNOWN');
    expect(await r.checkLocalTransaction(halfMessage(undefined))).toBe('UNKNOWN');
    expect(warnings[0]).toMatch(/no @TransactionListener serves flow "gone"/);
    expect(warnings[1]).toMatch(/names no transaction flow/);
  });

  it('rejects an unknown flow at send time, listing the known ones', () => {
    const r = router();
    expect(() => r.require('x')).toThrow(RocketMQTransactionFlowError);
    r.register({ flow: 'orders', listener: listener('COMMIT', 'COMMIT'), source: 'OrderTx' });
    expect(() => r.require('x')).toThrow(/known flows: "orders"/);
  });

  it('rejects two listeners for one flow', () => {
    const r = router();
    r.register({ flow: 'orders', listener: listener('COMMIT', 'COMMIT'), source: 'A' });
    expect(() => r.register({ flow: 'orders', listener: listener('COMMIT', 'COMMIT'), source: 'B' })).toThrow(RocketMQConfigurationError);
  });

  it('executes with the argument and treats a bad answer as UNKNOWN', async () => {
    const warnings: string[] = [];
    const r = router({ ...silentLogger, warn: (m) => warnings.push(m) });
    const seen: unknown[] = [];
    const flow = { flow: 'orders', listener: listener('maybe', 'COMMIT', seen), source: 'OrderTx' };
    r.register(flow);
    const message = new Message('t', Buffer.from('{}'));
    expect(await r.execute(flow, message, { a: 1 }, 'arg')).toBe('UNKNOWN');
    expect(seen).toEqual([{ payload: { a: 1 }, arg: 'arg', flow: 'orders' }]);
    expect(warnings[0]).toMatch(/OrderTx.executeLocalTransaction returned "maybe"/);
  });
});
