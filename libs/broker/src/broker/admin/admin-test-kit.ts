/**
 * Small, honest in-memory registries and a BrokerContext over a real MessageStore, for the admin, ACL and TLS unit
 * tests (no test-framework import, so the lib build accepts the file). They follow the BrokerContext contract;
 * engineer A's real registries replace them in the broker.
 */
import type { RemotingConnection, RequestHandler } from '@app/rocketmq/remoting';
import {
  createDataVersion,
  createSubscriptionGroupConfig,
  createTopicConfig,
  nextDataVersion,
  RemotingCommand,
  type ConsumeFromWhere,
  type ConsumeType,
  type DataVersion,
  type MessageModel,
  type SubscriptionData,
  type SubscriptionGroupConfig,
  type TopicConfig,
} from '@app/rocketmq/protocol';
import { MessageStore, type PutMessageResult } from '../../store/index.js';
import { removeDir, tempStoreDir, testStoreOptions } from '../../store/test-fixtures.js';
import { defaultBrokerConfig, type BrokerConfig } from '../broker-config.js';
import type {
  BrokerContext,
  BrokerLogger,
  ClientRegistry,
  ConsumerGroupInfo,
  ConsumerOffsetRegistry,
  InternalMessage,
  PutHook,
  SubscriptionGroupRegistry,
  TopicConfigRegistry,
} from '../broker-context.js';
import type { ProducerClientInfo, ProducerClientsCapable, TopicOffsetRemovalCapable } from './admin-options.js';

export class MemoryTopicRegistry implements TopicConfigRegistry {
  private readonly table = new Map<string, TopicConfig>();
  dataVersion: DataVersion = createDataVersion();

  get(topic: string): TopicConfig | undefined {
    return this.table.get(topic);
  }
  all(): TopicConfig[] {
    return [...this.table.values()];
  }
  createOrUpdate(config: TopicConfig): void {
    this.table.set(config.topicName, { ...config, attributes: { ...config.attributes } });
    this.dataVersion = nextDataVersion(this.dataVersion);
  }
  delete(topic: string): boolean {
    const deleted = this.table.delete(topic);
    if (deleted) this.dataVersion = nextDataVersion(this.dataVersion);
    return deleted;
  }
  createOnSend(): TopicConfig | undefined {
    return undefined;
  }
  createSystemTopic(topic: string, queueNums: number, perm: number): TopicConfig {
    const config = createTopicConfig(topic, { readQueueNums: queueNums, writeQueueNums: queueNums, perm });
    this.createOrUpdate(config);
    return config;
  }
}

export class MemoryGroupRegistry implements SubscriptionGroupRegistry {
  private readonly table = new Map<string, SubscriptionGroupConfig>();
  dataVersion: DataVersion = createDataVersion();
  constructor(private readonly autoCreate = true) {}

  get(group: string): SubscriptionGroupConfig | undefined {
    return this.table.get(group);
  }
  findOrCreate(group: string): SubscriptionGroupConfig | undefined {
    const found = this.table.get(group);
    if (found || !this.autoCreate) return found;
    const created = createSubscriptionGroupConfig(group);
    this.createOrUpdate(created);
    return created;
  }
  createOrUpdate(config: SubscriptionGroupConfig): void {
    this.table.set(config.groupName, config);
    this.dataVersion = nextDataVersion(this.dataVersion);
  }
  delete(group: string): boolean {
    return this.table.delete(group);
  }
  all(): SubscriptionGroupConfig[] {
    return [...this.table.values()];
  }
}

export class MemoryOffsetRegistry implements ConsumerOffsetRegistry, TopicOffsetRemovalCapable {
  /** `topic@group` → queueId → offset. */
  readonly table = new Map<string, Map<number, number>>();

  query(group: string, topic: string, queueId: number): number | undefined {
    return this.table.get(`${topic}@${group}`)?.get(queueId);
  }
  commit(group: string, topic: string, queueId: number, offset: number): void {
    const key = `${topic}@${group}`;
    let queues = this.table.get(key);
    if (!queues) this.table.set(key, (queues = new Map()));
    queues.set(queueId, offset);
  }
  offsetsOf(group: string, topic: string): Map<number, number> {
    return new Map(this.table.get(`${topic}@${group}`) ?? []);
  }
  topicsOf(group: string): string[] {
    return [...this.table.keys()].filter((k) => k.endsWith(`@${group}`)).map((k) => k.slice(0, k.lastIndexOf('@')));
  }
  groupsOf(topic: string): string[] {
    return [...this.table.keys()].filter((k) => k.startsWith(`${topic}@`)).map((k) => k.slice(topic.length + 1));
  }
  removeGroup(group: string): void {
    for (const key of [...this.table.keys()]) if (key.endsWith(`@${group}`)) this.table.delete(key);
  }
  removeTopic(topic: string): void {
    for (const key of [...this.table.keys()]) if (key.startsWith(`${topic}@`)) this.table.delete(key);
  }
  persist(): Promise<void> {
    return Promise.resolve();
  }
}

export interface TestConsumer {
  group: string;
  clientId: string;
  connection: RemotingConnection;
  language?: string;
  version?: number;
  subscriptions?: SubscriptionData[];
  consumeType?: ConsumeType;
  messageModel?: MessageModel;
  consumeFromWhere?: ConsumeFromWhere;
}

