/**
 * Our NameServer with real Apache RocketMQ: a Java broker registers with it, our producer sends through the
 * route it assembles (topic auto-created via TBW102, so the broker re-registers), and Apache's own mqadmin
 * reads the cluster, the topic list and a topic route from it.
 *
 * ROCKETMQ_VERSION picks one version; without it both 5.5.1 and 4.9.8 run. The suite starts its own broker
 * (the global Apache cluster is not used: run with ROCKETMQ_NAMESRV=unused to skip starting it).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NameServer } from '../../libs/broker/src/namesrv/index.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { Message } from '../../libs/rocketmq/src/protocol/message/message.js';
import {
  JAVA_SRC_DIR,
  JVM_BASE_FLAGS,
  TOOL_JVM_FLAGS,
  compileJavaSource,
  ensureRocketMQ,
  javaBin,
  rocketmqMajor,
  runProcess,
} from './support/apache-rocketmq.js';
import { uniqueName } from './support/target.js';
import { retryUntilStatsSampled } from './support/helpers.js';

const VERSIONS = process.env.ROCKETMQ_VERSION ? [process.env.ROCKETMQ_VERSION] : ['5.5.1', '4.9.8'];
const FORBIDDEN_PORTS = new Set([1883, 3306, 4222, 5432, 5672, 6379, 9876, 10911, 6222, 8222, 15672, 25672]);
const BOOT_TIMEOUT_MS = 60_000;

// ---------------------------------------------------------------------------------------------------------------
// A small launcher for one Apache broker pointed at an external name server

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function listenOnce(port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    const done = (): void => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(bound));
    };
    if (host) server.listen({ port, host, exclusive: true }, done);
    else server.listen({ port, exclusive: true }, done);
  });
}

async function portFree(port: number): Promise<boolean> {
  if (port < 1024 || port > 65535 || FORBIDDEN_PORTS.has(port)) return false;
  try {
    await listenOnce(port);
    await listenOnce(port, '127.0.0.1');
    return true;
  } catch {
    return false;
  }
}

/** A listenPort whose VIP port (-2), -1 and HA port (+1) are free too. */
async function brokerListenPort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = await listenOnce(0, '127.0.0.1');
    let ok = true;
    for (let p = base; p < base + 4 && ok; p++) ok = await portFree(p);
    if (ok) return base + 2;
  }
  throw new Error('no four consecutive free ports');
}

