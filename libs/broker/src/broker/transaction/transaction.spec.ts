import { afterEach, describe, expect, it } from '@jest/globals';
import {
  CheckTransactionStateRequestHeader,
  EndTransactionRequestHeader,
  EndTransactionType,
  MessageConst,
  MessageSysFlag,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  createProperties,
  decodeStoredMessage,
  type MessageExt,
} from '@app/rocketmq/protocol';
import { RemotingConnection, type RemotingServer, type RequestHandler } from '@app/rocketmq/remoting';
import type { InternalMessage } from '../broker-context.js';
import { installDeliveryFeatures } from '../delivery-features.js';
import type { PutMessageResult } from '../../store/index.js';
import { createTestContext, removeTestDir, serveProcessors, sleep, waitFor, type TestContext } from '../schedule/test-context.js';
import { createHalfMessageHook } from './half-message-hook.js';
import { TransactionCheckService } from './transaction-check-service.js';
import { TransactionState } from './transaction-state.js';
import { TRANS_CHECK_GROUP, TRANS_CHECK_MAX_TIME_TOPIC, TRANS_HALF_TOPIC, TRANS_OP_HALF_TOPIC } from './transaction-topics.js';
import { createEndTransactionProcessor } from './end-transaction-processor.js';
import type { BrokerConfig } from '../broker-config.js';

const GROUP = 'TxProducerGroup';
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Harness {
  ctx: TestContext;
  state: TransactionState;
  checker: TransactionCheckService;
  server: RemotingServer;
  addr: string;
}

async function harness(overrides: Partial<BrokerConfig> = {}, dir?: string, shared?: Pick<TestContext, 'offsets' | 'topics'>): Promise<Harness> {
  const ctx = await createTestContext(overrides, dir, shared);
  const state = new TransactionState(ctx);
  ctx.addPutHook(createHalfMessageHook(ctx.config));
  ctx.registerProcessor(RequestCode.END_TRANSACTION, createEndTransactionProcessor(ctx, state));
  const checker = new TransactionCheckService(ctx, state);
  const { server, addr } = await serveProcessors(ctx);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await checker.stop();
    await server.close();
    await ctx.store.close();
  };
  cleanups.push(() => removeTestDir(ctx.dir));
  cleanups.push(close);
  return Object.assign({ ctx, state, checker, server, addr }, { close });
}

function halfMessage(body: string, props: Record<string, string> = {}): InternalMessage {
  return {
    topic: 'Orders',
    queueId: 1,
    body: Buffer.from(body),
    properties: Object.assign(createProperties(), { TAGS: 'T', TRAN_MSG: 'true', PGROUP: GROUP, UNIQ_KEY: `U-${body}`, ...props }),
    flag: 0,
    sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE,
    bornTimestamp: Date.now(),
    bornHost: '10.0.0.7:12345',
    reconsumeTimes: 0,
  };
}

function endRequest(put: PutMessageResult, verdict: number, overrides: Partial<EndTransactionRequestHeader> = {}): RemotingCommand {
  return RemotingCommand.request(
    RequestCode.END_TRANSACTION,
    EndTransactionRequestHeader.encode({
      producerGroup: GROUP,
      tranStateTableOffset: put.queueOffset,
      commitLogOffset: put.commitLogOffset,
      commitOrRollback: verdict,
      fromTransactionCheck: false,
      msgId: 'U',
      ...overrides,
    }),
  );
}

async function messagesOf(ctx: TestContext, topic: string, queueId = 0): Promise<MessageExt[]> {
  const got = await ctx.store.getMessages({ topic, queueId, offset: 0, maxCount: 100 });
  return got.records.map((r) => decodeStoredMessage(r));
}

async function connect(h: Harness, onRequest?: RequestHandler): Promise<RemotingConnection> {
  const conn = await RemotingConnection.connect(h.addr, { onRequest });
  cleanups.push(() => conn.close());
  return conn;
}

describe('half message put hook', () => {
  it('stores a prepared message in the half topic, queue 0, as NOT_TYPE with REAL_TOPIC / REAL_QID and the transaction id', async () => {
    const h = await harness();
    const put = await h.ctx.putInternal(halfMessage('a'));
    const [half] = await messagesOf(h.ctx, TRANS_HALF_TOPIC);
    expect(put.queueOffset).toBe(0);
    expect(half!.sysFlag & MessageSysFlag.TRANSACTION_MASK).toBe(MessageSysFlag.TRANSACTION_NOT_TYPE);
    expect(half!.properties).toMatchObject({ REAL_TOPIC: 'Orders', REAL_QID: '1', PGROUP: GROUP, TRAN_MSG: 'true', __transactionId__: 'U-a' });
    expect(h.ctx.store.maxOffset('Orders', 1)).toBe(0);
  });

  it('refuses transactional messages with NO_PERMISSION when rejectTransactionMessage is on', () => {
    const hook = createHalfMessageHook({ rejectTransactionMessage: true, brokerIP1: '10.1.1.1' });
    expect(hook(halfMessage('a'))).toEqual({ code: ResponseCode.NO_PERMISSION, remark: 'the broker[10.1.1.1] sending transaction message is forbidden' });
  });
});

