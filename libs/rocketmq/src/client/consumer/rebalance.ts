/**
 * Rebalance (Java's RebalanceImpl): decides which queues of each subscribed topic this client
 * owns, and keeps one ProcessQueue per owned queue. Clustering splits the sorted queues among
 * the sorted client ids of the group with the allocation strategy; broadcasting takes them all.
 * Orderly consumers lock a queue on its broker before pulling it, re-lock every 20 s, and unlock
 * it when it goes away.
 */
import type { RocketMQLogger } from '../../logger.js';
import type { MessageModel, SubscriptionData } from '../../protocol/body/heartbeat-data.js';
import { compareMessageQueues, messageQueueToString, MessageQueueMap, type MessageQueue } from '../../protocol/message/message-queue.js';
import { RETRY_PREFIX } from '../namespace.js';
import type { AllocateMessageQueueStrategy } from './allocate-strategies.js';
import type { ConsumerApi } from './consumer-api.js';
import { ProcessQueue } from './process-queue.js';

export interface RebalanceHooks {
  /** The offset to start a newly assigned queue from; throws when it cannot be read (tried again next rebalance). */
  computePullFromWhere(mq: MessageQueue): Promise<number>;
  /** A queue was assigned and its cache created: start pulling it from `offset`. */
  queueAdded(mq: MessageQueue, pq: ProcessQueue, offset: number): void;
  /**
   * A queue is going away (its cache is already marked dropped): persist its offset, unlock it.
   * Returning false keeps it in the table to be tried again (orderly: still being consumed).
   */
  queueRemoved(mq: MessageQueue, pq: ProcessQueue): Promise<boolean>;
  /** The owned queues of a topic changed. */
  assignmentChanged?(topic: string, mqAll: readonly MessageQueue[], assigned: readonly MessageQueue[]): void;
}

export interface RebalanceOptions {
  group: string;
  clientId: string;
  messageModel: MessageModel;
  orderly: boolean;
  strategy: AllocateMessageQueueStrategy;
  /** Drop and re-create caches not pulled for 2 minutes (push consumers). */
  dropPullExpired: boolean;
  api: ConsumerApi;
  logger: RocketMQLogger;
  subscriptions(): ReadonlyMap<string, SubscriptionData>;
  hooks: RebalanceHooks;
}

