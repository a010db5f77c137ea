/** ACL on the broker: requests signed with a good key pass, a wrong secret or no signature is refused. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { Message } from '../../libs/rocketmq/src/protocol/message/message.js';
import { RocketMQResponseError } from '../../libs/rocketmq/src/protocol/errors.js';
import { startApacheRocketMQ, type RunningApacheCluster } from './support/apache-rocketmq.js';
import { Cleanups, testLogger, waitFor } from './support/helpers.js';
import { targetVersion, uniqueName } from './support/target.js';

const user = { accessKey: 'aclUser', secretKey: 'aclUserSecret1' };
const admin = { accessKey: 'aclAdmin', secretKey: 'aclAdminSecret1', admin: true };

describe(`ACL (Apache RocketMQ ${targetVersion()})`, () => {
  let cluster: RunningApacheCluster;
  const cleanups = new Cleanups();

  beforeAll(async () => {
    cluster = await startApacheRocketMQ({ version: targetVersion(), aclEnable: true, aclAccounts: [user, admin] });
  }, 180_000);

  afterAll(async () => {
    await cleanups.run();
    await cluster?.stop();
  }, 60_000);

  async function producer(credentials?: { accessKey: string; secretKey: string }): Promise<Producer> {
    const p = new Producer({ nameServer: cluster.namesrvAddr, group: uniqueName('acl_pg'), logger: testLogger, credentials, retryTimesWhenSendFailed: 0 });
    await p.start();
    cleanups.add(() => p.shutdown());
    return p;
  }

  it('accepts sends and pulls signed with a good access key', async () => {
    const topic = uniqueName('AclTopic');
    const p = await producer(user);
    const sent = await p.send(new Message(topic, Buffer.from('signed')));
    expect(sent.status).toBe('SEND_OK');
    const received: string[] = [];
    const consumer = new PushConsumer({
      nameServer: cluster.namesrvAddr,
      group: uniqueName('acl_cg'),
      credentials: user,
      logger: testLogger,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    })
      .subscribe(topic)
      .onMessage((m) => {
        received.push(m.msgId);
      });
    await consumer.start();
    cleanups.add(() => consumer.shutdown({ drainTimeoutMs: 500 }));
    await waitFor(() => received.includes(sent.msgId), 30_000, 'the signed message');
  }, 60_000);

  it('refuses a request signed with a wrong secret', async () => {
    const good = await producer(user);
    const topic = uniqueName('AclTopic');
    await good.send(new Message(topic, Buffer.from('create the topic')));
    const bad = await producer({ accessKey: user.accessKey, secretKey: 'wrong-secret-1' });
    const sending = bad.send(new Message(topic, Buffer.from('forged')));
    await expect(sending).rejects.toThrow(RocketMQResponseError);
    await expect(sending).rejects.toThrow(/signature/i);
  }, 60_000);

  it('refuses an unsigned request', async () => {
    const good = await producer(user);
    const topic = uniqueName('AclTopic');
    await good.send(new Message(topic, Buffer.from('create the topic')));
    const anonymous = await producer();
    await expect(anonymous.send(new Message(topic, Buffer.from('unsigned')))).rejects.toThrow(
      targetVersion().startsWith('4.') ? /No accessKey is configured/ : /username cannot be null/,
    );
  }, 60_000);
});
