/**
 * The official Java client (RocketMQ 5.5.1 and 4.9.8 jars) against EmbeddedRocketMQ: DefaultMQProducer sync sends
 * (topic auto-created through TBW102) and DefaultMQPushConsumer clustering consumption, run by
 * test/interop/java/src/JavaProducerConsumer.java. Needs java and the jars in .cache/rocketmq/<version>/lib.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EmbeddedRocketMQ, type RunningEmbeddedRocketMQ } from '../../libs/broker/src/index.js';
import { javaSource, parseJsonLines, runJava } from './support/java-client.js';
import { targetVersion, uniqueName } from './support/target.js';

interface SendLine {
  type: 'send';
  msgId: string;
  status: string;
  brokerName: string;
  queueId: number;
  queueOffset: number;
}
interface RecvLine {
  type: 'recv';
  msgId: string;
  body: string;
  tags: string;
  reconsumeTimes: number;
}
interface DoneLine {
  type: 'done';
  sent: number;
  received: number;
}

describe.each([targetVersion()])('official Java client %s against EmbeddedRocketMQ', (version) => {
  let mq: RunningEmbeddedRocketMQ;

  beforeAll(async () => {
    mq = await EmbeddedRocketMQ.start();
  });
  afterAll(async () => {
    await mq?.stop();
  });

  it('sends synchronously to an auto-created topic and consumes every message with a push consumer', async () => {
    const topic = uniqueName('JavaTopic');
    const out = await runJava(version, javaSource('JavaProducerConsumer.java'), [mq.nameServer, topic, '--count', '10', '--tag', 'TagJ', '--timeout', '60000'], {
      timeoutMs: 150_000,
    });
    const lines = parseJsonLines<SendLine | RecvLine | DoneLine>(out);
    const sends = lines.filter((l): l is SendLine => l.type === 'send');
    const recvs = lines.filter((l): l is RecvLine => l.type === 'recv');
    const done = lines.find((l): l is DoneLine => l.type === 'done');
    expect(sends).toHaveLength(10);
    expect(sends.every((s) => s.status === 'SEND_OK' && s.brokerName === 'broker-a')).toBe(true);
    expect(done).toMatchObject({ sent: 10, received: 10 });
    expect(new Set(recvs.map((r) => r.msgId))).toEqual(new Set(sends.map((s) => s.msgId)));
    expect(recvs.every((r) => r.tags === 'TagJ' && r.reconsumeTimes === 0)).toBe(true);
  }, 180_000);
});
