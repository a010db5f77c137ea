/**
 * The push consumer (Java's DefaultMQPushConsumer): subscribe to topics, register a handler, and
 * the consumer pulls the queues the group's rebalance gives it and calls the handler with every
 * message. A handler that returns normally consumed its message; one that throws (or returns
 * RECONSUME_LATER) has it delivered again later, and after `maxReconsumeTimes` it lands in
 * `%DLQ%<group>`.
 */
import { ConsumerRunningInfoProp, createConsumerRunningInfo, type ConsumerRunningInfo } from '../../protocol/body/consumer-running-info.js';
import type { ConsumeMessageDirectlyResult } from '../../protocol/body/consume-message-directly-result.js';
import { buildSubscriptionData, type ConsumerData, type ExpressionType, type SubscriptionData } from '../../protocol/body/heartbeat-data.js';
import { topicRouteToSubscribeQueues, type TopicRouteData } from '../../protocol/body/topic-route-data.js';
import { RocketMQClientError, RocketMQError } from '../../protocol/errors.js';
import { CLIENT_VERSION } from '../../protocol/language-code.js';
import type { MessageExt } from '../../protocol/message/message.js';
import { messageQueueToString, type MessageQueue, MessageQueueMap } from '../../protocol/message/message-queue.js';
import { validateGroup, validateTopic } from '../../protocol/topic-validator.js';
import type { RocketMQLogger } from '../../logger.js';
import { ClientInstance } from '../client-instance.js';
import { RETRY_PREFIX, retryTopic, unwrapNamespace, wrapNamespace } from '../namespace.js';
import { AsyncPool } from './async-pool.js';
import { ConsumeConcurrentlyService } from './consume-concurrently.js';
import type { ConsumeHost } from './consume-host.js';
import { ConsumeOrderlyService } from './consume-orderly.js';
import type { BatchMessageHandler, ConsumeContext, ConsumeOutcome, MessageHandler } from './consume-types.js';
import { ConsumerApi } from './consumer-api.js';
import { resolvePushConsumerOptions, type PushConsumerOptions, type ResolvedPushConsumerOptions } from './consumer-options.js';
import { registerConsumerProcessors, type ConsumerAdminHandle } from './consumer-processors.js';
import { ConsumerStats } from './consumer-stats.js';
import { invokeHandler, resetRetryAndNamespace, type Handler } from './handler-invoker.js';
import { LocalFileOffsetStore } from './local-file-offset-store.js';
import { MessageBack } from './message-back.js';
import { OFFSET_NOT_FOUND, type OffsetStore } from './offset-store.js';
import type { ProcessQueue } from './process-queue.js';
import { PullApi } from './pull-api.js';
import { PullService, type PullHost } from './pull-service.js';
import { Rebalance } from './rebalance.js';
import { RemoteOffsetStore } from './remote-offset-store.js';

/** Figures of one owned queue. */
export interface ConsumerQueueStats {
  messageQueue: MessageQueue;
  /** Messages pulled and not yet consumed. */
  cachedCount: number;
  cachedBytes: number;
  /** The next offset to consume, as the group will commit it (−1: none yet). */
  committedOffset: number;
  /** The queue's max offset at the last pull. */
  brokerMaxOffset: number;
  /** Messages behind: brokerMaxOffset − committedOffset. */
  lag: number;
  locked: boolean;
}

export interface ShutdownOptions {
  /** How long to wait for running handlers before giving up on them, ms. Default 30000. */
  drainTimeoutMs?: number;
}

const LOCK_INTERVAL_MS = 20_000;
const REBALANCE_RETRY_MS = 1000;
const RESET_OFFSET_WAIT_MS = 1000;
const MAX_RECONSUME_UNLIMITED = 2_147_483_647;

type State = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

