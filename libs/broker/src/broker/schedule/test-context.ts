/**
 * A real, minimal BrokerContext for the delivery features' unit tests: a MessageStore in a temp directory and small
 * in-memory registries (only what schedule, timer, transactions and reply touch). No test-framework import, so the
 * lib build accepts it.
 */
import {
  MessageConst,
  RocketMQError,
  createUniqueId,
  propertiesToString,
  type DataVersion,
  type SubscriptionGroupConfig,
  type TopicConfig,
} from '@app/rocketmq/protocol';
import { RemotingServer, type RemotingConnection, type RequestHandler } from '@app/rocketmq/remoting';
import { MessageStore } from '../../store/message-store.js';
import { removeDir, tempStoreDir, testStoreOptions } from '../../store/test-fixtures.js';
import { defaultBrokerConfig, type BrokerConfig } from '../broker-config.js';
import type {
  BrokerContext,
  BrokerLogger,
  ClientRegistry,
  ConsumerOffsetRegistry,
  InternalMessage,
  PutHook,
  SubscriptionGroupRegistry,
  TopicConfigRegistry,
} from '../broker-context.js';
import type { PutMessageResult } from '../../store/index.js';
import { createScheduleTagsCode } from './delay-levels.js';

export class TestLogger implements BrokerLogger {
  readonly entries: { level: 'log' | 'warn' | 'error'; message: string }[] = [];
  log(message: string): void {
    this.entries.push({ level: 'log', message });
  }
  warn(message: string): void {
    this.entries.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.entries.push({ level: 'error', message });
  }
  has(level: 'log' | 'warn' | 'error', text: string | RegExp): boolean {
    return this.entries.some((e) => e.level === level && (typeof text === 'string' ? e.message.includes(text) : text.test(e.message)));
  }
}

function dataVersion(): DataVersion {
  return { timestamp: Date.now(), counter: 0 } as DataVersion;
}

function topicConfig(topicName: string, queueNums: number, perm = 6): TopicConfig {
  return { topicName, readQueueNums: queueNums, writeQueueNums: queueNums, perm, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: {} } as TopicConfig;
}

export class TestTopics implements TopicConfigRegistry {
  readonly map = new Map<string, TopicConfig>();
  readonly dataVersion = dataVersion();
  constructor(private readonly autoCreate = true) {}
  get(topic: string) {
    return this.map.get(topic);
  }
  all() {
    return [...this.map.values()];
  }
  createOrUpdate(config: TopicConfig) {
    this.map.set(config.topicName, config);
  }
  delete(topic: string) {
    return this.map.delete(topic);
  }
  createOnSend(topic: string, _template: string, clientQueueNums: number) {
    if (!this.autoCreate) return undefined;
    const config = topicConfig(topic, Math.max(1, Math.min(clientQueueNums, 8)));
    this.map.set(topic, config);
    return config;
  }
  createSystemTopic(topic: string, queueNums: number, perm: number) {
    const config = topicConfig(topic, queueNums, perm);
    this.map.set(topic, config);
    return config;
  }
}

class TestGroups implements SubscriptionGroupRegistry {
  private readonly map = new Map<string, SubscriptionGroupConfig>();
  readonly dataVersion = dataVersion();
  get(group: string) {
    return this.map.get(group);
  }
  findOrCreate(group: string) {
    return this.map.get(group);
  }
  createOrUpdate(config: SubscriptionGroupConfig) {
    this.map.set(config.groupName, config);
  }
  delete(group: string) {
    return this.map.delete(group);
  }
  all() {
    return [...this.map.values()];
  }
}

export class TestOffsets implements ConsumerOffsetRegistry {
  readonly table = new Map<string, Map<number, number>>();
  query(group: string, topic: string, queueId: number) {
    return this.table.get(`${topic}@${group}`)?.get(queueId);
  }
  commit(group: string, topic: string, queueId: number, offset: number) {
    const key = `${topic}@${group}`;
    let queues = this.table.get(key);
    if (!queues) this.table.set(key, (queues = new Map()));
    queues.set(queueId, offset);
  }
  offsetsOf(group: string, topic: string) {
    return new Map(this.table.get(`${topic}@${group}`) ?? []);
  }
  topicsOf(group: string) {
    return [...this.table.keys()].filter((k) => k.endsWith(`@${group}`)).map((k) => k.slice(0, k.lastIndexOf('@')));
  }
  groupsOf(topic: string) {
    return [...this.table.keys()].filter((k) => k.startsWith(`${topic}@`)).map((k) => k.slice(topic.length + 1));
  }
  removeGroup(group: string) {
    for (const k of [...this.table.keys()]) if (k.endsWith(`@${group}`)) this.table.delete(k);
  }
  async persist() {}
}

