import { describe, expect, it } from '@jest/globals';
import { MessageConst } from '../../protocol/message/message-const.js';
import { MessageExt } from '../../protocol/message/message.js';
import type { ConsumeContext } from './consume-types.js';
import { invokeHandler, resetRetryAndNamespace } from './handler-invoker.js';

function msg(queueOffset: number, topic = 'T', properties: Record<string, string> = {}): MessageExt {
  return new MessageExt({
    topic, body: Buffer.from('x'), properties: Object.assign(Object.create(null) as Record<string, string>, properties), flag: 0, queueId: 0,
    queueOffset, commitLogOffset: 0, sysFlag: 0, bornTimestamp: 0, bornHost: '127.0.0.1:1', storeTimestamp: 0, storeHost: '127.0.0.1:2',
    reconsumeTimes: 0, preparedTransactionOffset: 0, bodyCRC: 0, storeSize: 0, offsetMsgId: '',
  });
}

const context = (): ConsumeContext => ({
  group: 'g', messageQueue: { topic: 'T', brokerName: 'b', queueId: 0 }, orderly: false,
  delayLevelWhenNextConsume: 0, suspendCurrentQueueTimeMillis: 1000, ackIndex: Number.MAX_SAFE_INTEGER,
});

describe('resetRetryAndNamespace', () => {
  it('restores the original topic of messages from the group retry topic and strips the namespace', () => {
    const retried = msg(0, '%RETRY%ns%g', { [MessageConst.RETRY_TOPIC]: 'ns%Orders' });
    const plain = msg(1, 'ns%Orders');
    resetRetryAndNamespace([retried, plain], 'ns%g', 'ns');
    expect(retried.topic).toBe('Orders');
    expect(plain.topic).toBe('Orders');
  });
});

describe('invoking handlers', () => {
  it('treats a normal return as success and stamps CONSUME_START_TIME', async () => {
    const m = msg(0);
    const outcome = await invokeHandler({ kind: 'single', fn: () => undefined }, [m], context(), { stopAtFirstFailure: false });
    expect(outcome.failed).toEqual([]);
    expect(m.getProperty(MessageConst.CONSUME_START_TIME)).toBeDefined();
  });

  it('retries exactly the messages whose handler threw or asked for it (concurrent)', async () => {
    const ms = [msg(0), msg(1), msg(2)];
    const outcome = await invokeHandler(
      { kind: 'single', fn: (m) => (m.queueOffset === 0 ? 'RECONSUME_LATER' : m.queueOffset === 2 ? Promise.reject(new Error('boom')) : undefined) },
      ms, context(), { stopAtFirstFailure: false },
    );
    expect(outcome.failed.map((m) => m.queueOffset)).toEqual([0, 2]);
    expect((outcome.error as Error).message).toBe('boom');
  });

  it('stops at the first failure when consuming orderly', async () => {
    const seen: number[] = [];
    const outcome = await invokeHandler(
      { kind: 'single', fn: (m) => { seen.push(m.queueOffset); return m.queueOffset === 1 ? 'SUSPEND' : undefined; } },
      [msg(0), msg(1), msg(2)], context(), { stopAtFirstFailure: true },
    );
    expect(seen).toEqual([0, 1]);
    expect(outcome.failed.map((m) => m.queueOffset)).toEqual([1, 2]);
  });

  it('honours ackIndex of a batch handler', async () => {
    const outcome = await invokeHandler(
      { kind: 'batch', fn: (_ms, ctx) => { ctx.ackIndex = 0; } },
      [msg(0), msg(1), msg(2)], context(), { stopAtFirstFailure: false },
    );
    expect(outcome.failed.map((m) => m.queueOffset)).toEqual([1, 2]);
  });

  it('fails a handler that runs past the consume timeout', async () => {
    const outcome = await invokeHandler(
      { kind: 'single', fn: () => new Promise<void>((r) => setTimeout(r, 200)) },
      [msg(0)], context(), { stopAtFirstFailure: false, timeoutMs: 20 },
    );
    expect(outcome.failed).toHaveLength(1);
  });
});
