/**
 * The key index (`IndexService`): messages by `topic#KEYS value` and `topic#UNIQ_KEY`, across index files named by
 * creation time. One file is filled at a time; a full one is sealed and a new one started.
 */
import fs from 'node:fs';
import path from 'node:path';
import { javaStringHashCode } from '@app/rocketmq/protocol';
import { positiveHash } from './binary.js';
import { INDEX_STATE_CLEAN, INDEX_STATE_SEALED, IndexFile } from './index-file.js';
import type { StoreLogger } from './store-options.js';

export interface IndexServiceOptions {
  dir: string;
  hashSlotNum: number;
  maxIndexNum: number;
  logger: StoreLogger;
  now: () => number;
}

export interface IndexQueryResult {
  /** Commit-log offsets of the matching entries, newest first (hash matches: the caller checks the keys). */
  offsets: number[];
  /** Store time of the newest indexed message (QUERY_MESSAGE's `indexLastUpdateTimestamp`). */
  indexLastUpdateTimestamp: number;
  /** Commit-log offset the index has caught up to (`indexLastUpdatePhyoffset`). */
  indexLastUpdatePhyoffset: number;
}

const NAME = /^\d{17}$/;

/** `topic#key`, hashed as `IndexService.buildKey` + `IndexFile.indexKeyHashMethod`. */
export function indexKeyHash(topic: string, key: string): number {
  return positiveHash(javaStringHashCode(topic + '#' + key));
}

export class IndexService {
  private files: IndexFile[] = [];
  private active: IndexFile | undefined;
  private scheduled = false;
  private dirty = new Set<IndexFile>();
  private readonly sealing = new Set<Promise<void>>();
  /** Commit-log offset up to which messages were dispatched to the index. */
  dispatchedOffset = 0;
  lastTimestamp = 0;

  constructor(private readonly options: IndexServiceOptions) {}

  /** Whether the index directory exists (a missing one is rebuilt from the commit log). */
  static existsSync(dir: string): boolean {
    return fs.existsSync(dir);
  }

  /**
   * Load the files, dropping entries for commit-log offsets at or after `truncateFrom` (they are re-dispatched).
   * Files left mid-write by a crash get their slot table rebuilt from their entries. Returns the commit-log offset
   * from which messages must be (re-)dispatched to the index.
   */
  loadSync(truncateFrom: number): number {
    fs.mkdirSync(this.options.dir, { recursive: true });
    const names = fs.readdirSync(this.options.dir).filter((n) => NAME.test(n)).sort();
    const files: IndexFile[] = [];
    for (const name of names) {
      const file = IndexFile.openSync(path.join(this.options.dir, name));
      if (!file) {
        this.options.logger.warn(`Ignoring unreadable index file ${name}`, 'IndexService');
        continue;
      }
      files.push(file);
    }
    // files entirely at or after the truncation point go
    while (files.length > 0 && files[files.length - 1]!.beginPhyOffset >= truncateFrom) {
      files.pop()!.destroy();
    }
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      const last = i === files.length - 1;
      if (file.state === INDEX_STATE_SEALED && file.endPhyOffset <= truncateFrom) continue;
      if (!last) {
        // an older file not sealed properly (crash while sealing): rebuild and seal it
        file.rebuildSync(Number.POSITIVE_INFINITY);
        void file.seal();
        continue;
      }
      if (file.state === INDEX_STATE_CLEAN && file.endPhyOffset <= truncateFrom) file.resumeCleanSync();
      else if (file.rebuildSync(truncateFrom) === 0) {
        file.destroy();
        files.pop();
        break;
      }
      this.active = file.isFull ? undefined : file;
      if (file.isFull) void file.seal();
    }
    this.files = files;
    const newest = files[files.length - 1];
    this.lastTimestamp = newest?.endTimestamp ?? 0;
    // a file kept as written at shutdown may end before the requested point: continue from where it ends
    this.dispatchedOffset = newest ? Math.min(truncateFrom, newest.endPhyOffset) : truncateFrom;
    return this.dispatchedOffset;
  }

  get fileCount(): number {
    return this.files.length;
  }

  /** Index one message under its unique key and keys (rollback records are not indexed, by the caller). */
  add(topic: string, keys: readonly string[] | undefined, uniqKey: string | undefined, phyOffset: number, storeTimestamp: number): void {
    if (uniqKey) this.addKey(indexKeyHash(topic, uniqKey), phyOffset, storeTimestamp);
    if (keys) for (const key of keys) this.addKey(indexKeyHash(topic, key), phyOffset, storeTimestamp);
  }

  private addKey(hash: number, phyOffset: number, timestamp: number): void {
    let file = this.active;
    if (!file || !file.add(hash, phyOffset, timestamp)) {
      if (file) {
        file.endPhyOffset = phyOffset;
        const full = file;
        const sealing = full
          .seal()
          .catch((err: Error) => this.options.logger.error(`Sealing index file ${full.name} failed: ${err.message}`, err.stack, 'IndexService'))
          .finally(() => this.sealing.delete(sealing));
        this.sealing.add(sealing);
      }
      file = IndexFile.create(this.options.dir, this.options.now(), this.options.hashSlotNum, this.options.maxIndexNum, phyOffset, timestamp);
      this.files.push(file);
      this.active = file;
      file.add(hash, phyOffset, timestamp);
    }
    if (timestamp > this.lastTimestamp) this.lastTimestamp = timestamp;
    this.dirty.add(file);
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(this.writeDirty, 10);
    }
  }

  private readonly writeDirty = (): void => {
    this.scheduled = false;
    const dirty = this.dirty;
    this.dirty = new Set();
    for (const f of dirty) f.issueWrite();
  };

  /** Everything below `end` has been dispatched. */
  markDispatched(end: number): void {
    this.dispatchedOffset = end;
    if (this.active) this.active.endPhyOffset = end;
  }

  /** Write and fdatasync the file being filled; resolves the commit-log offset the index is durable up to. */
  async flush(): Promise<number> {
    const upTo = this.dispatchedOffset;
    this.writeDirty();
    if (this.sealing.size > 0) await Promise.all([...this.sealing]);
    if (this.active) await this.active.flush();
    return upTo;
  }

  async query(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<IndexQueryResult> {
    const hash = indexKeyHash(topic, key);
    const offsets: number[] = [];
    const seen = new Set<number>();
    for (let i = this.files.length - 1; i >= 0 && offsets.length < maxNum; i--) {
      await this.files[i]!.select(hash, begin, end, maxNum, offsets, seen);
    }
    return { offsets, indexLastUpdateTimestamp: this.lastTimestamp, indexLastUpdatePhyoffset: this.dispatchedOffset };
  }

  /** Delete files whose messages are all below the commit-log min offset; never the one being filled. */
  deleteExpiredFiles(commitLogMinOffset: number): number {
    let deleted = 0;
    while (this.files.length > 1 && this.files[0] !== this.active && this.files[0]!.endPhyOffset <= commitLogMinOffset) {
      this.files.shift()!.destroy();
      deleted++;
    }
    return deleted;
  }

  /** Clean shutdown: write the slot table of the file being filled and close everything. */
  async closeClean(): Promise<void> {
    this.writeDirty();
    for (const f of this.files) await f.closeClean();
  }

  close(): void {
    for (const f of this.files) f.close();
  }
}
