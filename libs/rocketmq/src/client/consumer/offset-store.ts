/** Where a consumer group's progress (next offset to consume, per queue) is kept. */
import type { MessageQueue, MessageQueueMap } from '../../protocol/message/message-queue.js';

/** Java's ReadOffsetType. */
export type ReadOffsetType = 'MEMORY' | 'STORE' | 'MEMORY_THEN_STORE';

/** Returned by {@link OffsetStore.readOffset} when there is no offset (Java's −1). */
export const OFFSET_NOT_FOUND = -1;

export interface OffsetStore {
  /** Reads persisted offsets (local file store); a no-op for the broker store. */
  load(): Promise<void>;
  /** Records a new in-memory offset; with `increaseOnly` an older offset never replaces a newer one. */
  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void;
  /** The in-memory offset, or {@link OFFSET_NOT_FOUND}. */
  memoryOffset(mq: MessageQueue): number;
  /**
   * The offset: from memory, from the store (the broker or the file; the answer is cached in
   * memory) or memory first. {@link OFFSET_NOT_FOUND} when neither has one; throws when the
   * store could not be read.
   */
  readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number>;
  /** Persists the in-memory offsets of these queues (and forgets queues not listed, broker store). */
  persistAll(mqs: readonly MessageQueue[]): Promise<void>;
  persist(mq: MessageQueue): Promise<void>;
  removeOffset(mq: MessageQueue): void;
  /** A copy of the in-memory offsets, of one topic or all. */
  cloneOffsetTable(topic?: string): MessageQueueMap<number>;
  /** Writes one offset to the store right away (reset offset, lite-pull commit). */
  commitOffset(mq: MessageQueue, offset: number): Promise<void>;
}