export class MemoryClientRegistry implements ClientRegistry, ProducerClientsCapable {
  private readonly consumers = new Map<string, ConsumerGroupInfo>();
  private readonly producers = new Map<string, ProducerClientInfo[]>();

  addConsumer(c: TestConsumer): void {
    let info = this.consumers.get(c.group);
    if (!info) {
      info = {
        group: c.group,
        consumeType: c.consumeType ?? 'CONSUME_PASSIVELY',
        messageModel: c.messageModel ?? 'CLUSTERING',
        consumeFromWhere: c.consumeFromWhere ?? 'CONSUME_FROM_LAST_OFFSET',
        subscriptions: new Map(),
        clients: new Map(),
      };
      this.consumers.set(c.group, info);
    }
    for (const sd of c.subscriptions ?? []) info.subscriptions.set(sd.topic, sd);
    info.clients.set(c.clientId, { connection: c.connection, lastUpdate: Date.now(), language: c.language ?? 'JAVA', version: c.version ?? 409 });
  }
  addProducer(group: string, producer: ProducerClientInfo): void {
    const list = this.producers.get(group) ?? [];
    list.push(producer);
    this.producers.set(group, list);
  }
  consumerGroup(group: string): ConsumerGroupInfo | undefined {
    return this.consumers.get(group);
  }
  consumerGroups(): string[] {
    return [...this.consumers.keys()];
  }
  consumerIds(group: string): string[] {
    return [...(this.consumers.get(group)?.clients.keys() ?? [])];
  }
  subscription(group: string, topic: string): SubscriptionData | undefined {
    return this.consumers.get(group)?.subscriptions.get(topic);
  }
  producerConnections(group: string): RemotingConnection[] {
    return (this.producers.get(group) ?? []).map((p) => p.connection);
  }
  producerClients(group: string): ProducerClientInfo[] {
    return [...(this.producers.get(group) ?? [])];
  }
  producerConnectionByClientId(clientId: string): RemotingConnection | undefined {
    for (const list of this.producers.values()) for (const p of list) if (p.clientId === clientId) return p.connection;
    return undefined;
  }
  consumerConnection(group: string, clientId: string): RemotingConnection | undefined {
    return this.consumers.get(group)?.clients.get(clientId)?.connection;
  }
}

export const silentBrokerLogger: BrokerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

export interface TestBroker {
  ctx: BrokerContext;
  store: MessageStore;
  topics: MemoryTopicRegistry;
  groups: MemoryGroupRegistry;
  offsets: MemoryOffsetRegistry;
  clients: MemoryClientRegistry;
  processors: Map<number, RequestHandler>;
  registrations: () => number;
  close(): Promise<void>;
}

/** A BrokerContext over a real store in a temp dir; processors registered on it land in `processors`. */
export async function createTestBroker(config: Partial<BrokerConfig> = {}): Promise<TestBroker> {
  const dir = tempStoreDir('rmq-admin-');
  const store = await MessageStore.open(testStoreOptions(dir));
  const topics = new MemoryTopicRegistry();
  const groups = new MemoryGroupRegistry();
  const offsets = new MemoryOffsetRegistry();
  const clients = new MemoryClientRegistry();
  const processors = new Map<number, RequestHandler>();
  const hooks: PutHook[] = [];
  let registrations = 0;
  const brokerConfig: BrokerConfig = { ...defaultBrokerConfig(), storePathRootDir: dir, listenPort: 10911, ...config };
  const ctx: BrokerContext = {
    config: brokerConfig,
    store,
    logger: silentBrokerLogger,
    brokerAddr: `${brokerConfig.brokerIP1}:${brokerConfig.listenPort}`,
    topics,
    groups,
    offsets,
    clients,
    putInternal(message: InternalMessage): Promise<PutMessageResult> {
      for (const hook of hooks) hook(message);
      const properties = Object.entries(message.properties)
        .map(([k, v]) => `${k}\u0001${v}\u0002`)
        .join('');
      return store.putMessage({ ...message, properties });
    },
    addPutHook(hook: PutHook): void {
      hooks.push(hook);
    },
    registerProcessor(code: number, handler: RequestHandler): void {
      processors.set(code, handler);
    },
    requestRegistration(): void {
      registrations++;
    },
  };
  return {
    ctx,
    store,
    topics,
    groups,
    offsets,
    clients,
    processors,
    registrations: () => registrations,
    async close() {
      await store.close();
      removeDir(dir);
    },
  };
}

/** Calls the processor registered for `code` as the remoting server would, without a connection. */
export async function callProcessor(
  broker: TestBroker,
  code: number,
  extFields?: Record<string, string>,
  body?: Buffer,
  connection?: RemotingConnection,
): Promise<RemotingCommand> {
  const handler = broker.processors.get(code);
  if (!handler) throw new Error(`no processor for request code ${code}`);
  const request = RemotingCommand.request(code, extFields, body);
  request.opaque = 4242;
  const response = await handler(request, connection ?? (undefined as unknown as RemotingConnection));
  if (!response) throw new Error(`processor for ${code} returned no response`);
  return response;
}