function sortStrings(values: readonly string[]): string[] {
  // JS `<` compares UTF-16 code units, as Java's String.compareTo.
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export class Rebalance {
  /** Owned queues and their caches. */
  readonly processQueues = new MessageQueueMap<ProcessQueue>();
  /** Readable queues of each subscribed topic, from the routes. */
  private readonly topicQueues = new Map<string, MessageQueue[]>();
  private running: Promise<boolean> | undefined;
  private again = false;

  constructor(private readonly options: RebalanceOptions) {}

  setTopicQueues(topic: string, mqs: readonly MessageQueue[]): void {
    this.topicQueues.set(topic, [...mqs].sort(compareMessageQueues));
  }

  queuesOf(topic: string): readonly MessageQueue[] | undefined {
    return this.topicQueues.get(topic);
  }

  /** Runs a rebalance; calls arriving while one runs share one more pass. Resolves true when balanced. */
  doRebalance(): Promise<boolean> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async (): Promise<boolean> => {
      let balanced = true;
      do {
        this.again = false;
        balanced = await this.rebalanceOnce();
      } while (this.again);
      return balanced;
    };
    this.running = run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async rebalanceOnce(): Promise<boolean> {
    let balanced = true;
    const subscriptions = this.options.subscriptions();
    for (const topic of subscriptions.keys()) {
      try {
        if (!(await this.rebalanceByTopic(topic))) balanced = false;
      } catch (error) {
        balanced = false;
        if (!topic.startsWith(RETRY_PREFIX)) {
          this.options.logger.warn(`rebalance of ${this.options.group} on ${topic} failed: ${(error as Error).message}`, 'Rebalance');
        }
      }
    }
    // Queues of topics no longer subscribed.
    for (const [mq, pq] of [...this.processQueues]) {
      if (!subscriptions.has(mq.topic)) await this.removeProcessQueue(mq, pq);
    }
    return balanced;
  }

  private async rebalanceByTopic(topic: string): Promise<boolean> {
    const { options } = this;
    const mqAll = this.topicQueues.get(topic);
    if (!mqAll) {
      if (!topic.startsWith(RETRY_PREFIX)) options.logger.warn(`rebalance of ${options.group}: no route for topic ${topic} yet`, 'Rebalance');
      return true;
    }
    let assigned: MessageQueue[];
    if (options.messageModel === 'BROADCASTING') {
      assigned = [...mqAll];
    } else {
      const cids = await options.api.consumerIdList(options.group, topic);
      if (cids.length === 0) {
        options.logger.warn(`rebalance of ${options.group}: no consumer of the group is known to the brokers of ${topic}`, 'Rebalance');
        return false;
      }
      if (mqAll.length === 0) return true;
      assigned = options.strategy.allocate(options.group, options.clientId, mqAll, sortStrings(cids));
    }
    const { changed, balanced } = await this.updateProcessQueues(topic, assigned);
    if (changed) options.hooks.assignmentChanged?.(topic, mqAll, assigned);
    return balanced;
  }

  private async updateProcessQueues(topic: string, assigned: readonly MessageQueue[]): Promise<{ changed: boolean; balanced: boolean }> {
    const { options } = this;
    const wanted = new MessageQueueMap<true>(assigned.map((mq) => [mq, true] as const));
    let changed = false;
    let balanced = true;
    for (const [mq, pq] of [...this.processQueues]) {
      if (mq.topic !== topic) continue;
      let remove = !wanted.has(mq);
      if (!remove && options.dropPullExpired && pq.isPullExpired()) {
        options.logger.warn(`${messageQueueToString(mq)} was not pulled for 2 minutes; re-creating its cache`, 'Rebalance');
        remove = true;
      }
      if (!remove) continue;
      // A queue that cannot be released yet (orderly, still consuming) keeps the group unbalanced.
      if (await this.removeProcessQueue(mq, pq)) changed = true;
      else balanced = false;
    }
    for (const mq of assigned) {
      const existing = this.processQueues.get(mq);
      if (existing && !existing.dropped) continue;
      // A cache dropped earlier but not yet released (orderly, still consuming): try again first.
      if (existing && !(await this.removeProcessQueue(mq, existing))) continue;
      const orderlyLock = options.orderly && options.messageModel === 'CLUSTERING';
      if (orderlyLock && !(await this.lock(mq))) {
        options.logger.warn(`rebalance of ${options.group}: ${messageQueueToString(mq)} is locked by another client, trying later`, 'Rebalance');
        balanced = false;
        continue;
      }
      let offset: number;
      try {
        offset = await options.hooks.computePullFromWhere(mq);
      } catch (error) {
        options.logger.warn(`rebalance of ${options.group}: no start offset for ${messageQueueToString(mq)}: ${(error as Error).message}`, 'Rebalance');
        balanced = false;
        continue;
      }
      if (this.processQueues.has(mq)) continue;
      const pq = new ProcessQueue();
      if (orderlyLock) {
        pq.locked = true;
        pq.lastLockTimestamp = Date.now();
      }
      this.processQueues.set(mq, pq);
      changed = true;
      options.hooks.queueAdded(mq, pq, offset);
    }
    return { changed, balanced };
  }

  /** Drops a queue's cache and forgets it once the hook agrees (offset persisted, lock released). */
  async removeProcessQueue(mq: MessageQueue, pq = this.processQueues.get(mq)): Promise<boolean> {
    if (!pq) return false;
    pq.dropped = true;
    let removed = false;
    try {
      removed = await this.options.hooks.queueRemoved(mq, pq);
    } catch (error) {
      this.options.logger.warn(`removing ${messageQueueToString(mq)} failed: ${(error as Error).message}`, 'Rebalance');
    }
    if (removed && this.processQueues.get(mq) === pq) this.processQueues.delete(mq);
    return removed;
  }

  // -- orderly locks ---------------------------------------------------------------------------

  /** Locks one queue on its broker; marks its cache locked. */
  async lock(mq: MessageQueue): Promise<boolean> {
    try {
      const locked = await this.options.api.lockBatch(mq.brokerName, this.options.group, [mq]);
      const now = Date.now();
      let ok = false;
      for (const m of locked) {
        const pq = this.processQueues.get(m);
        if (pq) {
          pq.locked = true;
          pq.lastLockTimestamp = now;
        }
        if (m.topic === mq.topic && m.brokerName === mq.brokerName && m.queueId === mq.queueId) ok = true;
      }
      return ok;
    } catch (error) {
      this.options.logger.warn(`locking ${messageQueueToString(mq)} failed: ${(error as Error).message}`, 'Rebalance');
      return false;
    }
  }

  /** Re-locks every owned queue, broker by broker (every 20 s); queues the broker refuses become unlocked. */
  async lockAll(): Promise<void> {
    for (const [brokerName, mqs] of this.byBroker()) {
      try {
        const locked = new MessageQueueMap<true>((await this.options.api.lockBatch(brokerName, this.options.group, mqs)).map((m) => [m, true] as const));
        const now = Date.now();
        for (const mq of mqs) {
          const pq = this.processQueues.get(mq);
          if (!pq) continue;
          if (locked.has(mq)) {
            pq.locked = true;
            pq.lastLockTimestamp = now;
          } else {
            if (pq.locked) this.options.logger.warn(`lost the lock of ${messageQueueToString(mq)}`, 'Rebalance');
            pq.locked = false;
          }
        }
      } catch (error) {
        this.options.logger.warn(`re-locking the queues of ${brokerName} failed: ${(error as Error).message}`, 'Rebalance');
      }
    }
  }

  async unlock(mq: MessageQueue, oneway: boolean): Promise<void> {
    try {
      await this.options.api.unlockBatch(mq.brokerName, this.options.group, [mq], oneway);
    } catch (error) {
      this.options.logger.warn(`unlocking ${messageQueueToString(mq)} failed: ${(error as Error).message}`, 'Rebalance');
    }
    const pq = this.processQueues.get(mq);
    if (pq) pq.locked = false;
  }

  async unlockAll(oneway: boolean): Promise<void> {
    await Promise.all(
      [...this.byBroker()].map(async ([brokerName, mqs]) => {
        try {
          await this.options.api.unlockBatch(brokerName, this.options.group, mqs, oneway);
        } catch (error) {
          this.options.logger.warn(`unlocking the queues of ${brokerName} failed: ${(error as Error).message}`, 'Rebalance');
        }
        for (const mq of mqs) {
          const pq = this.processQueues.get(mq);
          if (pq) pq.locked = false;
        }
      }),
    );
  }

  private byBroker(): Map<string, MessageQueue[]> {
    const out = new Map<string, MessageQueue[]>();
    for (const [mq, pq] of this.processQueues) {
      if (pq.dropped) continue;
      let list = out.get(mq.brokerName);
      if (!list) out.set(mq.brokerName, (list = []));
      list.push(mq);
    }
    return out;
  }
}