/** RocketMQ 4.x reads ${ROCKETMQ_HOME}/conf/logback_{broker,tools}.xml and fails without it. */
const logback = (file: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>\${user.home}/logs/rocketmqlogs/${file}</file>
    <encoder><pattern>%d{HH:mm:ss,SSS} %p %c{0} - %m%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;

interface JavaBroker {
  addr: string;
  brokerName: string;
  output: string[];
  stop(): Promise<void>;
}

async function startJavaBroker(version: string, home: string, namesrvAddr: string, brokerName: string): Promise<JavaBroker> {
  const libDir = await ensureRocketMQ(version);
  const listenPort = await brokerListenPort();
  const store = join(home, 'store');
  await mkdir(join(home, 'conf'), { recursive: true });
  await mkdir(join(home, 'logs', 'rocketmqlogs'), { recursive: true });
  await mkdir(join(home, 'tmp'), { recursive: true });
  if (rocketmqMajor(version) < 5) await writeFile(join(home, 'conf', 'logback_broker.xml'), logback('broker.log'));
  const conf: Record<string, string> = {
    brokerClusterName: 'NsInteropCluster',
    brokerName,
    brokerId: '0',
    brokerRole: 'ASYNC_MASTER',
    flushDiskType: 'ASYNC_FLUSH',
    namesrvAddr,
    brokerIP1: '127.0.0.1',
    brokerIP2: '127.0.0.1',
    listenPort: String(listenPort),
    haListenPort: String(listenPort + 1),
    storePathRootDir: store,
    storePathCommitLog: join(store, 'commitlog'),
    mappedFileSizeCommitLog: String(64 * 1024 * 1024),
    mappedFileSizeConsumeQueue: String(30_000 * 20),
    autoCreateTopicEnable: 'true',
    autoCreateSubscriptionGroup: 'true',
  };
  if (rocketmqMajor(version) >= 5) {
    conf['timerWheelEnable'] = 'false';
  }
  const confFile = join(home, 'conf', 'broker.conf');
  await writeFile(confFile, Object.entries(conf).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const env: NodeJS.ProcessEnv = { ...process.env, ROCKETMQ_HOME: home };
  delete env['NAMESRV_ADDR'];
  delete env['JAVA_TOOL_OPTIONS'];
  const child = spawn(
    javaBin('java'),
    [
      '-Xms256m',
      '-Xmx256m',
      '-XX:MaxDirectMemorySize=256m',
      '-Drocketmq.broker.diskSpaceWarningLevelRatio=0.98',
      '-Drocketmq.broker.diskSpaceCleanForciblyRatio=0.97',
      ...JVM_BASE_FLAGS,
      `-Duser.home=${home}`,
      `-Drocketmq.home.dir=${home}`,
      `-Djava.io.tmpdir=${join(home, 'tmp')}`,
      '-cp',
      join(libDir, '*'),
      'org.apache.rocketmq.broker.BrokerStartup',
      '-c',
      confFile,
    ],
    { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => children.delete(child));
  const booted = new Promise<void>((resolve, reject) => {
    const onData = (data: Buffer): void => {
      for (const line of data.toString('utf8').split('\n')) {
        if (line.trim()) output.push(line);
        if (/boot success/.test(line)) resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`broker exited (${signal ?? code}) before booting:\n${output.slice(-30).join('\n')}`)));
    setTimeout(() => reject(new Error(`broker did not boot in ${BOOT_TIMEOUT_MS} ms:\n${output.slice(-30).join('\n')}`)), BOOT_TIMEOUT_MS).unref();
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await booted;
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  return { addr: `127.0.0.1:${listenPort}`, brokerName, output, stop };
}

/** Apache's mqadmin (through HarnessMQAdmin: real exit code, no 3-5 s linger). */
async function mqadmin(version: string, home: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const libDir = await ensureRocketMQ(version);
  const { classesDir, mainClass } = await compileJavaSource(version, join(JAVA_SRC_DIR, 'HarnessMQAdmin.java'));
  const env: NodeJS.ProcessEnv = { ...process.env, ROCKETMQ_HOME: home };
  delete env['NAMESRV_ADDR'];
  delete env['JAVA_TOOL_OPTIONS'];
  await mkdir(join(home, 'conf'), { recursive: true });
  if (rocketmqMajor(version) < 5) await writeFile(join(home, 'conf', 'logback_tools.xml'), logback('tools.log'));
  const result = await runProcess(
    javaBin('java'),
    [...TOOL_JVM_FLAGS, ...JVM_BASE_FLAGS, `-Duser.home=${home}`, `-Drocketmq.home.dir=${home}`, '-cp', `${classesDir}:${join(libDir, '*')}`, mainClass, ...args],
    { cwd: home, env, timeoutMs: 60_000 },
  );
  if (process.env.ROCKETMQ_INTEROP_VERBOSE) process.stderr.write(`mqadmin ${args.join(' ')}:\n${result.stdout}\n`);
  if (result.code !== 0) process.stderr.write(`mqadmin ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}\n`);
  return { code: result.code, stdout: result.stdout, stderr: result.stderr };
}

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// ---------------------------------------------------------------------------------------------------------------

describe.each(VERSIONS)('our NameServer with Apache RocketMQ %s', (version) => {
  let root: string;
  let nameServer: NameServer;
  let namesrvAddr: string;
  let broker: JavaBroker | undefined;
  let producer: Producer | undefined;
  const brokerName = `ns-broker-${version.replace(/\./g, '')}`;
  const topic = uniqueName('NsInteropTopic');

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), `namesrv-interop-${version}-`));
    nameServer = new NameServer({ host: '127.0.0.1', port: 0, kvConfigPath: join(root, 'namesrv', 'kvConfig.json') });
    ({ addr: namesrvAddr } = await nameServer.start());
    broker = await startJavaBroker(version, join(root, 'broker'), namesrvAddr, brokerName);
  }, 120_000);

  afterAll(async () => {
    await producer?.shutdown().catch(() => undefined);
    await broker?.stop();
    await nameServer?.stop();
    await rm(root, { recursive: true, force: true, maxRetries: 3 });
  }, 30_000);

  it('registers the Java broker: cluster info lists it with its address and system topics', async () => {
    // a JVM broker that started on a busy machine may take a while to send its first registration
    await waitFor('the broker registration', () => nameServer.clusterInfo().brokerAddrTable[brokerName] !== undefined, 40_000);
    const info = nameServer.clusterInfo();
    expect(info.clusterAddrTable).toEqual({ NsInteropCluster: [brokerName] });
    expect(info.brokerAddrTable[brokerName]!.brokerAddrs).toEqual({ '0': broker!.addr });
    const live = nameServer.liveBrokers();
    expect(live).toHaveLength(1);
    expect(live[0]!.brokerAddr).toBe(broker!.addr);
    expect(live[0]!.dataVersion.counter).toBeGreaterThanOrEqual(0);
    // TBW102 (auto-create) is registered with perm 7 and carries the route for new topics
    expect(nameServer.routes.topicQueueDatas('TBW102')?.[brokerName]?.perm).toBe(7);
  }, 60_000);

  it('routes our producer to the broker: a new topic is auto-created via TBW102 and the broker re-registers it', async () => {
    producer = new Producer({ nameServer: namesrvAddr, group: uniqueName('ns_interop_producer') });
    await producer.start();
    const result = await producer.send(new Message(topic, Buffer.from('x')));
    expect(result.status).toBe('SEND_OK');
    expect(result.messageQueue.brokerName).toBe(brokerName);
    await waitFor(`${topic} in the name server`, () => nameServer.topicRoute(topic) !== undefined, 15_000);
    const route = nameServer.topicRoute(topic)!;
    expect(route.brokerDatas.map((b) => b.brokerName)).toEqual([brokerName]);
    expect(route.queueDatas[0]!.writeQueueNums).toBeGreaterThan(0);
    // the route now comes from the topic itself: a second send still succeeds
    expect((await producer.send(new Message(topic, Buffer.from('y')))).status).toBe('SEND_OK');
  }, 60_000);

  it('serves mqadmin clusterList', async () => {
    const out = await retryUntilStatsSampled(() => mqadmin(version, join(root, 'tools'), ['clusterList', '-n', namesrvAddr]));
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('NsInteropCluster');
    expect(out.stdout).toContain(brokerName);
    expect(out.stdout).toContain(broker!.addr);
  }, 60_000);

  it('serves mqadmin topicList', async () => {
    await waitFor(`${topic} in the name server`, () => nameServer.topicRoute(topic) !== undefined, 15_000);
    const out = await mqadmin(version, join(root, 'tools'), ['topicList', '-n', namesrvAddr]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(topic);
    expect(out.stdout).toContain('TBW102');
  }, 60_000);

  it('serves mqadmin topicRoute', async () => {
    const out = await mqadmin(version, join(root, 'tools'), ['topicRoute', '-t', topic, '-n', namesrvAddr]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(brokerName);
    expect(out.stdout).toContain(broker!.addr);
    expect(out.stdout).toMatch(/"writeQueueNums"\s*:\s*\d+/);
  }, 60_000);

  it('serves mqadmin updateKvConfig (PUT_KV_CONFIG), persisted by our KV config', async () => {
    const out = await mqadmin(version, join(root, 'tools'), ['updateKvConfig', '-s', 'NS_INTEROP', '-k', 'answer', '-v', '42', '-n', namesrvAddr]);
    expect(out.code).toBe(0);
    expect(nameServer.kvConfig.get('NS_INTEROP', 'answer')).toBe('42');
  }, 60_000);

  it('serves mqadmin wipeWritePerm: every topic of the broker becomes read-only in our routes', async () => {
    const out = await mqadmin(version, join(root, 'tools'), ['wipeWritePerm', '-b', brokerName, '-n', namesrvAddr]);
    expect(out.code).toBe(0);
    const count = nameServer.routes.getTopicsByCluster('NsInteropCluster').length;
    expect(out.stdout).toContain(`OK, ${count}`);
    expect(nameServer.routes.topicQueueDatas(topic)![brokerName]!.perm).toBe(4);
  }, 60_000);

  it('unregisters the broker when it shuts down', async () => {
    await producer?.shutdown();
    producer = undefined;
    await broker!.stop();
    await waitFor('the broker to leave', () => nameServer.clusterInfo().brokerAddrTable[brokerName] === undefined, 15_000);
    expect(nameServer.topicRoute(topic)).toBeUndefined();
  }, 30_000);
});
