/** MessageQueue: the (topic, brokerName, queueId) triple, with Java-compatible ordering and a map keyed by it. */

export interface MessageQueue {
  readonly topic: string;
  readonly brokerName: string;
  readonly queueId: number;
}

export function messageQueue(topic: string, brokerName: string, queueId: number): MessageQueue {
  return { topic, brokerName, queueId };
}

function compareStrings(a: string, b: string): number {
  // JS `<` compares UTF-16 code units, exactly as Java's String.compareTo orders.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Java `MessageQueue.compareTo`: topic, then brokerName, then queueId. */
export function compareMessageQueues(a: MessageQueue, b: MessageQueue): number {
  return compareStrings(a.topic, b.topic) || compareStrings(a.brokerName, b.brokerName) || a.queueId - b.queueId;
}

export function sameMessageQueue(a: MessageQueue, b: MessageQueue): boolean {
  return a.queueId === b.queueId && a.topic === b.topic && a.brokerName === b.brokerName;
}

/**
 * A stable, unambiguous string key for a queue (`topic U+0001 brokerName U+0001 queueId`), for use in Maps and Sets.
 * Not meant for display: use `messageQueueToString`.
 */
export function messageQueueKey(mq: MessageQueue): string {
  return `${mq.topic}\u0001${mq.brokerName}\u0001${mq.queueId}`;
}

/** Inverse of `messageQueueKey`. */
export function messageQueueFromKey(key: string): MessageQueue {
  const first = key.indexOf('\u0001');
  const last = key.lastIndexOf('\u0001');
  return { topic: key.slice(0, first), brokerName: key.slice(first + 1, last), queueId: Number(key.slice(last + 1)) };
}

/** Java's `MessageQueue.toString`: `MessageQueue [topic=T, brokerName=b, queueId=0]`. */
export function messageQueueToString(mq: MessageQueue): string {
  return `MessageQueue [topic=${mq.topic}, brokerName=${mq.brokerName}, queueId=${mq.queueId}]`;
}

/** A Map keyed by MessageQueue value (not identity). Iterates in insertion order. */
export class MessageQueueMap<V> implements Iterable<[MessageQueue, V]> {
  private readonly entriesByKey = new Map<string, [MessageQueue, V]>();

  constructor(entries?: Iterable<readonly [MessageQueue, V]>) {
    if (entries) for (const [mq, v] of entries) this.set(mq, v);
  }

  get size(): number {
    return this.entriesByKey.size;
  }

  get(mq: MessageQueue): V | undefined {
    return this.entriesByKey.get(messageQueueKey(mq))?.[1];
  }

  has(mq: MessageQueue): boolean {
    return this.entriesByKey.has(messageQueueKey(mq));
  }

  set(mq: MessageQueue, value: V): this {
    this.entriesByKey.set(messageQueueKey(mq), [{ topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId }, value]);
    return this;
  }

  delete(mq: MessageQueue): boolean {
    return this.entriesByKey.delete(messageQueueKey(mq));
  }

  clear(): void {
    this.entriesByKey.clear();
  }

  keys(): IterableIterator<MessageQueue> {
    return (function* (m: Map<string, [MessageQueue, V]>) {
      for (const e of m.values()) yield e[0];
    })(this.entriesByKey);
  }

  values(): IterableIterator<V> {
    return (function* (m: Map<string, [MessageQueue, V]>) {
      for (const e of m.values()) yield e[1];
    })(this.entriesByKey);
  }

  entries(): IterableIterator<[MessageQueue, V]> {
    return this.entriesByKey.values();
  }

  [Symbol.iterator](): IterableIterator<[MessageQueue, V]> {
    return this.entriesByKey.values();
  }

  /** Entries sorted as Java's TreeMap<MessageQueue, …> would iterate them. */
  sortedEntries(): Array<[MessageQueue, V]> {
    return [...this.entriesByKey.values()].sort((a, b) => compareMessageQueues(a[0], b[0]));
  }
}
