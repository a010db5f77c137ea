/**
 * The pull consumer (Java's DefaultLitePullConsumer): the application asks for messages with
 * {@link PullConsumer.poll}. Queues come from the group's rebalance ({@link PullConsumer.subscribe})
 * or are chosen by the application ({@link PullConsumer.assign}); every owned queue is pulled in
 * the background into a local cache that `poll` drains. Offsets are committed automatically
 * every `autoCommitIntervalMs`, or by {@link PullConsumer.commit}.
 */
import { buildSubscriptionData, type ConsumeFromWhere, type ConsumerData, type ExpressionType, type MessageModel, type SubscriptionData } from '../../protocol/body/heartbeat-data.js';
import { topicRouteToSubscribeQueues, type TopicRouteData } from '../../protocol/body/topic-route-data.js';
import { RocketMQClientError, RocketMQError } from '../../protocol/errors.js';
import type { MessageExt } from '../../protocol/message/message.js';
import { MessageQueueMap, messageQueueToString, type MessageQueue } from '../../protocol/message/message-queue.js';
import { validateGroup, validateTopic } from '../../protocol/topic-validator.js';
import type { RocketMQLogger } from '../../logger.js';
import { ClientInstance, type ConsumerHandle } from '../client-instance.js';
import type { ClientOptions } from '../client-options.js';
import { unwrapNamespace, wrapNamespace } from '../namespace.js';
import { allocateAveragely, type AllocateMessageQueueStrategy } from './allocate-strategies.js';
import { ConsumerApi } from './consumer-api.js';
import { parseConsumeTimestamp } from './consumer-options.js';
import { LocalFileOffsetStore } from './local-file-offset-store.js';
import type { OffsetStore } from './offset-store.js';
import { ProcessQueue } from './process-queue.js';
import { PullApi } from './pull-api.js';
import { Rebalance } from './rebalance.js';
import { RemoteOffsetStore } from './remote-offset-store.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { RocketMQResponseError } from '../../protocol/errors.js';

export interface PullConsumerOptions extends ClientOptions {
  group: string;
  /** CLUSTERING (default) or BROADCASTING (subscribe mode). */
  messageModel?: MessageModel;
  /** Where a queue without a committed offset starts. Default CONSUME_FROM_LAST_OFFSET. */
  consumeFromWhere?: ConsumeFromWhere;
  /** For CONSUME_FROM_TIMESTAMP. Default: 30 minutes ago. */
  consumeTimestamp?: Date | number | string;
  allocateStrategy?: AllocateMessageQueueStrategy;
  /** Commit the polled offsets every `autoCommitIntervalMs` (on poll). Default true. */
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  /** Messages per pull. Default 10. */
  pullBatchSize?: number;
  /** Stop pulling a queue while this many of its messages wait for poll(). Default 1000. */
  pullThresholdForQueue?: number;
  /** Default poll() timeout, ms. Default 5000. */
  pollTimeoutMs?: number;
  /** How long the broker may hold a pull, ms. Default 20000. */
  brokerSuspendMaxTimeMs?: number;
  /** Network timeout of a held pull, ms. Default 30000. */
  consumerTimeoutMsWhenSuspend?: number;
  /** Wait after a failed pull, ms. Default 1000. */
  pullTimeDelayMsWhenException?: number;
  /** Broadcasting offsets directory. Default `~/.rocketmq_offsets`. */
  localOffsetStoreDir?: string;
  /** See PushConsumerOptions.setZeroIfNotFound. */
  setZeroIfNotFound?: boolean;
}

interface QueueState {
  mq: MessageQueue;
  pq: ProcessQueue;
  /** Next offset to pull; undefined until the start offset is known. */
  pullOffset: number | undefined;
  /** Next offset to hand out by poll(): what a commit stores. −1: nothing polled yet. */
  consumeOffset: number;
  /** Bumped by seek: pulls of an older generation are discarded. */
  generation: number;
  paused: boolean;
}

interface Ready {
  state: QueueState;
  generation: number;
  messages: MessageExt[];
}

const FLOW_CONTROL_DELAY_MS = 50;
const PAUSED_DELAY_MS = 1000;
/** Retry delay of a rebalance that could not take every queue (the push consumer's too). */
const REBALANCE_RETRY_MS = 1000;

