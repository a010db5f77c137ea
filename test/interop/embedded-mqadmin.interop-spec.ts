/**
 * Apache's own mqadmin (org.apache.rocketmq.tools.command.MQAdminStartup, through HarnessMQAdmin, from the Maven jars
 * of ROCKETMQ_VERSION) against our EmbeddedRocketMQ: the commands operators run every day must read our name server
 * and broker as they read Apache's. The suite starts its own embedded name server and broker in this process; the
 * interop global setup is not used (run with ROCKETMQ_NAMESRV set to anything to skip it).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { EmbeddedRocketMQ, type RunningEmbeddedRocketMQ } from '../../libs/broker/src/index.js';
import { AdminClient } from '../../libs/rocketmq/src/client/admin/index.js';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import type { SendResult } from '../../libs/rocketmq/src/client/producer/send-result.js';
import { Message } from '../../libs/rocketmq/src/protocol/message/message.js';
import { compileJavaSource, ensureRocketMQ, JAVA_SRC_DIR, javaBin, JVM_BASE_FLAGS, rocketmqMajor, runProcess, TOOL_JVM_FLAGS } from './support/apache-rocketmq.js';
import { targetVersion, uniqueName } from './support/target.js';

jest.setTimeout(180_000);

const quiet = { log() {}, warn() {}, error() {} };
const version = targetVersion();

interface Mqadmin {
  (args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** A runner of Apache's mqadmin against `namesrvAddr`, with its own tools home (logback config for 4.x). */
