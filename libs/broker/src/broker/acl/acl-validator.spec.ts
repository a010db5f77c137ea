import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { encodeHeartbeatData, RemotingCommand, RequestCode, ResponseCode, buildSubscriptionData } from '@app/rocketmq/protocol';
import { aclRpcHook, RemotingClient, RemotingServer, type AclCredentials } from '@app/rocketmq/remoting';
import { createAclValidator, type AclRequestValidator, type PlainAclConfig } from '../acl-hook.js';
import { defaultBrokerConfig } from '../broker-config.js';

const ACCOUNTS: PlainAclConfig = {
  accounts: [
    { accessKey: 'producer-ak', secretKey: 'producer-sk', defaultTopicPerm: 'PUB', defaultGroupPerm: 'SUB' },
    { accessKey: 'consumer-ak', secretKey: 'consumer-sk', defaultTopicPerm: 'SUB', defaultGroupPerm: 'SUB', topicPerms: ['Secret=DENY'] },
    { accessKey: 'admin-ak1', secretKey: 'admin-sk1', admin: true },
    { accessKey: 'trusted-ak', secretKey: 'trusted-sk', whiteRemoteAddress: '127.0.0.1' },
  ],
};

const sendV2 = (topic: string) =>
  RemotingCommand.request(RequestCode.SEND_MESSAGE_V2, { a: 'PG', b: topic, c: 'TBW102', d: '4', e: '0', f: '0', g: String(Date.now()), h: '0', i: '', j: '0', k: 'false' }, Buffer.from('hello'));