export class PullConsumer implements ConsumerHandle {
  private readonly instance: ClientInstance;
  private readonly logger: RocketMQLogger;
  private readonly namespace: string | undefined;
  private readonly api: ConsumerApi;
  private readonly pullApi: PullApi;
  private readonly rebalanceImpl: Rebalance;
  private readonly subscriptions = new Map<string, SubscriptionData>();
  private readonly queues = new MessageQueueMap<QueueState>();
  private readonly ready: Ready[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly sleepers = new Set<() => void>();
  private mode: 'none' | 'subscribe' | 'assign' = 'none';
  private assigned: MessageQueue[] = [];
  private rebalanceRetry: NodeJS.Timeout | undefined;
  private state: 'created' | 'running' | 'stopped' = 'created';
  private store: OffsetStore | undefined;
  private lastCommit = Date.now();
  private readonly messageModel: MessageModel;
  private readonly consumeFromWhere: ConsumeFromWhere;
  private readonly consumeTimestamp: number;

  constructor(private readonly options: PullConsumerOptions) {
    validateGroup(options.group);
    this.namespace = options.namespace || undefined;
    this.messageModel = options.messageModel ?? 'CLUSTERING';
    this.consumeFromWhere = options.consumeFromWhere ?? 'CONSUME_FROM_LAST_OFFSET';
    this.consumeTimestamp = options.consumeTimestamp === undefined ? Date.now() - 30 * 60_000 : parseConsumeTimestamp(options.consumeTimestamp);
    this.instance = ClientInstance.acquire(options);
    this.logger = this.instance.logger;
    this.api = new ConsumerApi(this.instance);
    this.pullApi = new PullApi(this.instance, this.group);
    this.rebalanceImpl = new Rebalance({
      group: this.group,
      clientId: this.instance.clientId,
      messageModel: this.messageModel,
      orderly: false,
      strategy: options.allocateStrategy ?? allocateAveragely,
      dropPullExpired: false,
      api: this.api,
      logger: this.logger,
      subscriptions: () => this.subscriptions,
      hooks: {
        computePullFromWhere: (mq) => this.computePullFromWhere(mq),
        queueAdded: (mq, pq, offset) => this.addQueue(mq, pq, offset),
        queueRemoved: async (mq) => {
          this.removeQueue(mq);
          await this.offsetStore.persist(mq);
          this.offsetStore.removeOffset(mq);
          return true;
        },
      },
    });
  }

  get group(): string {
    return wrapNamespace(this.namespace, this.options.group);
  }

  get clientId(): string {
    return this.instance.clientId;
  }

  private get offsetStore(): OffsetStore {
    if (!this.store) throw new RocketMQError('The consumer is not started');
    return this.store;
  }

  // ------------------------------------------------------------------------------------------
  // public API

  /** Subscribe mode: the group's rebalance decides which queues this consumer reads. */
  subscribe(topic: string, expression = '*', type: ExpressionType = 'TAG'): this {
    if (this.mode === 'assign') throw new RocketMQClientError('This consumer uses assign(); subscribe() and assign() cannot be mixed');
    validateTopic(topic);
    this.mode = 'subscribe';
    const wrapped = wrapNamespace(this.namespace, topic);
    this.subscriptions.set(wrapped, buildSubscriptionData(wrapped, expression, type));
    if (this.state === 'running') {
      void this.instance.updateTopicRoute(wrapped).catch(() => undefined).then(() => this.instance.sendHeartbeatToAllBrokers()).catch(() => undefined).then(() => this.instance.requestRebalance());
    }
    return this;
  }

  /** Assign mode: read exactly these queues (no rebalance). Replaces the previous assignment. */
  assign(queues: readonly MessageQueue[], expression = '*', type: ExpressionType = 'TAG'): this {
    if (this.mode === 'subscribe') throw new RocketMQClientError('This consumer uses subscribe(); subscribe() and assign() cannot be mixed');
    this.mode = 'assign';
    this.assigned = queues.map((q) => ({ topic: wrapNamespace(this.namespace, q.topic), brokerName: q.brokerName, queueId: q.queueId }));
    this.subscriptions.clear();
    for (const mq of this.assigned) this.subscriptions.set(mq.topic, buildSubscriptionData(mq.topic, expression, type));
    if (this.state === 'running') void this.applyAssignment();
    return this;
  }

  async start(): Promise<void> {
    if (this.state === 'running') return;
    if (this.state === 'stopped') throw new RocketMQError('This consumer was shut down; create a new one');
    if (this.mode === 'none') throw new RocketMQClientError('Call subscribe() or assign() before starting the consumer');
    this.store =
      this.messageModel === 'BROADCASTING'
        ? new LocalFileOffsetStore(this.instance.clientId, this.group, this.logger, this.options.localOffsetStoreDir)
        : new RemoteOffsetStore(this.api, this.group, this.logger, { setZeroIfNotFound: this.options.setZeroIfNotFound });
    await this.store.load();
    this.instance.registerConsumer(this);
    try {
      await this.instance.start();
      this.state = 'running';
      for (const topic of this.subscriptions.keys()) await this.instance.updateTopicRoute(topic).catch(() => undefined);
      await this.instance.sendHeartbeatToAllBrokers();
      if (this.mode === 'subscribe') await this.rebalance();
      else await this.applyAssignment();
    } catch (error) {
      await this.shutdown().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Messages pulled since the last poll, from one queue at a time, waiting up to `timeoutMs`
   * when none is there. Their offsets count as consumed (committed automatically or by commit()).
   */
  async poll(timeoutMs = this.options.pollTimeoutMs ?? 5000): Promise<MessageExt[]> {
    if (this.state !== 'running') throw new RocketMQError('The consumer is not running');
    if ((this.options.autoCommit ?? true) && Date.now() - this.lastCommit >= (this.options.autoCommitIntervalMs ?? 5000)) {
      this.lastCommit = Date.now();
      void this.commit().catch((error: Error) => this.logger.warn(`auto-commit failed: ${error.message}`, 'PullConsumer'));
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const messages = this.takeReady();
      if (messages) return messages;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.state !== 'running') return [];
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, remaining);
        this.waiters.add(done);
      });
    }
  }

  /** Next poll() of this queue returns messages from `offset` on. */
  seek(mq: MessageQueue, offset: number): void {
    const state = this.queues.get(this.wrapQueue(mq));
    if (!state) throw new RocketMQClientError(`${messageQueueToString(mq)} is not assigned to this consumer`);
    state.generation += 1;
    state.pq.clear();
    // A pull held by the broker may take its whole suspend time: a new loop starts right away,
    // the old one stops when its pull returns.
    for (let i = this.ready.length - 1; i >= 0; i--) if (this.ready[i]!.state === state) this.ready.splice(i, 1);
    // A seek moves the position only; the committed offset changes with commit() (or auto-commit).
    state.pullOffset = offset;
    state.consumeOffset = offset;
    if (this.state === 'running') this.startLoop(state);
  }

  async seekToBegin(mq: MessageQueue): Promise<void> {
    this.seek(mq, await this.api.minOffset(this.wrapQueue(mq)));
  }

  async seekToEnd(mq: MessageQueue): Promise<void> {
    this.seek(mq, await this.api.maxOffset(this.wrapQueue(mq)));
  }

  /** Commits (synchronously) the polled offsets of every owned queue, or the given ones. */
  async commit(offsets?: Iterable<readonly [MessageQueue, number]>): Promise<void> {
    const entries: Array<[MessageQueue, number]> = offsets
      ? [...offsets].map(([mq, o]) => [this.wrapQueue(mq), o])
      : [...this.queues.values()].filter((s) => s.consumeOffset >= 0).map((s) => [s.mq, s.consumeOffset]);
    await Promise.all(entries.map(([mq, offset]) => this.offsetStore.commitOffset(mq, offset)));
  }

  /** The group's committed offset of a queue on the broker (or file), −1 when there is none. */
  async committed(mq: MessageQueue): Promise<number> {
    return this.offsetStore.readOffset(this.wrapQueue(mq), 'STORE');
  }

  /** The readable queues of a topic. */
  async fetchMessageQueues(topic: string): Promise<MessageQueue[]> {
    const wrapped = wrapNamespace(this.namespace, topic);
    const route = await this.instance.updateTopicRoute(wrapped);
    if (!route) throw new RocketMQClientError(`Topic ${topic} does not exist`, ResponseCode.TOPIC_NOT_EXIST);
    return topicRouteToSubscribeQueues(wrapped, route).map((mq) => ({ ...mq, topic }));
  }

  /** The queues this consumer reads now. */
  assignment(): MessageQueue[] {
    return [...this.queues.keys()].map((mq) => ({ ...mq, topic: unwrapNamespace(this.namespace, mq.topic) }));
  }

  pause(queues: readonly MessageQueue[]): void {
    for (const mq of queues) {
      const state = this.queues.get(this.wrapQueue(mq));
      if (state) state.paused = true;
    }
  }

  resume(queues: readonly MessageQueue[]): void {
    for (const mq of queues) {
      const state = this.queues.get(this.wrapQueue(mq));
      if (state) state.paused = false;
    }
  }

  async shutdown(): Promise<void> {
    if (this.state === 'stopped') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    clearTimeout(this.rebalanceRetry);
    for (const wake of [...this.sleepers, ...this.waiters]) wake();
    if (wasRunning) {
      if (this.options.autoCommit ?? true) await this.commit().catch((error: Error) => this.logger.warn(`final commit failed: ${error.message}`, 'PullConsumer'));
      for (const state of this.queues.values()) state.pq.dropped = true;
      await this.instance.unregisterConsumer(this.group);
    }
    await this.instance.release();
  }

  // ------------------------------------------------------------------------------------------
  // ConsumerHandle

  consumerData(): ConsumerData {
    return {
      groupName: this.group,
      consumeType: 'CONSUME_ACTIVELY',
      messageModel: this.messageModel,
      consumeFromWhere: this.consumeFromWhere,
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
    if (this.state !== 'running' || this.mode !== 'subscribe') return;
    // Not balanced (no start offset for a queue yet): again in 1 s, as the push consumer does, not at the next
    // periodic rebalance 20 s later.
    if (await this.rebalanceImpl.doRebalance()) return;
    this.rebalanceRetry ??= setTimeout(() => {
      this.rebalanceRetry = undefined;
      if (this.state === 'running') this.instance.requestRebalance();
    }, REBALANCE_RETRY_MS);
  }

  async persistOffsets(): Promise<void> {
    // With manual commits the user's commit() is the only writer: a periodic one-way write of an
    // older in-memory offset could otherwise land after it (brokers process offset updates in parallel).
    if (this.state !== 'running' || !this.store || !(this.options.autoCommit ?? true)) return;
    await this.store.persistAll([...this.queues.keys()]).catch((error: Error) => this.logger.warn(`persisting offsets failed: ${error.message}`, 'PullConsumer'));
  }

  // ------------------------------------------------------------------------------------------
  // internals

  private wrapQueue(mq: MessageQueue): MessageQueue {
    return { topic: wrapNamespace(this.namespace, mq.topic), brokerName: mq.brokerName, queueId: mq.queueId };
  }

  private async computePullFromWhere(mq: MessageQueue): Promise<number> {
    const stored = await this.offsetStore.readOffset(mq, 'STORE');
    if (stored >= 0) return stored;
    switch (this.consumeFromWhere) {
      case 'CONSUME_FROM_FIRST_OFFSET':
        return 0;
      case 'CONSUME_FROM_TIMESTAMP':
        return this.api.searchOffset(mq, this.consumeTimestamp);
      default:
        return this.api.maxOffset(mq);
    }
  }

  private async applyAssignment(): Promise<void> {
    const wanted = new MessageQueueMap<true>(this.assigned.map((mq) => [mq, true] as const));
    for (const mq of [...this.queues.keys()]) {
      if (!wanted.has(mq)) {
        this.removeQueue(mq);
        await this.offsetStore.persist(mq);
      }
    }
    for (const mq of this.assigned) {
      if (this.queues.has(mq)) continue;
      const pq = new ProcessQueue();
      this.addQueue(mq, pq, undefined);
    }
  }

  private addQueue(mq: MessageQueue, pq: ProcessQueue, offset: number | undefined): void {
    const state: QueueState = { mq, pq, pullOffset: offset, consumeOffset: offset ?? -1, generation: 0, paused: false };
    this.queues.set(mq, state);
    this.startLoop(state);
  }

  private startLoop(state: QueueState): void {
    void this.pullLoop(state, state.generation).catch((error: Error) =>
      this.logger.error(`pull loop of ${messageQueueToString(state.mq)} stopped: ${error.message}`, error.stack, 'PullConsumer'),
    );
  }

  private removeQueue(mq: MessageQueue): void {
    const state = this.queues.get(mq);
    if (!state) return;
    state.pq.dropped = true;
    this.queues.delete(mq);
    for (let i = this.ready.length - 1; i >= 0; i--) if (this.ready[i]!.state === state) this.ready.splice(i, 1);
  }

  private takeReady(): MessageExt[] | undefined {
    while (this.ready.length > 0) {
      const item = this.ready.shift()!;
      const { state } = item;
      if (state.pq.dropped || item.generation !== state.generation) continue;
      const next = state.pq.removeMessages(item.messages);
      state.consumeOffset = next >= 0 ? next : item.messages[item.messages.length - 1]!.queueOffset + 1;
      this.offsetStore.updateOffset(state.mq, state.consumeOffset, false);
      if (this.namespace) for (const m of item.messages) m.topic = unwrapNamespace(this.namespace, m.topic);
      return item.messages;
    }
    return undefined;
  }

  private sleep(ms: number): Promise<void> {
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

  /** Pulls one queue until it is dropped or a seek starts a loop of a newer generation. */
  private async pullLoop(state: QueueState, generation: number): Promise<void> {
    const { mq, pq } = state;
    const exceptionDelay = this.options.pullTimeDelayMsWhenException ?? 1000;
    while (this.state === 'running' && !pq.dropped && generation === state.generation) {
      if (state.paused) {
        await this.sleep(PAUSED_DELAY_MS);
        continue;
      }
      if (pq.cachedCount > (this.options.pullThresholdForQueue ?? 1000)) {
        await this.sleep(FLOW_CONTROL_DELAY_MS);
        continue;
      }
      if (state.pullOffset === undefined) {
        try {
          const offset = await this.computePullFromWhere(mq);
          if (state.pullOffset === undefined) {
            state.pullOffset = offset;
            state.consumeOffset = offset;
          }
        } catch (error) {
          this.logger.warn(`no start offset for ${messageQueueToString(mq)}: ${(error as Error).message}`, 'PullConsumer');
          await this.sleep(exceptionDelay);
        }
        continue;
      }
      const subscription = this.subscriptions.get(mq.topic) ?? buildSubscriptionData(mq.topic, '*');
      let result;
      try {
        result = await this.pullApi.pull({
          mq,
          subscription,
          offset: state.pullOffset,
          maxNums: this.options.pullBatchSize ?? 10,
          suspend: true,
          postSubscription: true,
          suspendTimeoutMs: this.options.brokerSuspendMaxTimeMs ?? 20_000,
          timeoutMs: this.options.consumerTimeoutMsWhenSuspend ?? 30_000,
        });
      } catch (error) {
        if (this.state !== 'running' || pq.dropped) return;
        const flow = error instanceof RocketMQResponseError && error.responseCode === ResponseCode.FLOW_CONTROL;
        if (!flow) this.logger.warn(`pulling ${messageQueueToString(mq)} failed: ${(error as Error).message}`, 'PullConsumer');
        await this.sleep(flow ? 20 : exceptionDelay);
        continue;
      }
      if (this.state !== 'running' || pq.dropped || generation !== state.generation) continue;
      pq.brokerMaxOffset = result.maxOffset;
      switch (result.status) {
        case 'FOUND':
          state.pullOffset = result.nextBeginOffset;
          if (result.messages.length > 0) {
            pq.putMessages(result.messages);
            this.ready.push({ state, generation, messages: result.messages });
            for (const wake of [...this.waiters]) wake();
          }
          break;
        case 'NO_NEW_MSG':
        case 'NO_MATCHED_MSG':
          state.pullOffset = result.nextBeginOffset;
          break;
        case 'OFFSET_ILLEGAL':
          this.logger.warn(`offset ${state.pullOffset} of ${messageQueueToString(mq)} is illegal; continuing from ${result.nextBeginOffset}`, 'PullConsumer');
          state.pullOffset = result.nextBeginOffset;
          break;
      }
    }
  }
}
