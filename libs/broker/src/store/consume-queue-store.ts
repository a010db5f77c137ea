/** All consume queues (`consumequeue/<topic>/<queueId>/`), and the batching of their file writes. */
import fs from 'node:fs';
import path from 'node:path';
import { ConsumeQueue } from './consume-queue.js';
import type { StoreLogger } from './store-options.js';

export interface ConsumeQueueStoreOptions {
  dir: string;
  unitsPerFile: number;
  cacheUnits: number;
  logger: StoreLogger;
}

const QUEUE_ID = /^\d+$/;
/** New entries are written to the files this long after they arrive (batching; reads use memory meanwhile). */
export const CQ_WRITE_DELAY_MS = 10;

export class ConsumeQueueStore {
  private readonly table = new Map<string, Map<number, ConsumeQueue>>();
  private dirty = new Set<ConsumeQueue>();
  private scheduled = false;

  constructor(private readonly options: ConsumeQueueStoreOptions) {}

  /** Load every queue directory. */
  loadSync(): void {
    let topics: string[];
    try {
      topics = fs.readdirSync(this.options.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const topic of topics) {
      const topicDir = path.join(this.options.dir, topic);
      let ids: string[];
      try {
        ids = fs.readdirSync(topicDir);
      } catch {
        continue;
      }
      for (const id of ids) {
        if (!QUEUE_ID.test(id)) continue;
        const cq = this.create(topic, Number(id));
        cq.loadSync();
      }
    }
  }

  private create(topic: string, queueId: number): ConsumeQueue {
    let queues = this.table.get(topic);
    if (!queues) {
      queues = new Map();
      this.table.set(topic, queues);
    }
    const cq = new ConsumeQueue(
      topic,
      queueId,
      path.join(this.options.dir, topic, String(queueId)),
      this.options.unitsPerFile,
      this.options.cacheUnits,
      this.options.logger,
      this.markDirty,
    );
    queues.set(queueId, cq);
    return cq;
  }

  find(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.table.get(topic)?.get(queueId);
  }

  findOrCreate(topic: string, queueId: number): ConsumeQueue {
    return this.table.get(topic)?.get(queueId) ?? this.create(topic, queueId);
  }

  topics(): string[] {
    return [...this.table.keys()];
  }

  queues(topic: string): ConsumeQueue[] {
    return [...(this.table.get(topic)?.values() ?? [])];
  }

  *all(): IterableIterator<ConsumeQueue> {
    for (const queues of this.table.values()) yield* queues.values();
  }

  get size(): number {
    let n = 0;
    for (const queues of this.table.values()) n += queues.size;
    return n;
  }

  private readonly markDirty = (cq: ConsumeQueue): void => {
    this.dirty.add(cq);
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(this.writeDirty, CQ_WRITE_DELAY_MS);
    }
  };

  private readonly writeDirty = (): void => {
    this.scheduled = false;
    const dirty = this.dirty;
    this.dirty = new Set();
    for (const cq of dirty) cq.issueWrite();
  };

  /** Write and fdatasync every queue (checkpoint and shutdown). */
  async flushAll(): Promise<void> {
    this.writeDirty();
    const flushes: Promise<void>[] = [];
    for (const cq of this.all()) flushes.push(cq.flush());
    await Promise.all(flushes);
  }

  /** Remove a topic's queues and files. */
  deleteTopic(topic: string): boolean {
    const queues = this.table.get(topic);
    if (!queues) return false;
    this.table.delete(topic);
    for (const cq of queues.values()) {
      this.dirty.delete(cq);
      cq.destroy();
    }
    try {
      fs.rmSync(path.join(this.options.dir, topic), { recursive: true, force: true });
    } catch {
      // best effort
    }
    return true;
  }

  /** Remove every queue (the commit log is gone). */
  destroyAll(): void {
    for (const topic of this.topics()) this.deleteTopic(topic);
  }

  close(): void {
    for (const cq of this.all()) cq.close();
  }
}