export class TestClients implements ClientRegistry {
  /** group → clientId → connection */
  readonly producers = new Map<string, Map<string, RemotingConnection>>();
  addProducer(group: string, clientId: string, connection: RemotingConnection): void {
    let clients = this.producers.get(group);
    if (!clients) this.producers.set(group, (clients = new Map()));
    clients.set(clientId, connection);
  }
  consumerGroup() {
    return undefined;
  }
  consumerGroups() {
    return [];
  }
  consumerIds() {
    return [];
  }
  subscription() {
    return undefined;
  }
  producerConnections(group: string) {
    return [...(this.producers.get(group)?.values() ?? [])];
  }
  producerConnectionByClientId(clientId: string) {
    for (const clients of this.producers.values()) {
      const connection = clients.get(clientId);
      if (connection) return connection;
    }
    return undefined;
  }
  consumerConnection() {
    return undefined;
  }
}

export interface TestContext extends BrokerContext {
  readonly config: BrokerConfig;
  readonly logger: TestLogger;
  readonly topics: TestTopics;
  readonly offsets: TestOffsets;
  readonly clients: TestClients;
  readonly processors: Map<number, RequestHandler>;
  readonly hooks: PutHook[];
  readonly dir: string;
  /** Every putInternal, after hooks. */
  readonly puts: InternalMessage[];
}

/** Opens a store in `dir` (a new temp directory by default) and builds a context over it. */
export async function createTestContext(overrides: Partial<BrokerConfig> = {}, dir = tempStoreDir('rmq-delivery-'), shared?: Pick<TestContext, 'offsets' | 'topics'>): Promise<TestContext> {
  const config: BrokerConfig = { ...defaultBrokerConfig(), storePathRootDir: dir, transactionCheckInterval: 60_000, ...overrides };
  const store = await MessageStore.open(testStoreOptions(dir, { computeTagsCode: createScheduleTagsCode(config.messageDelayLevel), messageIndexEnable: false }));
  const hooks: PutHook[] = [];
  const processors = new Map<number, RequestHandler>();
  const puts: InternalMessage[] = [];
  const ctx: TestContext = {
    config,
    store,
    logger: new TestLogger(),
    brokerAddr: '127.0.0.1:10911',
    topics: shared?.topics ?? new TestTopics(),
    groups: new TestGroups(),
    offsets: shared?.offsets ?? new TestOffsets(),
    clients: new TestClients(),
    processors,
    hooks,
    dir,
    puts,
    async putInternal(message: InternalMessage, options?: { skipHooks?: boolean }): Promise<PutMessageResult> {
      if (!options?.skipHooks) {
        for (const hook of hooks) {
          const refused = hook(message);
          if (refused) throw new RocketMQError(refused.remark, refused.code);
        }
      }
      const props = message.properties;
      props[MessageConst.CLUSTER] ??= config.brokerClusterName;
      props[MessageConst.UNIQ_KEY] ??= createUniqueId();
      puts.push(message);
      return store.putMessage({
        topic: message.topic,
        queueId: message.queueId,
        body: message.body,
        properties: propertiesToString(props),
        flag: message.flag,
        sysFlag: message.sysFlag,
        bornTimestamp: message.bornTimestamp,
        bornHost: message.bornHost,
        reconsumeTimes: message.reconsumeTimes,
        preparedTransactionOffset: message.preparedTransactionOffset,
        tagsCode: message.tagsCode,
      });
    },
    addPutHook(hook: PutHook) {
      hooks.push(hook);
    },
    registerProcessor(code: number, handler: RequestHandler) {
      processors.set(code, handler);
    },
    requestRegistration() {},
  };
  return ctx;
}

/** Runs the hooks as the send path does; returns the refusal, if any. */
export function applyHooks(ctx: TestContext, message: InternalMessage): { code: number; remark: string } | void {
  for (const hook of ctx.hooks) {
    const refused = hook(message);
    if (refused) return refused;
  }
}

/** A remoting server serving the context's processors. */
export async function serveProcessors(ctx: TestContext): Promise<{ server: RemotingServer; addr: string }> {
  const server = new RemotingServer();
  for (const [code, handler] of ctx.processors) server.registerProcessor(code, handler);
  const address = await server.listen();
  return { server, addr: `127.0.0.1:${address.port}` };
}

export function removeTestDir(dir: string): void {
  removeDir(dir);
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