async function mqadminFor(namesrvAddr: string, home: string): Promise<Mqadmin> {
  const libDir = await ensureRocketMQ(version);
  const { classesDir } = await compileJavaSource(version, path.join(JAVA_SRC_DIR, 'HarnessMQAdmin.java'));
  for (const dir of ['conf', path.join('logs', 'rocketmqlogs'), 'tmp']) mkdirSync(path.join(home, dir), { recursive: true });
  if (rocketmqMajor(version) < 5) {
    writeFileSync(
      path.join(home, 'conf', 'logback_tools.xml'),
      '<configuration><appender name="N" class="ch.qos.logback.core.helpers.NOPAppender"/><root level="OFF"><appender-ref ref="N"/></root></configuration>\n',
    );
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ROCKETMQ_HOME: home };
  delete env['NAMESRV_ADDR'];
  delete env['JAVA_TOOL_OPTIONS'];
  return async (args) => {
    const r = await runProcess(
      javaBin('java'),
      [
        ...TOOL_JVM_FLAGS,
        ...JVM_BASE_FLAGS,
        `-Duser.home=${home}`,
        `-Drocketmq.home.dir=${home}`,
        `-Djava.io.tmpdir=${path.join(home, 'tmp')}`,
        `-Drocketmq.client.logRoot=${path.join(home, 'logs', 'rocketmqlogs')}`,
        '-cp',
        `${classesDir}${path.delimiter}${path.join(libDir, '*')}`,
        'HarnessMQAdmin',
        ...args,
        '-n',
        namesrvAddr,
      ],
      { cwd: home, env, timeoutMs: 60_000 },
    );
    if (r.timedOut) throw new Error(`mqadmin ${args.join(' ')} timed out\n${r.stdout}\n${r.stderr}`);
    if (r.code !== 0) throw new Error(`mqadmin ${args.join(' ')} failed (${r.code})\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  };
}

describe(`Apache mqadmin ${version} against EmbeddedRocketMQ`, () => {
  let mq: RunningEmbeddedRocketMQ;
  let mqadmin: Mqadmin;
  let home: string;
  let admin: AdminClient;
  let producer: Producer;
  const topic = uniqueName('MqadminTopic');
  const group = uniqueName('MqadminGroup');
  const key = uniqueName('key');
  const sent: SendResult[] = [];

  beforeAll(async () => {
    mq = await EmbeddedRocketMQ.start({ logger: quiet });
    home = mkdtempSync(path.join(os.tmpdir(), 'rmq-mqadmin-'));
    mqadmin = await mqadminFor(mq.nameServer, home);
    admin = new AdminClient({ nameServer: mq.nameServer, logger: quiet });
    await admin.start();
    producer = new Producer({ nameServer: mq.nameServer, group: uniqueName('MqadminProducer'), logger: quiet });
  });

  afterAll(async () => {
    await producer?.shutdown();
    await admin?.shutdown();
    await mq?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const broker = () => mq.brokers[0]!;

  it('clusterList shows the broker with its address and version', async () => {
    const r = await mqadmin(['clusterList']);
    expect(r.code).toBe(0);
    const row = r.stdout.split('\n').find((l) => l.includes(broker().addr));
    expect(row).toBeDefined();
    expect(row).toMatch(/DefaultCluster\s+broker-a\s+0\s+/);
    expect(row).toContain('V5_3_3');
  });

  it('updateTopic creates a topic on the cluster that topicList and topicRoute then show', async () => {
    const r = await mqadmin(['updateTopic', '-c', 'DefaultCluster', '-t', topic, '-r', '4', '-w', '4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`create topic to ${broker().addr} success.`);
    const list = await mqadmin(['topicList']);
    expect(list.stdout.split('\n').map((l) => l.trim())).toContain(topic);
    const route = await mqadmin(['topicRoute', '-t', topic]);
    expect(route.code).toBe(0);
    expect(route.stdout).toContain('"brokerName":"broker-a"');
    expect(route.stdout).toMatch(/"readQueueNums":4/);
  });

  it('topicStatus shows min and max offsets per queue', async () => {
    await producer.start();
    for (let i = 0; i < 8; i++) sent.push(await producer.send(new Message(topic, Buffer.from(`mqadmin ${i}`), { keys: [key, `k-${i}`] })));
    const r = await mqadmin(['topicStatus', '-t', topic]);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^broker-a\s+\d+\s+\d+\s+\d+/.test(l.trim()));
    expect(rows).toHaveLength(4);
    const maxTotal = rows.map((l) => Number(l.trim().split(/\s+/)[3])).reduce((a, b) => a + b, 0);
    expect(maxTotal).toBe(8);
  });

  it('consumerProgress shows the topics, offsets and lag of an online group', async () => {
    // An online consumer: its heartbeat creates %RETRY%<group>, whose route mqadmin looks the group up by.
    const consumer = new PushConsumer({ nameServer: mq.nameServer, group, logger: quiet, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    let received = 0;
    await consumer
      .subscribe(topic)
      .onMessage(() => {
        received++;
      })
      .start();
    try {
      const deadline = Date.now() + 30_000;
      while ((received < sent.length || (await admin.consumerProgress(group, topic)).totalLag > 0) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 300));
      }
      const r = await mqadmin(['consumerProgress', '-g', group, '-s', 'true']);
      expect(r.stdout).toContain(topic);
      const rows = r.stdout.split('\n').filter((l) => l.startsWith(topic));
      expect(rows).toHaveLength(4);
      expect(r.stdout).toMatch(/Diff Total:\s*0\b/);
    } finally {
      await consumer.shutdown({ drainTimeoutMs: 1000 });
    }
  });

  it('queryMsgByKey finds the messages sent with a key', async () => {
    const r = await mqadmin(['queryMsgByKey', '-t', topic, '-k', key]);
    expect(r.code).toBe(0);
    for (const s of sent) expect(r.stdout).toContain(s.msgId);
  });

  it('queryMsgById prints a message looked up by its offset msgId', async () => {
    const target = sent[3]!;
    // 5.x requires -t; 4.9.x does not know it.
    const r = await mqadmin(rocketmqMajor(version) >= 5 ? ['queryMsgById', '-t', topic, '-i', target.offsetMsgId] : ['queryMsgById', '-i', target.offsetMsgId]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(target.msgId);
    expect(r.stdout).toMatch(/Topic:\s+\S*MqadminTopic/);
  });

  it('brokerStatus prints the runtime statistics', async () => {
    const r = await mqadmin(['brokerStatus', '-b', broker().addr]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/brokerVersionDesc\s*:\s*V5_3_3/);
    expect(r.stdout).toMatch(/msgPutTotalTodayNow\s*:\s*\d+/);
    expect(r.stdout).toMatch(/putTps\s*:\s*[\d.]+ [\d.]+ [\d.]+/);
  });
});
