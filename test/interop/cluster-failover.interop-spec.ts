/**
 * Two masters with one async slave each: when a master is killed, sends keep succeeding on the
 * other master and consumers keep reading the dead master's messages from its slave.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AdminClient } from '../../libs/rocketmq/src/client/admin/index.js';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { Message } from '../../libs/rocketmq/src/protocol/message/message.js';
import { startApacheRocketMQ, type RunningApacheCluster } from './support/apache-rocketmq.js';
import { RemotingClient } from '../../libs/rocketmq/src/remoting/remoting-client.js';
import { RemotingCommand } from '../../libs/rocketmq/src/protocol/remoting-command.js';
import { RequestCode } from '../../libs/rocketmq/src/protocol/request-code.js';
import { sleep, testLogger, waitFor } from './support/helpers.js';
import { targetVersion, uniqueName } from './support/target.js';

describe(`2 masters + 2 slaves (Apache RocketMQ ${targetVersion()})`, () => {
  let cluster: RunningApacheCluster;
  let admin: AdminClient;
  let producer: Producer;

  beforeAll(async () => {
    cluster = await startApacheRocketMQ({
      version: targetVersion(),
      // 5.x slaves refuse pulls unless slaveReadEnable is on; reading from a slave is the point here.
      brokers: [
        { brokerName: 'broker-a', extraConf: { slaveReadEnable: 'true' } },
        { brokerName: 'broker-a', brokerId: 1, extraConf: { slaveReadEnable: 'true' } },
        { brokerName: 'broker-b', extraConf: { slaveReadEnable: 'true' } },
        { brokerName: 'broker-b', brokerId: 1, extraConf: { slaveReadEnable: 'true' } },
      ],
    });
    admin = new AdminClient({ nameServer: cluster.namesrvAddr, logger: testLogger });
    await admin.start();
    producer = new Producer({ nameServer: cluster.namesrvAddr, group: uniqueName('failover_pg'), logger: testLogger, sendTimeoutMs: 6000 });
    await producer.start();
  }, 240_000);

  afterAll(async () => {
    await producer?.shutdown();
    await admin?.shutdown();
    await cluster?.stop();
  }, 60_000);

  it('keeps sending on the surviving master and consumes the dead master’s messages from its slave', async () => {
    const topic = uniqueName('FailoverTopic');
    // A slave must know the topic to serve it once its master is gone. 5.x slaves accept the topic
    // directly; 4.9 slaves refuse it and copy their master's topic configs every 10 s instead.
    const masters = cluster.brokers.filter((b) => b.brokerId === 0).map((b) => b.addr);
    const slaves = cluster.brokers.filter((b) => b.brokerId !== 0).map((b) => b.addr);
    await admin.createTopic({ topic, brokerAddrs: masters, readQueueNums: 4, writeQueueNums: 4 });
    if (targetVersion().startsWith('4.')) {
      const remoting = new RemotingClient();
      try {
        for (const slave of slaves) {
          const deadline = Date.now() + 40_000;
          for (;;) {
            const response = await remoting.invoke(slave, RemotingCommand.request(RequestCode.GET_ALL_TOPIC_CONFIG), 3000);
            if (response.body?.toString().includes(topic)) break;
            if (Date.now() > deadline) throw new Error(`slave ${slave} never copied topic ${topic} from its master`);
            await sleep(500);
          }
        }
      } finally {
        await remoting.close();
      }
    } else {
      await admin.createTopic({ topic, brokerAddrs: slaves, readQueueNums: 4, writeQueueNums: 4 });
    }
    const info = await admin.clusterInfo();
    expect(Object.keys(info.brokers).sort()).toEqual(['broker-a', 'broker-b']);

    const before: { id: string; broker: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const result = await producer.send(new Message(topic, Buffer.from(`before-${i}`)));
      before.push({ id: result.msgId, broker: result.messageQueue.brokerName });
    }
    expect(new Set(before.map((b) => b.broker))).toEqual(new Set(['broker-a', 'broker-b']));

    // Let the async slaves catch up before the crash (what they miss is lost with the master).
    const masterA = cluster.brokers.find((b) => b.brokerName === 'broker-a' && b.brokerId === 0)!;
    const slaveA = cluster.brokers.find((b) => b.brokerName === 'broker-a' && b.brokerId === 1)!;
    const masterOffset = Number((await admin.brokerRuntimeInfo(masterA.addr))['commitLogMaxOffset']);
    const deadline = Date.now() + 20_000;
    let slaveOffset = 0;
    while (Date.now() < deadline) {
      slaveOffset = Number((await admin.brokerRuntimeInfo(slaveA.addr))['commitLogMaxOffset']);
      if (slaveOffset >= masterOffset) break;
      await sleep(200);
    }
    expect(slaveOffset).toBe(masterOffset);
    await masterA.kill('SIGKILL');

    const after: { id: string; broker: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const result = await producer.send(new Message(topic, Buffer.from(`after-${i}`)));
      after.push({ id: result.msgId, broker: result.messageQueue.brokerName });
    }
    expect(after).toHaveLength(40);
    expect(after.every((a) => a.broker === 'broker-b')).toBe(true);

    const received = new Map<string, string>();
    const consumer = new PushConsumer({
      nameServer: cluster.namesrvAddr,
      group: uniqueName('failover_cg'),
      logger: testLogger,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    })
      .subscribe(topic)
      .onMessage((message) => {
        received.set(message.msgId, message.storeHost);
      });
    await consumer.start();
    try {
      const all = [...before, ...after];
      await waitFor(() => all.every((m) => received.has(m.id)), 60_000, 'every message, the dead master’s included').catch((error: Error) => {
        const missing = (list: { id: string; broker: string }[]) => list.filter((m) => !received.has(m.id));
        throw new Error(
          `${error.message}: missing ${missing(before.filter((m) => m.broker === 'broker-a')).length} of broker-a (before), ` +
            `${missing(before.filter((m) => m.broker === 'broker-b')).length} of broker-b (before), ${missing(after).length} sent after; ` +
            `assigned ${JSON.stringify(consumer.assignedQueues())}`,
        );
      });
      // broker-a's messages came from its slave: the master is gone.
      const fromA = before.filter((m) => m.broker === 'broker-a');
      expect(fromA.length).toBeGreaterThan(0);
      for (const m of fromA) expect(received.has(m.id)).toBe(true);
    } finally {
      await consumer.shutdown({ drainTimeoutMs: 1000 });
    }
  }, 180_000);
});