export class PushConsumer implements ConsumerAdminHandle, ConsumeHost, PullHost {
  readonly config: ResolvedPushConsumerOptions;
  readonly logger: RocketMQLogger;
  readonly stats = new ConsumerStats();
  private readonly instance: ClientInstance;
  private readonly namespace: string | undefined;
  private readonly subscriptions = new Map<string, SubscriptionData>();
  private handler: Handler | undefined;
  private state: State = 'created';
  private paused = false;
  private startedAt = 0;
  private readonly api: ConsumerApi;
  /** @internal the pull and rebalance machinery, shared with the consume and pull services. */
  readonly pullApi: PullApi;
  /** @internal */
  readonly rebalanceImpl: Rebalance;
  private readonly pool: AsyncPool;
  private readonly pullService: PullService;
  private readonly messageBack: MessageBack;
  private _offsetStore: OffsetStore | undefined;
  private concurrently: ConsumeConcurrentlyService | undefined;
  private orderly: ConsumeOrderlyService | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly options: PushConsumerOptions) {
    validateGroup(options.group);
    this.config = resolvePushConsumerOptions(options);
    this.namespace = options.namespace || undefined;
    this.instance = ClientInstance.acquire(options);
    this.logger = this.instance.logger;
    this.api = new ConsumerApi(this.instance);
    this.pullApi = new PullApi(this.instance, this.group);
    this.pool = new AsyncPool(this.config.consumeConcurrency);
    this.pullService = new PullService(this);
    this.messageBack = new MessageBack(this.api, this.group, options, this.logger);
    this.rebalanceImpl = new Rebalance({
      group: this.group,
      clientId: this.instance.clientId,
      messageModel: this.config.messageModel,
      orderly: this.config.consumeMode === 'ORDERLY',
      strategy: this.config.allocateStrategy,
      dropPullExpired: true,
      api: this.api,
      logger: this.logger,
      subscriptions: () => this.subscriptions,
      hooks: {
        computePullFromWhere: (mq) => {
          this.offsetStore.removeOffset(mq);
          return this.computePullFromWhere(mq);
        },
        queueAdded: (mq, pq, offset) => this.pullService.start(mq, pq, offset),
        queueRemoved: (mq, pq) => this.queueRemoved(mq, pq),
      },
    });
  }

  /** The group as sent to brokers (with namespace). */
  get group(): string {
    return wrapNamespace(this.namespace, this.config.group);
  }

  get clientId(): string {
    return this.instance.clientId;
  }

  get offsetStore(): OffsetStore {
    if (!this._offsetStore) throw new RocketMQError('The consumer is not started');
    return this._offsetStore;
  }

  // ------------------------------------------------------------------------------------------
  // public API

  /**
   * Subscribes to a topic: a tag expression (`*`, `TagA || TagB`) or, with type SQL92, a filter
   * on user properties (`a > 5`; the broker must enable property filtering). Replaces an
   * earlier subscription of the same topic.
   */
  subscribe(topic: string, expression = '*', type: ExpressionType = 'TAG'): this {
    validateTopic(topic);
    const wrapped = wrapNamespace(this.namespace, topic);
    this.subscriptions.set(wrapped, buildSubscriptionData(wrapped, expression, type));
    if (this.state === 'running') void this.subscriptionChanged([wrapped]);
    return this;
  }

  unsubscribe(topic: string): this {
    this.subscriptions.delete(wrapNamespace(this.namespace, topic));
    if (this.state === 'running') void this.subscriptionChanged([]);
    return this;
  }

  /** The handler, called once per message. Return normally to acknowledge; throw to retry. */
  onMessage(handler: MessageHandler): this {
    this.handler = { kind: 'single', fn: handler };
    return this;
  }

  /** A handler for batches of up to `consumeMessageBatchMaxSize` messages of one queue. */
  onMessages(handler: BatchMessageHandler): this {
    this.handler = { kind: 'batch', fn: handler };
    return this;
  }

  async start(): Promise<void> {
    if (this.state === 'running') return;
    if (this.state !== 'created') throw new RocketMQError('This consumer was started or shut down before; create a new one');
    if (this.config.group === 'DEFAULT_CONSUMER') throw new RocketMQClientError('The consumer group DEFAULT_CONSUMER is reserved; choose another group name');
    if (this.subscriptions.size === 0) throw new RocketMQClientError('Subscribe to at least one topic before starting the consumer');
    if (!this.handler) throw new RocketMQClientError('Register a handler with onMessage() or onMessages() before starting the consumer');
    this.state = 'starting';
    try {
      if (this.config.messageModel === 'CLUSTERING') {
        const retry = retryTopic(this.group);
        this.subscriptions.set(retry, buildSubscriptionData(retry, '*'));
      }
      this._offsetStore =
        this.config.messageModel === 'BROADCASTING'
          ? new LocalFileOffsetStore(this.instance.clientId, this.group, this.logger, this.config.localOffsetStoreDir)
          : new RemoteOffsetStore(this.api, this.group, this.logger, { setZeroIfNotFound: this.config.setZeroIfNotFound });
      await this._offsetStore.load();
      if (this.config.consumeMode === 'ORDERLY') this.orderly = new ConsumeOrderlyService(this, this.pool);
      else this.concurrently = new ConsumeConcurrentlyService(this, this.pool);
      this.instance.registerConsumer(this);
      registerConsumerProcessors(this.instance);
      await this.instance.start();
      this.state = 'running';
      this.startedAt = Date.now();
      await this.refreshRoutes([...this.subscriptions.keys()]);
      await this.instance.sendHeartbeatToAllBrokers();
      // The broker creates the retry topic on the first heartbeat: fetch the routes still missing.
      await this.refreshRoutes([...this.subscriptions.keys()].filter((t) => !this.rebalanceImpl.queuesOf(t)));
      this.retryMissingRoutes(5);
      if (this.config.consumeMode === 'ORDERLY' && this.config.messageModel === 'CLUSTERING') this.every(LOCK_INTERVAL_MS, () => this.rebalanceImpl.lockAll());
      await this.rebalance();
    } catch (error) {
      if (this.state === 'running') await this.shutdown({ drainTimeoutMs: 0 }).catch(() => undefined);
      else {
        this.state = 'stopped';
        await this.instance.unregisterConsumer(this.group).catch(() => undefined);
        await this.instance.release();
      }
      throw error;
    }
  }

  /**
   * Stops pulling, waits up to `drainTimeoutMs` for running handlers, commits the offsets,
   * releases orderly locks and leaves the group (its queues go to the other members).
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    if (this.state !== 'running') {
      if (this.state === 'created') {
        this.state = 'stopped';
        await this.instance.release();
      }
      return;
    }
    this.state = 'stopping';
    for (const wake of this.sleepers) wake();
    const drainMs = options.drainTimeoutMs ?? 30_000;
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([this.pool.onIdle(), new Promise<void>((resolve) => (drainTimer = setTimeout(resolve, drainMs)))]);
    clearTimeout(drainTimer);
    if (this.pool.running > 0) this.logger.warn(`${this.pool.running} handlers of ${this.group} still run after ${drainMs} ms; their messages will be delivered again`, 'PushConsumer');
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.commitOnShutdown();
    if (this.config.consumeMode === 'ORDERLY' && this.config.messageModel === 'CLUSTERING') await this.rebalanceImpl.unlockAll(false);
    for (const pq of this.rebalanceImpl.processQueues.values()) pq.dropped = true;
    await this.instance.unregisterConsumer(this.group);
    await this.messageBack.close();
    await this.instance.release();
    this.state = 'stopped';
  }

  /** Stops pulling (handlers of cached messages still run) until {@link resume}. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.instance.requestRebalance();
  }

  /** Figures of every owned queue. */
  queueStats(): ConsumerQueueStats[] {
    const out: ConsumerQueueStats[] = [];
    for (const [mq, pq] of this.rebalanceImpl.processQueues.sortedEntries()) {
      const committedOffset = this._offsetStore?.memoryOffset(mq) ?? OFFSET_NOT_FOUND;
      out.push({
        messageQueue: { ...mq, topic: unwrapNamespace(this.namespace, mq.topic) },
        cachedCount: pq.cachedCount,
        cachedBytes: pq.cachedBytes,
        committedOffset,
        brokerMaxOffset: pq.brokerMaxOffset,
        lag: Math.max(0, pq.brokerMaxOffset - Math.max(committedOffset, 0)),
        locked: pq.locked,
      });
    }
    return out;
  }

  /** The queues this consumer owns now. */
  assignedQueues(): MessageQueue[] {
    return this.queueStats().map((s) => s.messageQueue);
  }

  // ------------------------------------------------------------------------------------------
  // ConsumerHandle (called by the client instance)

  consumerData(): ConsumerData {
    return {
      groupName: this.group,
      consumeType: 'CONSUME_PASSIVELY',
      messageModel: this.config.messageModel,
      consumeFromWhere: this.config.consumeFromWhere,
      subscriptionDataSet: [...this.subscriptions.values()],
      unitMode: false,
    };
  }

  subscribedTopics(): Iterable<string> {
    return this.subscriptions.keys();
  }

  onTopicRoute(topic: string, route: TopicRouteData): void {
    this.rebalanceImpl.setTopicQueues(topic, topicRouteToSubscribeQueues(topic, route));
  }

  async rebalance(): Promise<void> {
    if (this.state !== 'running' || this.paused) return;
    // Not balanced (a queue still locked by its previous owner, no start offset yet): again in 1 s.
    if (!(await this.rebalanceImpl.doRebalance())) this.later(REBALANCE_RETRY_MS, () => this.instance.requestRebalance());
  }

  async persistOffsets(): Promise<void> {
    if (this.state !== 'running' || !this._offsetStore) return;
    try {
      await this._offsetStore.persistAll([...this.rebalanceImpl.processQueues.keys()]);
    } catch (error) {
      this.logger.warn(`committing the offsets of ${this.group} failed: ${(error as Error).message}`, 'PushConsumer');
    }
  }

  runningInfo(): ConsumerRunningInfo {
    const info = createConsumerRunningInfo();
    const c = this.config;
    Object.assign(info.properties, {
      consumerGroup: this.group,
      messageModel: c.messageModel,
      consumeFromWhere: c.consumeFromWhere,
      consumeThreadMin: String(c.consumeConcurrency),
      consumeThreadMax: String(c.consumeConcurrency),
      consumeMessageBatchMaxSize: String(c.consumeMessageBatchMaxSize),
      pullBatchSize: String(c.pullBatchSize),
      pullThresholdForQueue: String(c.pullThresholdForQueue),
      pullThresholdSizeForQueue: String(c.pullThresholdSizeForQueue),
      consumeConcurrentlyMaxSpan: String(c.consumeConcurrentlyMaxSpan),
      pullInterval: String(c.pullIntervalMs),
      maxReconsumeTimes: String(c.maxReconsumeTimes),
      suspendCurrentQueueTimeMillis: String(c.suspendCurrentQueueTimeMillis),
      consumeTimeout: String(Math.ceil(c.consumeTimeoutMs / 60_000)),
      allocateMessageQueueStrategy: c.allocateStrategy.name,
      unitMode: 'false',
      [ConsumerRunningInfoProp.CONSUME_ORDERLY]: String(c.consumeMode === 'ORDERLY'),
      [ConsumerRunningInfoProp.THREADPOOL_CORE_SIZE]: String(c.consumeConcurrency),
      [ConsumerRunningInfoProp.CONSUMER_START_TIMESTAMP]: String(this.startedAt),
      [ConsumerRunningInfoProp.NAMESERVER_ADDR]: this.instance.nameServer.addresses.map((a) => `${a};`).join(''),
      [ConsumerRunningInfoProp.CONSUME_TYPE]: 'CONSUME_PASSIVELY',
      [ConsumerRunningInfoProp.CLIENT_VERSION]: `nest-rocketmq (protocol version ${CLIENT_VERSION})`,
    });
    info.subscriptionSet = [...this.subscriptions.values()];
    for (const [mq, pq] of this.rebalanceImpl.processQueues) info.mqTable.set(mq, pq.info(this._offsetStore?.memoryOffset(mq) ?? -1));
    for (const topic of this.subscriptions.keys()) info.statusTable[topic] = this.stats.status(topic);
    return info;
  }

  async consumeMessageDirectly(message: MessageExt, brokerName: string | undefined): Promise<ConsumeMessageDirectlyResult> {
    const orderly = this.config.consumeMode === 'ORDERLY';
    const mq = { topic: message.topic, brokerName: brokerName ?? message.brokerName ?? '', queueId: message.queueId };
    const outcome = await this.invokeHandler([message], mq, orderly);
    const remark = outcome.error ? String((outcome.error as Error).stack ?? outcome.error) : undefined;
    return {
      order: orderly,
      autoCommit: true,
      consumeResult: outcome.failed.length === 0 ? 'CR_SUCCESS' : outcome.error ? 'CR_THROW_EXCEPTION' : 'CR_LATER',
      remark,
      spentTimeMills: outcome.elapsedMs,
    };
  }

  /** GET_CONSUMER_STATUS_FROM_CLIENT: this consumer's offsets of a topic, as its offset store holds them. */
  consumerStatus(topic: string): MessageQueueMap<number> {
    return this._offsetStore?.cloneOffsetTable(topic) ?? new MessageQueueMap<number>();
  }

  /** RESET_CONSUMER_CLIENT_OFFSET: drop the topic's caches, set the offsets, pull again from there. */
  async resetOffset(topic: string, offsets: MessageQueueMap<number>): Promise<void> {
    if (this.state !== 'running') return;
    const wasPaused = this.paused;
    this.paused = true;
    try {
      const owned = [...this.rebalanceImpl.processQueues].filter(([mq]) => mq.topic === topic);
      for (const [, pq] of owned) {
        pq.dropped = true;
        pq.clear();
      }
      await this.sleep(RESET_OFFSET_WAIT_MS);
      for (const [mq, pq] of owned) {
        const offset = offsets.get(mq);
        if (offset !== undefined) await this.offsetStore.commitOffset(mq, offset).catch((error: Error) => this.logger.warn(`resetting ${messageQueueToString(mq)} failed: ${error.message}`, 'PushConsumer'));
        await this.rebalanceImpl.removeProcessQueue(mq, pq);
      }
    } finally {
      this.paused = wasPaused;
      this.instance.requestRebalance();
    }
  }

  // ------------------------------------------------------------------------------------------
  // ConsumeHost / PullHost

  isRunning(): boolean {
    return this.state === 'running';
  }

  isPaused(): boolean {
    return this.paused;
  }

  subscription(topic: string): SubscriptionData | undefined {
    return this.subscriptions.get(topic);
  }

  maxReconsumeTimes(): number {
    const max = this.config.maxReconsumeTimes;
    if (max >= 0) return max;
    return this.config.consumeMode === 'ORDERLY' ? MAX_RECONSUME_UNLIMITED : 16;
  }

  async invokeHandler(messages: MessageExt[], mq: MessageQueue, orderly: boolean): Promise<ConsumeOutcome> {
    resetRetryAndNamespace(messages, this.group, this.namespace);
    const context: ConsumeContext = {
      group: this.config.group,
      messageQueue: { topic: unwrapNamespace(this.namespace, mq.topic), brokerName: mq.brokerName, queueId: mq.queueId },
      orderly,
      delayLevelWhenNextConsume: this.config.delayLevelWhenNextConsume,
      suspendCurrentQueueTimeMillis: this.config.suspendCurrentQueueTimeMillis,
      ackIndex: Number.MAX_SAFE_INTEGER,
    };
    const outcome = await invokeHandler(this.handler!, messages, context, {
      timeoutMs: orderly ? undefined : this.config.consumeTimeoutMs,
      stopAtFirstFailure: orderly,
    });
    if (outcome.error) {
      const error = outcome.error as Error;
      this.logger.warn(`handler of ${this.config.group} failed on ${messageQueueToString(context.messageQueue)}: ${error?.message ?? String(error)}`, 'PushConsumer');
    }
    return outcome;
  }

  sendMessageBack(message: MessageExt, delayLevel: number, mq: MessageQueue): Promise<boolean> {
    return this.messageBack.sendBack(message, delayLevel, this.maxReconsumeTimes(), mq.brokerName);
  }

  sendToDeadLetterQueue(message: MessageExt): Promise<boolean> {
    return this.messageBack.sendToRetryTopic(message, this.maxReconsumeTimes());
  }

  later(delayMs: number, task: () => void): void {
    if (this.state !== 'running') return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.state === 'running') task();
    }, delayMs);
    this.timers.add(timer);
  }

  sleep(ms: number): Promise<void> {
    if (this.state !== 'running') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  sendHeartbeat(): Promise<void> {
    return this.instance.sendHeartbeatToAllBrokers();
  }

  requestRebalance(): void {
    this.instance.requestRebalance();
  }

  messagesPulled(messages: MessageExt[], pq: ProcessQueue, mq: MessageQueue, dispatch: boolean): void {
    if (this.orderly) this.orderly.submit(pq, mq, dispatch);
    else this.concurrently!.submit(messages, pq, mq);
  }

  /** Start offset of a queue without a committed offset, per consumeFromWhere (RebalancePushImpl). */
  async computePullFromWhere(mq: MessageQueue): Promise<number> {
    const stored = await this.offsetStore.readOffset(mq, 'STORE');
    if (stored >= 0) return stored;
    const isRetry = mq.topic.startsWith(RETRY_PREFIX);
    switch (this.config.consumeFromWhere) {
      case 'CONSUME_FROM_FIRST_OFFSET':
        return 0;
      case 'CONSUME_FROM_TIMESTAMP':
        return isRetry ? this.api.maxOffset(mq) : this.api.searchOffset(mq, this.config.consumeTimestamp);
      default:
        return isRetry ? 0 : this.api.maxOffset(mq);
    }
  }

  // ------------------------------------------------------------------------------------------
  // internals

  private async queueRemoved(mq: MessageQueue, pq: ProcessQueue): Promise<boolean> {
    await this.offsetStore.persist(mq);
    this.offsetStore.removeOffset(mq);
    if (this.orderly && this.config.messageModel === 'CLUSTERING') {
      if (this.orderly.isConsuming(pq)) {
        pq.tryUnlockTimes += 1;
        return false;
      }
      // Java delays the unlock by 20 s when messages are still cached; here no handler runs for
      // the dropped queue any more (checked above), so the next owner may start right away.
      await this.rebalanceImpl.unlock(mq, true);
    }
    return true;
  }

  private async commitOnShutdown(): Promise<void> {
    const store = this._offsetStore;
    if (!store) return;
    const owned = [...this.rebalanceImpl.processQueues.keys()];
    if (store instanceof RemoteOffsetStore) {
      await Promise.all(
        owned.map(async (mq) => {
          const offset = store.memoryOffset(mq);
          if (offset < 0) return;
          await store.commitOffset(mq, offset).catch((error: Error) => this.logger.warn(`committing ${messageQueueToString(mq)} at shutdown failed: ${error.message}`, 'PushConsumer'));
        }),
      );
    } else {
      await store.persistAll(owned).catch((error: Error) => this.logger.warn(`writing the offsets of ${this.group} failed: ${error.message}`, 'PushConsumer'));
    }
  }

  private async refreshRoutes(topics: readonly string[]): Promise<void> {
    await Promise.all(
      topics.map(async (topic) => {
        try {
          await this.instance.updateTopicRoute(topic);
        } catch (error) {
          this.logger.warn(`route of ${topic} unavailable: ${(error as Error).message}`, 'PushConsumer');
        }
      }),
    );
  }

  /** Topics without a route yet (not created, or the retry topic just created): look again a few times. */
  private retryMissingRoutes(attempts: number): void {
    if (attempts <= 0) return;
    this.later(1000, () => {
      const missing = [...this.subscriptions.keys()].filter((t) => !this.rebalanceImpl.queuesOf(t));
      if (missing.length === 0) return;
      void this.refreshRoutes(missing).then(() => {
        if (missing.some((t) => this.rebalanceImpl.queuesOf(t))) this.instance.requestRebalance();
        this.retryMissingRoutes(attempts - 1);
      });
    });
  }

  private async subscriptionChanged(topics: readonly string[]): Promise<void> {
    await this.refreshRoutes(topics);
    await this.instance.sendHeartbeatToAllBrokers().catch((error: Error) => this.logger.warn(`heartbeat failed: ${error.message}`, 'PushConsumer'));
    this.instance.requestRebalance();
  }

  private every(ms: number, task: () => Promise<void>): void {
    const tick = () => {
      this.later(ms, () => {
        void task().finally(tick);
      });
    };
    this.later(1000, () => void task().finally(tick));
  }
}