describe('ACL 1.0 on the broker', () => {
  let server: RemotingServer;
  let addr: string;
  let acl: AclRequestValidator;
  const clients: RemotingClient[] = [];

  async function start(options: Parameters<typeof createAclValidator>[1]): Promise<void> {
    acl = createAclValidator({ ...defaultBrokerConfig(), aclEnable: true }, options);
    server = new RemotingServer();
    server.registerDefaultProcessor((request, connection) => acl(request, connection) ?? RemotingCommand.response(request, ResponseCode.SUCCESS));
    addr = `127.0.0.1:${(await server.listen()).port}`;
  }

  function client(credentials?: AclCredentials): RemotingClient {
    const c = new RemotingClient(credentials ? { rpcHook: aclRpcHook(credentials) } : {});
    clients.push(c);
    return c;
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    acl?.close();
    await server?.close();
  });

  describe('signatures', () => {
    beforeEach(() => start({ config: ACCOUNTS }));

    it('accepts a request signed with the right secret', async () => {
      const response = await client({ accessKey: 'producer-ak', secretKey: 'producer-sk' }).invoke(addr, sendV2('Orders'), 3000);
      expect(response.code).toBe(ResponseCode.SUCCESS);
    });

    it('refuses a wrong secret, an unknown key and a request without credentials, with Apache remarks', async () => {
      const wrong = await client({ accessKey: 'producer-ak', secretKey: 'not-the-secret' }).invoke(addr, sendV2('Orders'), 3000);
      expect(wrong.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(wrong.remark).toBe(
        'org.apache.rocketmq.acl.common.AclException: Check signature failed for accessKey=producer-ak, org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:684)',
      );
      const unknown = await client({ accessKey: 'nobody-ak', secretKey: 'whatever' }).invoke(addr, sendV2('Orders'), 3000);
      expect(unknown.remark).toMatch(/AclException: No acl config for nobody-ak, /);
      const anonymous = await client().invoke(addr, sendV2('Orders'), 3000);
      expect(anonymous.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(anonymous.remark).toMatch(/AclException: No accessKey is configured, /);
    });

    it('refuses a request whose Signature was stripped, and one altered after signing', async () => {
      const request = sendV2('Orders');
      request.extFields = { ...request.extFields, AccessKey: 'producer-ak' };
      const unsigned = await client().invoke(addr, request, 3000);
      expect(unsigned.remark).toMatch(/Check signature failed for accessKey=producer-ak/);
      const tampering = new RemotingClient({
        rpcHook: (req) => {
          aclRpcHook({ accessKey: 'producer-ak', secretKey: 'producer-sk' })(req);
          req.body = Buffer.from('changed');
        },
      });
      clients.push(tampering);
      expect((await tampering.invoke(addr, sendV2('Orders'), 3000)).code).toBe(ResponseCode.SYSTEM_ERROR);
    });

    it('accepts QUERY_MESSAGE signed with or without _UNIQUE_KEY_QUERY', async () => {
      const query = () => RemotingCommand.request(RequestCode.QUERY_MESSAGE, { topic: 'Orders', key: 'k', maxNum: '32', beginTimestamp: '0', endTimestamp: '1', _UNIQUE_KEY_QUERY: 'true' });
      const withFlag = await client({ accessKey: 'consumer-ak', secretKey: 'consumer-sk' }).invoke(addr, query(), 3000);
      expect(withFlag.code).toBe(ResponseCode.SUCCESS);
      const apacheStyle = new RemotingClient({
        rpcHook: (req) => {
          const flag = req.extFields!['_UNIQUE_KEY_QUERY']!;
          delete req.extFields!['_UNIQUE_KEY_QUERY'];
          aclRpcHook({ accessKey: 'consumer-ak', secretKey: 'consumer-sk' })(req);
          req.extFields!['_UNIQUE_KEY_QUERY'] = flag;
        },
      });
      clients.push(apacheStyle);
      expect((await apacheStyle.invoke(addr, query(), 3000)).code).toBe(ResponseCode.SUCCESS);
    });
  });

  describe('permissions', () => {
    beforeEach(() => start({ config: ACCOUNTS }));

    it('refuses a send from a SUB-only account', async () => {
      const response = await client({ accessKey: 'consumer-ak', secretKey: 'consumer-sk' }).invoke(addr, sendV2('Orders'), 3000);
      expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(response.remark).toBe(
        'org.apache.rocketmq.acl.common.AclException: No default permission for topic:Orders, org.apache.rocketmq.acl.plain.PlainPermissionManager.checkPerm(PlainPermissionManager.java:606)',
      );
    });

    it('lets anyone signed publish trace data to RMQ_SYS_TRACE_TOPIC', async () => {
      expect((await client({ accessKey: 'consumer-ak', secretKey: 'consumer-sk' }).invoke(addr, sendV2('RMQ_SYS_TRACE_TOPIC'), 3000)).code).toBe(ResponseCode.SUCCESS);
    });

    it('checks pulls against the topic and the group retry topic, explicit DENY winning', async () => {
      const consumer = client({ accessKey: 'consumer-ak', secretKey: 'consumer-sk' });
      const pull = (topic: string) => RemotingCommand.request(RequestCode.PULL_MESSAGE, { consumerGroup: 'CG', topic, queueId: '0', queueOffset: '0', maxMsgNums: '32', sysFlag: '0', commitOffset: '0', suspendTimeoutMillis: '0', subVersion: '0' });
      expect((await consumer.invoke(addr, pull('Orders'), 3000)).code).toBe(ResponseCode.SUCCESS);
      const denied = await consumer.invoke(addr, pull('Secret'), 3000);
      expect(denied.remark).toMatch(/No default permission for topic:Secret, .*checkPerm\(PlainPermissionManager.java:611\)/);
      const producerPull = await client({ accessKey: 'producer-ak', secretKey: 'producer-sk' }).invoke(addr, pull('Orders'), 3000);
      expect(producerPull.remark).toMatch(/No default permission for topic:Orders/);
    });

    it('checks heartbeats against each group and subscribed topic', async () => {
      const heartbeat = (topic: string) =>
        RemotingCommand.request(
          RequestCode.HEART_BEAT,
          {},
          encodeHeartbeatData({
            clientID: 'c1',
            producerDataSet: [],
            consumerDataSet: [{ groupName: 'CG', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', subscriptionDataSet: [buildSubscriptionData(topic, '*')], unitMode: false }],
            heartbeatFingerprint: 0,
            withoutSub: false,
          }),
        );
      const consumer = client({ accessKey: 'consumer-ak', secretKey: 'consumer-sk' });
      expect((await consumer.invoke(addr, heartbeat('Orders'), 3000)).code).toBe(ResponseCode.SUCCESS);
      expect((await consumer.invoke(addr, heartbeat('Secret'), 3000)).code).toBe(ResponseCode.SYSTEM_ERROR);
    });

    it('keeps admin requests to admin accounts', async () => {
      const create = () => RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'New', defaultTopic: 'TBW102', readQueueNums: '4', writeQueueNums: '4', perm: '6', topicFilterType: 'SINGLE_TAG', order: 'false' });
      const refused = await client({ accessKey: 'producer-ak', secretKey: 'producer-sk' }).invoke(addr, create(), 3000);
      expect(refused.remark).toMatch(/AclException: Need admin permission for request code=17, but accessKey=producer-ak is not, /);
      expect((await client({ accessKey: 'admin-ak1', secretKey: 'admin-sk1' }).invoke(addr, create(), 3000)).code).toBe(ResponseCode.SUCCESS);
    });

    it('skips signature and permission checks for an account white-listed address', async () => {
      expect((await client({ accessKey: 'trusted-ak', secretKey: 'anything-goes' }).invoke(addr, sendV2('Orders'), 3000)).code).toBe(ResponseCode.SUCCESS);
    });
  });

  describe('configuration', () => {
    it('lets every request from a globally white-listed address through, credentials or not', async () => {
      await start({ config: { globalWhiteRemoteAddresses: ['127.0.0.*'], accounts: [] } });
      expect((await client().invoke(addr, sendV2('Orders'), 3000)).code).toBe(ResponseCode.SUCCESS);
    });

    it('loads a plain_acl.yml file and reloads it when it changes', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-acl-'));
      const file = path.join(dir, 'plain_acl.yml');
      fs.writeFileSync(file, 'accounts:\n  - accessKey: first-ak\n    secretKey: first-sk1\n    defaultTopicPerm: PUB\n');
      await start({ file, watchIntervalMs: 20 });
      expect((await client({ accessKey: 'first-ak', secretKey: 'first-sk1' }).invoke(addr, sendV2('T'), 3000)).code).toBe(ResponseCode.SUCCESS);
      fs.writeFileSync(file, 'accounts:\n  - accessKey: second-ak\n    secretKey: second-sk\n    defaultTopicPerm: PUB\n    # first-ak is gone\n');
      const later = client({ accessKey: 'first-ak', secretKey: 'first-sk1' });
      let code = ResponseCode.SUCCESS as number;
      for (let i = 0; i < 100 && code === ResponseCode.SUCCESS; i++) {
        await new Promise((r) => setTimeout(r, 30));
        code = (await later.invoke(addr, sendV2('T'), 3000)).code;
      }
      expect(code).toBe(ResponseCode.SYSTEM_ERROR);
      expect((await client({ accessKey: 'second-ak', secretKey: 'second-sk' }).invoke(addr, sendV2('T'), 3000)).code).toBe(ResponseCode.SUCCESS);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('lets everything through when aclEnable is off', async () => {
      acl = createAclValidator(defaultBrokerConfig(), { config: ACCOUNTS });
      expect(acl(sendV2('T'), { addr: '127.0.0.1:1' } as never)).toBeUndefined();
    });
  });
});
