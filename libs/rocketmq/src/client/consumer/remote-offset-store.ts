/**
 * Clustering offsets live on the broker (Java's RemoteBrokerOffsetStore): QUERY_CONSUMER_OFFSET
 * when a queue is assigned, one-way UPDATE_CONSUMER_OFFSET every persist interval, on queue
 * removal and on shutdown.
 */
import type { RocketMQLogger } from '../../logger.js';
import { MessageQueueMap, type MessageQueue } from '../../protocol/message/message-queue.js';
import type { ConsumerApi } from './consumer-api.js';
import { OFFSET_NOT_FOUND, type OffsetStore, type ReadOffsetType } from './offset-store.js';

export interface RemoteOffsetStoreOptions {
  /**
   * Sent as QUERY_CONSUMER_OFFSET `setZeroIfNotFound` (5.x brokers). Java leaves it unset, and
   * the broker then answers 0 for a new group whose queue still starts at offset 0 in memory.
   */
  setZeroIfNotFound?: boolean;
}

export class RemoteOffsetStore implements OffsetStore {
  private readonly offsets = new MessageQueueMap<number>();

  constructor(
    private readonly api: ConsumerApi,
    private readonly group: string,
    private readonly logger: RocketMQLogger,
    private readonly options: RemoteOffsetStoreOptions = {},
  ) {}

  /**
   * Offset writes go one after another and wait for the broker's answer: brokers apply offset
   * updates on a thread pool, so an older one-way write could land after a newer commit.
   */
  private writes: Promise<unknown> = Promise.resolve();

  private write(mq: MessageQueue, offset: number): Promise<void> {
    const next = this.writes.then(() => this.api.updateConsumerOffset(this.group, mq, offset, false));
    this.writes = next.catch(() => undefined);
    return next;
  }

  async load(): Promise<void> {}

  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    const current = this.offsets.get(mq);
    if (current === undefined || !increaseOnly || offset > current) this.offsets.set(mq, offset);
  }

  memoryOffset(mq: MessageQueue): number {
    return this.offsets.get(mq) ?? OFFSET_NOT_FOUND;
  }

  async readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number> {
    if (type !== 'STORE') {
      const memory = this.offsets.get(mq);
      if (memory !== undefined || type === 'MEMORY') return memory ?? OFFSET_NOT_FOUND;
    }
    const stored = await this.api.queryConsumerOffset(this.group, mq, this.options.setZeroIfNotFound);
    if (stored === undefined) return OFFSET_NOT_FOUND;
    this.updateOffset(mq, stored, false);
    return stored;
  }

  async persistAll(mqs: readonly MessageQueue[]): Promise<void> {
    const owned = new MessageQueueMap<true>(mqs.map((mq) => [mq, true] as const));
    const unused: MessageQueue[] = [];
    await Promise.all(
      [...this.offsets].map(async ([mq, offset]) => {
        if (!owned.has(mq)) {
          unused.push(mq);
          return;
        }
        try {
          await this.write(mq, offset);
        } catch (error) {
          this.logger.warn(`committing offset ${offset} of ${mq.topic}/${mq.brokerName}/${mq.queueId} failed: ${(error as Error).message}`, 'OffsetStore');
        }
      }),
    );
    for (const mq of unused) this.offsets.delete(mq);
  }

  async persist(mq: MessageQueue): Promise<void> {
    const offset = this.offsets.get(mq);
    if (offset === undefined) return;
    try {
      await this.write(mq, offset);
    } catch (error) {
      this.logger.warn(`committing offset ${offset} of ${mq.topic}/${mq.brokerName}/${mq.queueId} failed: ${(error as Error).message}`, 'OffsetStore');
    }
  }

  removeOffset(mq: MessageQueue): void {
    this.offsets.delete(mq);
  }

  cloneOffsetTable(topic?: string): MessageQueueMap<number> {
    const out = new MessageQueueMap<number>();
    for (const [mq, offset] of this.offsets) if (topic === undefined || mq.topic === topic) out.set(mq, offset);
    return out;
  }

  async commitOffset(mq: MessageQueue, offset: number): Promise<void> {
    this.updateOffset(mq, offset, false);
    await this.write(mq, offset);
  }
}
