/**
 * What every part of the broker shares: configuration, the store, the metadata registries and the
 * client registry. Processors and services (send, pull, schedule, transactions, admin, ACL) depend
 * on these interfaces only; `Broker` (broker.ts) builds the real implementations and wires them.
 */
import type { RemotingConnection, RequestHandler } from '@app/rocketmq/remoting';
import type { ConsumeFromWhere, ConsumeType, MessageModel, SubscriptionData, SubscriptionGroupConfig, TopicConfig, DataVersion } from '@app/rocketmq/protocol';
import type { MessageStore, PutMessageResult } from '../store/index.js';
import type { BrokerConfig } from './broker-config.js';

export interface BrokerLogger {
  log(message: string, context?: string): void;
  warn(message: string, context?: string): void;
  error(message: string, trace?: string, context?: string): void;
  debug?(message: string, context?: string): void;
}

/** Topic metadata (topics.json). Changes bump the data version and trigger a name-server registration. */
export interface TopicConfigRegistry {
  get(topic: string): TopicConfig | undefined;
  all(): TopicConfig[];
  readonly dataVersion: DataVersion;
  createOrUpdate(config: TopicConfig): void;
  delete(topic: string): boolean;
  /**
   * Auto-creation on send (TopicConfigManager.createTopicInSendMessageMethod): from the template
   * topic when it exists with the INHERIT bit and autoCreateTopicEnable is on; undefined otherwise.
   */
  createOnSend(topic: string, templateTopic: string, clientQueueNums: number, topicSysFlag: number): TopicConfig | undefined;
  /** %RETRY%group / %DLQ%group creation with the given queue count and perm. */
  createSystemTopic(topic: string, queueNums: number, perm: number): TopicConfig;
}

/** Consumer group metadata (subscriptionGroup.json). */
export interface SubscriptionGroupRegistry {
  get(group: string): SubscriptionGroupConfig | undefined;
  /** The group, created with defaults when autoCreateSubscriptionGroup is on; undefined otherwise. */
  findOrCreate(group: string): SubscriptionGroupConfig | undefined;
  createOrUpdate(config: SubscriptionGroupConfig): void;
  delete(group: string): boolean;
  all(): SubscriptionGroupConfig[];
  readonly dataVersion: DataVersion;
}

/** Committed consumer offsets (consumerOffset.json), keyed `topic@group` → queueId → offset. */
export interface ConsumerOffsetRegistry {
  query(group: string, topic: string, queueId: number): number | undefined;
  commit(group: string, topic: string, queueId: number, offset: number, clientAddr?: string): void;
  /** queueId → offset for one group and topic. */
  offsetsOf(group: string, topic: string): Map<number, number>;
  topicsOf(group: string): string[];
  groupsOf(topic: string): string[];
  removeGroup(group: string): void;
  persist(): Promise<void>;
}

export interface ConsumerGroupInfo {
  group: string;
  consumeType: ConsumeType;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  /** topic → subscription (from heartbeats). */
  subscriptions: Map<string, SubscriptionData>;
  /** clientId → its channel and when it last sent a heartbeat. */
  clients: Map<string, { connection: RemotingConnection; lastUpdate: number; language: string; version: number }>;
}

/** Live producers and consumers, learned from heartbeats; channels expire without them. */
export interface ClientRegistry {
  consumerGroup(group: string): ConsumerGroupInfo | undefined;
  consumerGroups(): string[];
  /** Client ids of a group, for GET_CONSUMER_LIST_BY_GROUP and rebalancing. */
  consumerIds(group: string): string[];
  /** The subscription a consumer group registered for a topic. */
  subscription(group: string, topic: string): SubscriptionData | undefined;
  /** Connections of the live producers of a group (transaction check-back goes to one of them). */
  producerConnections(group: string): RemotingConnection[];
  /** The connection of a client id among producers (request-reply pushes the reply there). */
  producerConnectionByClientId(clientId: string): RemotingConnection | undefined;
  /** Consumer connection of a client id in a group (admin requests relayed to a consumer). */
  consumerConnection(group: string, clientId: string): RemotingConnection | undefined;
}

/** A message the broker itself stores: retries, DLQ, scheduled and transactional messages. */
export interface InternalMessage {
  topic: string;
  queueId: number;
  body: Buffer;
  /** Properties as a record; CLUSTER and UNIQ_KEY are added when missing. */
  properties: Record<string, string>;
  flag: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: Buffer | string;
  reconsumeTimes: number;
  preparedTransactionOffset?: number;
  tagsCode?: number;
}

/**
 * Rewrites a message before it is stored, in place: delay levels move it to SCHEDULE_TOPIC_XXXX,
 * timers to the timer topic, half messages to RMQ_SYS_TRANS_HALF_TOPIC (each keeping REAL_TOPIC /
 * REAL_QID). Returns an error response code and remark to refuse the message instead.
 */
export type PutHook = (message: InternalMessage) => { code: number; remark: string } | void;

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly store: MessageStore;
  readonly logger: BrokerLogger;
  /** `brokerIP1:listenPort`, the address in routes and the store host. */
  readonly brokerAddr: string;
  readonly topics: TopicConfigRegistry;
  readonly groups: SubscriptionGroupRegistry;
  readonly offsets: ConsumerOffsetRegistry;
  readonly clients: ClientRegistry;
  /** Stores a message on the broker's own behalf (see InternalMessage); put hooks apply unless skipHooks. */
  putInternal(message: InternalMessage, options?: { skipHooks?: boolean }): Promise<PutMessageResult>;
  /** Adds a rewrite applied to every message the send path (and putInternal) stores. */
  addPutHook(hook: PutHook): void;
  registerProcessor(code: number, handler: RequestHandler): void;
  /** Registers with the name servers soon (after topic changes), coalescing bursts. */
  requestRegistration(): void;
}

/** A part of the broker with timers or state to start and stop (schedule, transactions, ...). */
export interface BrokerService {
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}
