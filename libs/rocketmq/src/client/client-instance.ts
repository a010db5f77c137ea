import { randomUUID } from 'node:crypto';
import { stderrLogger, type RocketMQLogger } from '../logger.js';
import { RocketMQError, RocketMQResponseError } from '../protocol/errors.js';
import { RemotingCommand } from '../protocol/remoting-command.js';
import { RequestCode, requestCodeName } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { decodeTopicRouteData, type TopicRouteData } from '../protocol/body/topic-route-data.js';
import { encodeHeartbeatData, type ConsumerData, type HeartbeatData } from '../protocol/body/heartbeat-data.js';
import { UnregisterClientRequestHeader } from '../protocol/header/consumer-headers.js';
import { ReplyMessageRequestHeader } from '../protocol/header/send-headers.js';
import { CheckTransactionStateRequestHeader } from '../protocol/header/transaction-headers.js';
import { MessageConst } from '../protocol/message/message-const.js';
import { MessageExt } from '../protocol/message/message.js';
import { decompressBody } from '../protocol/message/compression.js';
import { parsePropertiesString } from '../protocol/message/properties.js';
import { decodeStoredMessage } from '../protocol/message/stored-message-codec.js';
import { aclRpcHook } from '../remoting/acl-signer.js';
import { RemotingClient } from '../remoting/remoting-client.js';
import type { RequestHandler } from '../remoting/remoting-connection.js';
import { buildClientId, localIp, uniqueInstanceName } from './client-id.js';
import { resolveClientOptions, type ClientOptions, type ResolvedClientOptions } from './client-options.js';
import { NameServerApi } from './name-server-api.js';

/** What the client instance needs from a registered producer. */
export interface ProducerHandle {
  readonly group: string;
  /** Topics whose routes the instance keeps fresh for this producer. */
  publishTopics(): Iterable<string>;
  /**
   * The template topic (TBW102), whose route the instance also keeps, as Java does: it names every broker that
   * auto-creates topics, so heartbeats reach them (and check-backs find this producer) before its first send.
   */
  readonly createTopicKey: string;
  onTopicRoute(topic: string, route: TopicRouteData): void;
  /** Answers a broker's transaction check-back (transactional producers only). */
  checkTransactionState?(brokerAddr: string, message: MessageExt, header: CheckTransactionStateRequestHeader): void;
}

/** What the client instance needs from a registered consumer. */
export interface ConsumerHandle {
  readonly group: string;
  consumerData(): ConsumerData;
  subscribedTopics(): Iterable<string>;
  onTopicRoute(topic: string, route: TopicRouteData): void;
  rebalance(): Promise<void>;
  persistOffsets(): Promise<void>;
}

const MASTER_ID = 0;

/**
 * One client identity (clientId) with its name-server and broker connections, topic routes,
 * heartbeats and the producers and consumers registered under it (Java's MQClientInstance).
 */
export class ClientInstance {
  readonly clientId: string;
  readonly remoting: RemotingClient;
  readonly nameServer: NameServerApi;
  readonly logger: RocketMQLogger;
  private readonly routes = new Map<string, TopicRouteData>();
  /** brokerName → brokerId → address. */
  private readonly brokerAddrs = new Map<string, Map<number, string>>();
  /** brokerName → cluster name. */
  private readonly brokerClusters = new Map<string, string>();
  private readonly producers = new Map<string, ProducerHandle>();
  private readonly consumers = new Map<string, ConsumerHandle>();
  private readonly timers: NodeJS.Timeout[] = [];
  private started = false;
  private stopped = false;
  private refCount = 0;
  private rebalanceRequested: NodeJS.Timeout | undefined;
  private heartbeatInFlight: Promise<void> | undefined;
  private heartbeatQueued: Promise<void> | undefined;