describe('END_TRANSACTION', () => {
  it('commits: the real message is stored once as COMMIT, restored, and an op record marks the half message', async () => {
    const h = await harness();
    const put = await h.ctx.putInternal(halfMessage('a'));
    const producer = await connect(h);
    const response = await producer.invoke(endRequest(put, EndTransactionType.COMMIT), 3000);
    expect(response.code).toBe(ResponseCode.SUCCESS);

    const [committed] = await messagesOf(h.ctx, 'Orders', 1);
    expect(committed!.body.toString()).toBe('a');
    expect(committed!.sysFlag & MessageSysFlag.TRANSACTION_MASK).toBe(MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    expect(committed!.preparedTransactionOffset).toBe(put.commitLogOffset);
    for (const name of [MessageConst.REAL_TOPIC, MessageConst.REAL_QID]) expect(committed!.properties[name]).toBeUndefined();
    expect(committed!.properties[MessageConst.TRAN_MSG]).toBe('true'); // as Apache 5.5.1 delivers it
    expect(committed!.properties).toMatchObject({ PGROUP: GROUP, UNIQ_KEY: 'U-a', __transactionId__: 'U-a' });
    const ops = await messagesOf(h.ctx, TRANS_OP_HALF_TOPIC);
    expect(ops.map((o) => [o.body.toString(), o.tags])).toEqual([['0', 'd']]);

    // a second verdict (a late answer, a retry) is acknowledged without a second message
    expect((await producer.invoke(endRequest(put, EndTransactionType.COMMIT, { fromTransactionCheck: true }), 3000)).code).toBe(ResponseCode.SUCCESS);
    expect(h.ctx.store.maxOffset('Orders', 1)).toBe(1);
  });

  it('rolls back: only the op record is written', async () => {
    const h = await harness();
    const put = await h.ctx.putInternal(halfMessage('a'));
    const producer = await connect(h);
    expect((await producer.invoke(endRequest(put, EndTransactionType.ROLLBACK), 3000)).code).toBe(ResponseCode.SUCCESS);
    expect(h.ctx.store.maxOffset('Orders', 1)).toBe(0);
    expect(h.ctx.store.maxOffset(TRANS_OP_HALF_TOPIC, 0)).toBe(1);
  });

  it('ignores an unknown verdict (no response, nothing stored)', async () => {
    const h = await harness();
    const put = await h.ctx.putInternal(halfMessage('a'));
    const producer = await connect(h);
    await producer.invokeOneway(endRequest(put, EndTransactionType.NOT_TYPE));
    await sleep(200);
    expect(h.ctx.store.maxOffset('Orders', 1)).toBe(0);
    expect(h.ctx.store.maxOffset(TRANS_OP_HALF_TOPIC, 0)).toBe(0);
    expect(h.ctx.logger.has('log', 'as unknown')).toBe(true);
  });

  it('refuses a wrong producer group, wrong offsets and unknown half messages with SYSTEM_ERROR', async () => {
    const h = await harness();
    const put = await h.ctx.putInternal(halfMessage('a'));
    const producer = await connect(h);
    const cases: [Partial<EndTransactionRequestHeader>, string][] = [
      [{ producerGroup: 'Other' }, 'The producer group wrong'],
      [{ tranStateTableOffset: 7 }, 'The transaction state table offset wrong'],
      [{ commitLogOffset: 999_999 }, 'Find prepared transaction message failed'],
    ];
    for (const [overrides, remark] of cases) {
      const response = await producer.invoke(endRequest(put, EndTransactionType.COMMIT, overrides), 3000);
      expect([response.code, response.remark]).toEqual([ResponseCode.SYSTEM_ERROR, remark]);
    }
    expect(h.ctx.store.maxOffset('Orders', 1)).toBe(0);
  });

  it('refuses a producer verdict after CHECK_IMMUNITY_TIME_IN_SECONDS with ILLEGAL_OPERATION', async () => {
    const h = await harness({ transactionTimeOut: 100 });
    const put = await h.ctx.putInternal(halfMessage('a', { CHECK_IMMUNITY_TIME_IN_SECONDS: '0' }));
    await sleep(150);
    const producer = await connect(h);
    expect((await producer.invoke(endRequest(put, EndTransactionType.COMMIT), 3000)).code).toBe(ResponseCode.ILLEGAL_OPERATION);
  });
});

describe('transaction check-back', () => {
  /** A producer connection that answers CHECK_TRANSACTION_STATE with `verdict`. */
  async function producer(h: Harness, verdict: () => number, checks: MessageExt[]): Promise<RemotingConnection> {
    let conn!: RemotingConnection;
    conn = await connect(h, (request) => {
      if (request.code !== RequestCode.CHECK_TRANSACTION_STATE) return undefined;
      const header = CheckTransactionStateRequestHeader.decode(request.extFields);
      const msg = decodeStoredMessage(request.body!);
      checks.push(msg);
      void conn.invokeOneway(
        RemotingCommand.request(
          RequestCode.END_TRANSACTION,
          EndTransactionRequestHeader.encode({
            producerGroup: msg.properties[MessageConst.PGROUP]!,
            tranStateTableOffset: header.tranStateTableOffset,
            commitLogOffset: header.commitLogOffset,
            commitOrRollback: verdict(),
            fromTransactionCheck: true,
            msgId: header.msgId!,
            transactionId: header.transactionId,
          }),
        ),
      );
      return undefined;
    });
    await waitFor(() => h.server.activeConnections.size > 0);
    h.ctx.clients.addProducer(GROUP, 'producer@1', [...h.server.activeConnections][0]!);
    return conn;
  }

  it('asks a live producer of the group once the transaction timeout passed, and commits its answer once', async () => {
    const h = await harness({ transactionTimeOut: 300, transactionCheckInterval: 400 });
    const checks: MessageExt[] = [];
    await producer(h, () => EndTransactionType.COMMIT, checks);
    await h.ctx.putInternal(halfMessage('a'));
    await h.ctx.putInternal(halfMessage('b'));
    await h.checker.start();
    await waitFor(() => h.ctx.store.maxOffset('Orders', 1) === 2, 5000);
    await sleep(1200);
    expect(h.ctx.store.maxOffset('Orders', 1)).toBe(2);
    expect(checks).toHaveLength(2);
    const check = checks[0]!;
    expect(check.topic).toBe('Orders');
    expect(check.queueId).toBe(1);
    expect(check.properties).toMatchObject({ PGROUP: GROUP, TRANSACTION_CHECK_TIMES: '1', UNIQ_KEY: 'U-a' });
    expect((await messagesOf(h.ctx, 'Orders', 1)).map((m) => m.body.toString()).sort()).toEqual(['a', 'b']);
    expect(h.ctx.offsets.query(TRANS_CHECK_GROUP, TRANS_HALF_TOPIC, 0)).toBe(4);
  });

  it('moves a half message to TRANS_CHECK_MAX_TIME_TOPIC after transactionCheckMax unanswered checks', async () => {
    const h = await harness({ transactionTimeOut: 100, transactionCheckInterval: 300, transactionCheckMax: 2 });
    const checks: MessageExt[] = [];
    await producer(h, () => EndTransactionType.NOT_TYPE, checks);
    await h.ctx.putInternal(halfMessage('a'));
    await h.checker.start();
    await waitFor(() => h.ctx.store.maxOffset(TRANS_CHECK_MAX_TIME_TOPIC, 0) === 1, 5000);
    expect(checks.map((c) => c.properties[MessageConst.TRANSACTION_CHECK_TIMES])).toEqual(['1', '2']);
    expect(h.ctx.logger.has('warn', 'checked 2 times without an answer')).toBe(true);
    const [discarded] = await messagesOf(h.ctx, TRANS_CHECK_MAX_TIME_TOPIC);
    expect(discarded!.body.toString()).toBe('a');
    expect(h.ctx.store.maxOffset('Orders', 1)).toBe(0);
  });

  it('after a restart, neither checks again nor commits again a resolved transaction', async () => {
    const first = await harness({ transactionTimeOut: 200, transactionCheckInterval: 300 });
    const checks: MessageExt[] = [];
    await producer(first, () => EndTransactionType.COMMIT, checks);
    const put = await first.ctx.putInternal(halfMessage('a'));
    await first.checker.start();
    await waitFor(() => first.ctx.store.maxOffset('Orders', 1) === 1, 5000);
    await sleep(100);
    await (first as Harness & { close(): Promise<void> }).close();

    const second = await harness({ transactionTimeOut: 200, transactionCheckInterval: 300 }, first.ctx.dir, first.ctx);
    const checksAfter: MessageExt[] = [];
    await producer(second, () => EndTransactionType.COMMIT, checksAfter);
    await second.checker.start();
    const late = await connect(second);
    // a late verdict for the original half message
    expect((await late.invoke(endRequest(put, EndTransactionType.COMMIT), 3000)).code).toBe(ResponseCode.SUCCESS);
    await sleep(1000);
    expect(checksAfter).toHaveLength(0);
    expect(second.ctx.store.maxOffset('Orders', 1)).toBe(1);
  });
});
