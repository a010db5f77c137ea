/** TLS on the remoting port: the broker detects the handshake on its normal port (permissive mode). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { Message } from '../../libs/rocketmq/src/protocol/message/message.js';
import { RemotingConnection } from '../../libs/rocketmq/src/remoting/remoting-connection.js';
import { RemotingCommand } from '../../libs/rocketmq/src/protocol/remoting-command.js';
import { RequestCode } from '../../libs/rocketmq/src/protocol/request-code.js';
import { startApacheRocketMQ, type RunningApacheCluster } from './support/apache-rocketmq.js';
import { Cleanups, testLogger, waitFor } from './support/helpers.js';
import { targetVersion, uniqueName } from './support/target.js';

describe(`TLS (Apache RocketMQ ${targetVersion()})`, () => {
  let cluster: RunningApacheCluster;
  const cleanups = new Cleanups();

  beforeAll(async () => {
    // Permissive TLS with the broker's self-signed test certificate (Apache's defaults).
    const tlsFlags = ['-Dtls.server.mode=permissive', '-Dtls.test.mode.enable=true'];
    cluster = await startApacheRocketMQ({ version: targetVersion(), brokerJvmFlags: tlsFlags, namesrvJvmFlags: tlsFlags });
  }, 180_000);

  afterAll(async () => {
    await cleanups.run();
    await cluster?.stop();
  }, 60_000);

  it('speaks TLS to the broker port: the handshake completes and requests are answered', async () => {
    const connection = await RemotingConnection.connect(cluster.brokers[0]!.addr, { tls: true });
    cleanups.add(() => connection.close());
    expect((connection.socket as import('node:tls').TLSSocket).encrypted).toBe(true);
    const response = await connection.invoke(RemotingCommand.request(RequestCode.GET_MAX_OFFSET, { topic: 'TBW102', queueId: '0' }), 5000);
    expect(response.code).toBe(0);
  }, 30_000);

  it('sends and consumes over TLS', async () => {
    const topic = uniqueName('TlsTopic');
    // Plaintext still works on the same ports (permissive mode): create the topic that way.
    const plain = new Producer({ nameServer: cluster.namesrvAddr, group: uniqueName('tls_warm'), logger: testLogger });
    await plain.start();
    await plain.send(new Message(topic, Buffer.from('create the topic')));
    await plain.shutdown();

    const producer = new Producer({ nameServer: cluster.namesrvAddr, group: uniqueName('tls_pg'), logger: testLogger, tls: true });
    await producer.start();
    cleanups.add(() => producer.shutdown());
    const sent = await producer.send(new Message(topic, Buffer.from('encrypted')));
    expect(sent.status).toBe('SEND_OK');

    const received: string[] = [];
    const consumer = new PushConsumer({ nameServer: cluster.namesrvAddr, group: uniqueName('tls_cg'), logger: testLogger, tls: true, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' })
      .subscribe(topic)
      .onMessage((m) => {
        received.push(m.body.toString());
      });
    await consumer.start();
    cleanups.add(() => consumer.shutdown({ drainTimeoutMs: 500 }));
    await waitFor(() => received.includes('encrypted'), 30_000, 'the message sent over TLS');
  }, 90_000);
});