  private constructor(readonly options: ResolvedClientOptions, instanceName: string) {
    this.logger = options.logger ?? stderrLogger;
    this.clientId = buildClientId(options.clientIp ?? localIp(), instanceName);
    this.remoting = new RemotingClient({
      tls: options.tls,
      rpcHook: options.credentials ? aclRpcHook(options.credentials) : undefined,
      logger: this.logger,
    });
    this.nameServer = new NameServerApi(this.remoting, options.nameServers, options.requestTimeoutMs);
    this.remoting.registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, (request, connection) => {
      this.onCheckTransactionState(request, connection.addr);
      return undefined;
    });
    this.remoting.registerProcessor(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, (request) => this.onReplyMessage(request));
    this.remoting.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (request) => {
      this.logger.debug?.(`consumer ids of ${request.ext('consumerGroup')} changed, rebalancing`, 'ClientInstance');
      this.requestRebalance();
      return undefined;
    });
  }

  private static readonly shared = new Map<string, ClientInstance>();

  /**
   * The instance for these options: shared by clients with the same explicit instance name,
   * otherwise a new one. Callers release it with {@link release}.
   */
  static acquire(clientOptions: ClientOptions): ClientInstance {
    const options = resolveClientOptions(clientOptions);
    let instance: ClientInstance | undefined;
    if (options.instanceName) {
      const clientId = buildClientId(options.clientIp ?? localIp(), options.instanceName);
      instance = ClientInstance.shared.get(clientId);
      if (!instance || instance.stopped) {
        instance = new ClientInstance(options, options.instanceName);
        ClientInstance.shared.set(clientId, instance);
      }
    } else {
      instance = new ClientInstance(options, uniqueInstanceName());
    }
    instance.refCount += 1;
    return instance;
  }

  /** Handles a request code the brokers push to clients (CHECK_TRANSACTION_STATE, PUSH_REPLY_MESSAGE_TO_CLIENT, ...). */
  registerProcessor(code: number, handler: RequestHandler): void {
    this.remoting.registerProcessor(code, handler);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const every = (ms: number, task: () => Promise<unknown>, name: string) => {
      const timer = setInterval(() => {
        task().catch((error: Error) => this.logger.warn(`${name} failed: ${error.message}`, 'ClientInstance'));
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.pollNameServerIntervalMs, () => this.refreshAllRoutes(), 'route refresh');
    // Topics subscribed before they exist (created later by a first send) are looked up every second.
    every(1000, () => this.refreshMissingRoutes(), 'route lookup');
    every(this.options.heartbeatBrokerIntervalMs, () => this.sendHeartbeatToAllBrokers(), 'heartbeat');
    every(this.options.persistConsumerOffsetIntervalMs, () => this.persistAllOffsets(), 'offset commit');
    every(20_000, () => this.rebalanceAll(), 'rebalance');
  }

  /** Releases one reference; the last one shuts the instance down. */
  async release(): Promise<void> {
    this.refCount -= 1;
    if (this.refCount > 0) return;
    await this.shutdown();
  }

  private async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    if (this.rebalanceRequested) clearTimeout(this.rebalanceRequested);
    await this.heartbeatQueued?.catch(() => undefined);
    await this.heartbeatInFlight?.catch(() => undefined);
    await this.remoting.close();
    for (const [id, instance] of ClientInstance.shared) if (instance === this) ClientInstance.shared.delete(id);
  }

  // ------------------------------------------------------------------------------------------
  // registry

  registerProducer(handle: ProducerHandle): void {
    if (this.producers.has(handle.group)) {
      throw new RocketMQError(`The producer group "${handle.group}" is already registered in client ${this.clientId}; use another group or instance name`);
    }
    this.producers.set(handle.group, handle);
  }

  registerConsumer(handle: ConsumerHandle): void {
    if (this.consumers.has(handle.group)) {
      throw new RocketMQError(`The consumer group "${handle.group}" is already registered in client ${this.clientId}; use another group or instance name`);
    }
    this.consumers.set(handle.group, handle);
  }

  producer(group: string): ProducerHandle | undefined {
    return this.producers.get(group);
  }

  consumer(group: string): ConsumerHandle | undefined {
    return this.consumers.get(group);
  }

  async unregisterProducer(group: string): Promise<void> {
    if (!this.producers.delete(group)) return;
    await this.unregisterClient({ producerGroup: group });
  }

  async unregisterConsumer(group: string): Promise<void> {
    if (!this.consumers.delete(group)) return;
    await this.unregisterClient({ consumerGroup: group });
  }

  private async unregisterClient(groups: { producerGroup?: string; consumerGroup?: string }): Promise<void> {
    const ext = UnregisterClientRequestHeader.encode({ clientID: this.clientId, ...groups });
    await Promise.all(
      this.allBrokerAddrs().map(async (addr) => {
        try {
          await this.remoting.invoke(addr, RemotingCommand.request(RequestCode.UNREGISTER_CLIENT, { ...ext }), this.options.requestTimeoutMs);
        } catch (error) {
          this.logger.warn(`unregistering ${this.clientId} from ${addr} failed: ${(error as Error).message}`, 'ClientInstance');
        }
      }),
    );
  }

  // ------------------------------------------------------------------------------------------
  // routes

  topicRoute(topic: string): TopicRouteData | undefined {
    return this.routes.get(topic);
  }

  /**
   * Fetches a topic's route from the name server, records its brokers and hands it to the
   * producers and consumers that use the topic. Returns undefined when the topic does not exist.
   */
  async updateTopicRoute(topic: string): Promise<TopicRouteData | undefined> {
    const body = await this.nameServer.topicRouteBody(topic);
    if (!body) return undefined;
    const route = decodeTopicRouteData(body);
    this.applyRoute(topic, route);
    return route;
  }

  private applyRoute(topic: string, route: TopicRouteData): void {
    const previous = this.routes.get(topic);
    const queuesChanged = !previous || queueLayout(previous) !== queueLayout(route);
    this.routes.set(topic, route);
    let newBroker = false;
    for (const broker of route.brokerDatas) {
      const addrs = new Map<number, string>();
      const known = this.brokerAddrs.get(broker.brokerName);
      for (const [id, addr] of brokerAddrEntries(broker.brokerAddrs)) {
        addrs.set(id, addr);
        if (known?.get(id) !== addr) newBroker = true;
      }
      this.brokerAddrs.set(broker.brokerName, addrs);
      if (broker.cluster) this.brokerClusters.set(broker.brokerName, broker.cluster);
    }
    if (newBroker && this.started && !this.stopped) {
      // A broker we never sent a heartbeat to must learn our groups now: consumers rebalance against
      // its client list, and transaction check-backs look for a live producer of the group there.
      this.sendHeartbeatToAllBrokers()
        .then(() => this.requestRebalance())
        .catch((error: Error) => this.logger.warn(`heartbeat to new brokers failed: ${error.message}`, 'ClientInstance'));
    }
    for (const producer of this.producers.values()) {
      for (const t of producer.publishTopics()) if (t === topic) producer.onTopicRoute(topic, route);
    }
    let subscribed = false;
    for (const consumer of this.consumers.values()) {
      for (const t of consumer.subscribedTopics()) {
        if (t === topic) {
          consumer.onTopicRoute(topic, route);
          subscribed = true;
        }
      }
    }
    // New queues (a topic or %RETRY% topic that just appeared, or more queues) are assigned now,
    // not at the next periodic rebalance 20 s later.
    if (subscribed && queuesChanged && this.started && !this.stopped) this.requestRebalance();
  }

  private async refreshMissingRoutes(): Promise<void> {
    for (const consumer of this.consumers.values()) {
      for (const topic of consumer.subscribedTopics()) {
        if (!this.routes.has(topic)) await this.updateTopicRoute(topic).catch(() => undefined);
      }
    }
  }

  private async refreshAllRoutes(): Promise<void> {
    const topics = new Set<string>();
    for (const p of this.producers.values()) {
      topics.add(p.createTopicKey);
      for (const t of p.publishTopics()) topics.add(t);
    }
    for (const c of this.consumers.values()) for (const t of c.subscribedTopics()) topics.add(t);
    for (const topic of topics) {
      try {
        await this.updateTopicRoute(topic);
      } catch (error) {
        this.logger.warn(`route refresh of ${topic} failed: ${(error as Error).message}`, 'ClientInstance');
      }
    }
  }

  /** The master address of a broker, for sends. */
  masterAddr(brokerName: string): string | undefined {
    return this.brokerAddrs.get(brokerName)?.get(MASTER_ID);
  }

  /**
   * An address to read from: the suggested broker id when known, else the master, else any
   * replica (so consumers keep reading a dead master's messages from its slave).
   */
  subscribeAddr(brokerName: string, brokerId = MASTER_ID, onlyThisBroker = false): { addr: string; brokerId: number } | undefined {
    const addrs = this.brokerAddrs.get(brokerName);
    if (!addrs || addrs.size === 0) return undefined;
    const exact = addrs.get(brokerId);
    if (exact) return { addr: exact, brokerId };
    if (onlyThisBroker) return undefined;
    const master = addrs.get(MASTER_ID);
    if (master) return { addr: master, brokerId: MASTER_ID };
    const [id, addr] = [...addrs.entries()].sort((a, b) => a[0] - b[0])[0]!;
    return { addr, brokerId: id };
  }

  brokerNames(): string[] {
    return [...this.brokerAddrs.keys()];
  }

  clusterOf(brokerName: string): string | undefined {
    return this.brokerClusters.get(brokerName);
  }

  /** Forgets a broker address after a failure, so the next route refresh decides again. */
  allBrokerAddrs(mastersOnly = false): string[] {
    const out: string[] = [];
    for (const addrs of this.brokerAddrs.values()) {
      for (const [id, addr] of addrs) if (!mastersOnly || id === MASTER_ID) out.push(addr);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // heartbeats, rebalance, offsets

  /** Sends the heartbeat (producer and consumer groups, subscriptions) to every known broker. */
  sendHeartbeatToAllBrokers(): Promise<void> {
    const run = async () => {
      const data: HeartbeatData = {
        clientID: this.clientId,
        producerDataSet: [...this.producers.keys()].map((groupName) => ({ groupName })),
        consumerDataSet: [...this.consumers.values()].map((c) => c.consumerData()),
        heartbeatFingerprint: 0,
        withoutSub: false,
      };
      if (data.producerDataSet.length === 0 && data.consumerDataSet.length === 0) return;
      const body = encodeHeartbeatData(data);
      const addrs = this.allBrokerAddrs(data.consumerDataSet.length === 0);
      const failures: string[] = [];
      await Promise.all(
        addrs.map(async (addr) => {
          try {
            const response = await this.remoting.invoke(addr, RemotingCommand.request(RequestCode.HEART_BEAT, undefined, body), this.options.requestTimeoutMs);
            if (response.code !== ResponseCode.SUCCESS) {
              throw new RocketMQResponseError(response.code, response.remark, addr, requestCodeName(RequestCode.HEART_BEAT));
            }
          } catch (error) {
            failures.push(`${addr}: ${(error as Error).message}`);
          }
        }),
      );
      if (failures.length > 0 && failures.length === addrs.length) {
        throw new RocketMQError(`heartbeat reached no broker: ${failures.join('; ')}`);
      }
      for (const failure of failures) this.logger.warn(`heartbeat failed: ${failure}`, 'ClientInstance');
    };
    if (!this.heartbeatInFlight) {
      this.heartbeatInFlight = run().finally(() => {
        this.heartbeatInFlight = undefined;
      });
      return this.heartbeatInFlight;
    }
    // A round is running, built before this call: it may lack a subscription added since (the broker would then
    // refuse pulls as SUBSCRIPTION_NOT_LATEST until the next periodic heartbeat). One more round follows it,
    // shared by every caller that arrives meanwhile.
    this.heartbeatQueued ??= this.heartbeatInFlight
      .catch(() => undefined)
      .then(() => {
        this.heartbeatQueued = undefined;
        return this.stopped ? undefined : this.sendHeartbeatToAllBrokers();
      });
    return this.heartbeatQueued;
  }

  /** Coalesces rebalance triggers (notifications, new subscriptions) into one pass. */
  requestRebalance(delayMs = 0): void {
    if (this.stopped || this.rebalanceRequested) return;
    this.rebalanceRequested = setTimeout(() => {
      this.rebalanceRequested = undefined;
      void this.rebalanceAll();
    }, delayMs);
  }

  private async rebalanceAll(): Promise<void> {
    for (const consumer of this.consumers.values()) {
      try {
        await consumer.rebalance();
      } catch (error) {
        this.logger.warn(`rebalance of ${consumer.group} failed: ${(error as Error).message}`, 'ClientInstance');
      }
    }
  }

  private async persistAllOffsets(): Promise<void> {
    for (const consumer of this.consumers.values()) await consumer.persistOffsets();
  }

  // ------------------------------------------------------------------------------------------
  // broker → client requests

  private onCheckTransactionState(request: RemotingCommand, brokerAddr: string): void {
    try {
      const header = CheckTransactionStateRequestHeader.decode(request.extFields);
      if (!request.body) throw new RocketMQError('CHECK_TRANSACTION_STATE without a message body');
      const message = decodeStoredMessage(request.body, 0);
      const group = message.getProperty(MessageConst.PGROUP);
      const producer = group ? this.producers.get(group) : undefined;
      if (!producer?.checkTransactionState) {
        this.logger.warn(`transaction check for group ${group} from ${brokerAddr}, but no transactional producer of that group runs here`, 'ClientInstance');
        return;
      }
      producer.checkTransactionState(brokerAddr, message, header);
    } catch (error) {
      this.logger.warn(`bad CHECK_TRANSACTION_STATE from ${brokerAddr}: ${(error as Error).message}`, 'ClientInstance');
    }
  }

  private readonly replyWaiters = new Map<string, { resolve(message: MessageExt): void; reject(error: Error): void }>();

  /** Waits for the reply to a request message (PUSH_REPLY_MESSAGE_TO_CLIENT with this correlation id). */
  awaitReply(correlationId: string): { promise: Promise<MessageExt>; cancel(error: Error): void } {
    let cancel!: (error: Error) => void;
    const promise = new Promise<MessageExt>((resolve, reject) => {
      this.replyWaiters.set(correlationId, { resolve, reject });
      cancel = (error) => {
        this.replyWaiters.delete(correlationId);
        reject(error);
      };
    });
    return { promise, cancel };
  }

  private onReplyMessage(request: RemotingCommand): RemotingCommand {
    try {
      const header = ReplyMessageRequestHeader.decode(request.extFields);
      const properties = parsePropertiesString(header.properties ?? '');
      const body = decompressBody(request.body ?? Buffer.alloc(0), header.sysFlag);
      const message = new MessageExt({
        topic: header.topic,
        body,
        properties,
        flag: header.flag,
        queueId: header.queueId,
        queueOffset: 0,
        commitLogOffset: 0,
        sysFlag: header.sysFlag & ~1,
        bornTimestamp: header.bornTimestamp,
        bornHost: header.bornHost,
        storeTimestamp: header.storeTimestamp,
        storeHost: header.storeHost,
        reconsumeTimes: header.reconsumeTimes ?? 0,
        preparedTransactionOffset: 0,
        bodyCRC: 0,
        storeSize: 0,
        offsetMsgId: '',
      });
      message.putProperty(MessageConst.ARRIVE_TIME, String(Date.now()));
      const correlationId = properties[MessageConst.CORRELATION_ID];
      const waiter = correlationId ? this.replyWaiters.get(correlationId) : undefined;
      if (waiter) {
        this.replyWaiters.delete(correlationId!);
        waiter.resolve(message);
      } else {
        this.logger.warn(`reply ${correlationId} arrived after its request timed out, dropped`, 'ClientInstance');
      }
      return RemotingCommand.response(request, ResponseCode.SUCCESS);
    } catch (error) {
      return RemotingCommand.response(request, ResponseCode.SYSTEM_ERROR, (error as Error).message);
    }
  }

  /** A fresh id for request-reply correlation. */
  newCorrelationId(): string {
    return randomUUID();
  }
}

/** The readable queues of a route, as a comparable string. */
function queueLayout(route: TopicRouteData): string {
  return route.queueDatas
    .map((q) => `${q.brokerName}:${q.readQueueNums}:${q.perm}`)
    .sort()
    .join(',');
}

/** brokerAddrs arrive as a map of broker id to address; normalise whatever shape the codec gives. */
function brokerAddrEntries(brokerAddrs: unknown): [number, string][] {
  if (brokerAddrs instanceof Map) return [...brokerAddrs.entries()].map(([k, v]) => [Number(k), String(v)]);
  if (brokerAddrs && typeof brokerAddrs === 'object') {
    return Object.entries(brokerAddrs as Record<string, unknown>).map(([k, v]) => [Number(k), String(v)]);
  }
  return [];
}
