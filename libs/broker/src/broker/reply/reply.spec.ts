import { afterEach, describe, expect, it } from '@jest/globals';
import {
  MessageConst,
  RemotingCommand,
  ReplyMessageRequestHeader,
  RequestCode,
  ResponseCode,
  SendMessageRequestHeaderV2,
  decodeStoredMessage,
  propertiesToString,
} from '@app/rocketmq/protocol';
import { RemotingConnection } from '@app/rocketmq/remoting';
import { installDeliveryFeatures } from '../delivery-features.js';
import { createTestContext, removeTestDir, serveProcessors, waitFor, type TestContext } from '../schedule/test-context.js';
import type { BrokerConfig } from '../broker-config.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(overrides: Partial<BrokerConfig> = {}) {
  const ctx = await createTestContext(overrides);
  installDeliveryFeatures(ctx);
  const { server, addr } = await serveProcessors(ctx);
  cleanups.push(() => removeTestDir(ctx.dir));
  cleanups.push(() => ctx.store.close());
  cleanups.push(() => server.close());
  const pushes: RemotingCommand[] = [];
  const requester = await RemotingConnection.connect(addr, {
    onRequest: (request) => {
      pushes.push(request);
      return RemotingCommand.response(request, ResponseCode.SUCCESS);
    },
  });
  cleanups.push(() => requester.close());
  await waitFor(() => server.activeConnections.size === 1);
  ctx.clients.addProducer('RequesterGroup', 'requester@1', [...server.activeConnections][0]!);
  const responder = await RemotingConnection.connect(addr);
  cleanups.push(() => responder.close());
  return { ctx, pushes, responder };
}

function replyRequest(ctx: TestContext, replyTo: string, code: number = RequestCode.SEND_REPLY_MESSAGE_V2): RemotingCommand {
  const properties = propertiesToString({ MSG_TYPE: 'reply', CORRELATION_ID: 'corr-1', REPLY_TO_CLIENT: replyTo, TTL: '3000', CLUSTER: ctx.config.brokerClusterName });
  const header = {
    producerGroup: 'ResponderGroup',
    topic: `${ctx.config.brokerClusterName}_REPLY_TOPIC`,
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 4,
    queueId: 0,
    sysFlag: 0,
    bornTimestamp: Date.now(),
    flag: 0,
    properties,
    reconsumeTimes: 0,
  };
  return RemotingCommand.request(code, SendMessageRequestHeaderV2.encode(header), Buffer.from('the answer'));
}

describe('request-reply', () => {
  it('pushes a reply to the requester with PUSH_REPLY_MESSAGE_TO_CLIENT and stores it in the reply topic', async () => {
    const { ctx, pushes, responder } = await setup();
    const response = await responder.invoke(replyRequest(ctx, 'requester@1'), 3000);
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(pushes).toHaveLength(1);
    const push = pushes[0]!;
    expect(push.code).toBe(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT);
    expect(push.body!.toString()).toBe('the answer');
    const header = ReplyMessageRequestHeader.decode(push.extFields);
    expect(header.topic).toBe('DefaultCluster_REPLY_TOPIC');
    expect(header.storeHost).toBe(ctx.brokerAddr);
    expect(header.bornHost).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(Math.abs(header.storeTimestamp - Date.now())).toBeLessThan(2000);
    expect(header.properties).toContain(`${MessageConst.PUSH_REPLY_TIME}\u0001`);
    expect(header.properties).toContain('CORRELATION_ID\u0001corr-1');

    const got = await ctx.store.getMessages({ topic: 'DefaultCluster_REPLY_TOPIC', queueId: 0, offset: 0, maxCount: 10 });
    expect(got.records).toHaveLength(1);
    expect(decodeStoredMessage(got.records[0]!).body.toString()).toBe('the answer');
    expect(response.extFields).toMatchObject({ queueId: '0', queueOffset: '0', MSG_REGION: 'DefaultRegion' });
  });

  it('accepts SEND_REPLY_MESSAGE with long header names and skips storing when storeReplyMessageEnable is off', async () => {
    const { ctx, pushes, responder } = await setup({ storeReplyMessageEnable: false });
    const request = replyRequest(ctx, 'requester@1', RequestCode.SEND_REPLY_MESSAGE);
    const v2 = SendMessageRequestHeaderV2.decode(request.extFields);
    request.extFields = Object.fromEntries(Object.entries(v2).map(([k, v]) => [k, String(v)]));
    expect((await responder.invoke(request, 3000)).code).toBe(ResponseCode.SUCCESS);
    expect(pushes).toHaveLength(1);
    expect(ctx.store.maxOffset('DefaultCluster_REPLY_TOPIC', 0)).toBe(0);
  });

  it('answers SYSTEM_ERROR when the requester is not connected', async () => {
    const { ctx, pushes, responder } = await setup();
    const response = await responder.invoke(replyRequest(ctx, 'gone@9'), 3000);
    expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(response.remark).toBe('push reply message fail, channel of <gone@9> not found.');
    expect(pushes).toHaveLength(0);
  });
});
