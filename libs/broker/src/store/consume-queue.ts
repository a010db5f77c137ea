/**
 * One consume queue (`ConsumeQueue`): the index of one (topic, queueId) into the commit log. Entry n (the message
 * with queue offset n) is 20 bytes at byte n × 20 of the queue's files: commit-log offset (int64), record size
 * (int32), tags code (int64). Files hold `unitsPerFile` entries and are named by their first byte offset.
 *
 * Entries are added by the dispatcher in commit-log order, kept in a small ring of recent entries (pulls at the
 * head of the queue read them from memory), and written to the file in batches, one write at a time.
 */
import { readLong, writeLong } from './binary.js';
import type { SegmentFile } from './segment-file.js';
import { SegmentQueue } from './segment-queue.js';
import type { StoreLogger } from './store-options.js';

export const CQ_UNIT_SIZE = 20;
/** Size of the filler entries that pad a gap (`ConsumeQueue.fillPreBlank`). */
export const CQ_FILLER_SIZE = 0x7fffffff;

export interface ConsumeQueueEntry {
  queueOffset: number;
  commitLogOffset: number;
  size: number;
  tagsCode: number;
}

/** Whether an entry points at a record (not a filler or a zeroed hole). */
export function isRealEntry(commitLogOffset: number, size: number): boolean {
  return size > 0 && size !== CQ_FILLER_SIZE && commitLogOffset >= 0;
}

const INITIAL_RING_UNITS = 32;

function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export class ConsumeQueue {
  readonly segments: SegmentQueue;
  /** Lowest queue offset still readable. */
  minOffset = 0;
  /** Queue offset of the next entry (= number of entries ever written). */
  maxOffset = 0;
  /** Next queue offset handed out to a put; ahead of `maxOffset` while messages are being written. */
  nextOffset = 0;
  /** Commit-log end (offset + size) of the last entry's record. */
  maxPhysicOffset = 0;
  private fileEnd = 0;
  private ring: Buffer;
  private ringCap: number;
  private ringStart = 0;
  private readonly ringMaxUnits: number;
  private writing: Promise<void> | undefined;
  private readonly dirtySegments = new Set<SegmentFile>();
  private deleted = false;
  private closed = false;

  constructor(
    readonly topic: string,
    readonly queueId: number,
    dir: string,
    unitsPerFile: number,
    cacheUnits: number,
    private readonly logger: StoreLogger,
    private readonly onDirty: (queue: ConsumeQueue) => void,
  ) {
    this.segments = new SegmentQueue(dir, unitsPerFile * CQ_UNIT_SIZE);
    this.ringMaxUnits = powerOfTwoAtLeast(cacheUnits);
    this.ringCap = Math.min(INITIAL_RING_UNITS, this.ringMaxUnits);
    this.ring = Buffer.allocUnsafe(this.ringCap * CQ_UNIT_SIZE);
  }

  get isDeleted(): boolean {
    return this.deleted;
  }

  /** Load the files; `maxOffset` = entries in them (a torn partial entry is cut). */
  loadSync(): void {
    this.segments.loadSync();
    const last = this.segments.last;
    if (!last) return;
    const partial = last.size % CQ_UNIT_SIZE;
    if (partial !== 0) last.truncateSync(last.size - partial);
    this.minOffset = this.segments.first!.fileFromOffset / CQ_UNIT_SIZE;
    this.maxOffset = this.nextOffset = this.fileEnd = this.ringStart = last.writtenEndOffset / CQ_UNIT_SIZE;
    this.refreshMaxPhysicOffset();
  }

  private refreshMaxPhysicOffset(): void {
    this.maxPhysicOffset = 0;
    for (let o = this.maxOffset - 1; o >= this.minOffset && o >= this.maxOffset - 64; o--) {
      const e = this.readEntrySync(o);
      if (e && isRealEntry(e.commitLogOffset, e.size)) {
        this.maxPhysicOffset = e.commitLogOffset + e.size;
        return;
      }
    }
  }

  // ------------------------------------------------------------------------------------------ append

  /**
   * Add the entry of the message with queue offset `queueOffset`. Entries already present (re-dispatch after
   * recovery) are ignored; a gap is padded with filler entries. Returns whether the entry was added.
   */
  put(commitLogOffset: number, size: number, tagsCode: number, queueOffset: number): boolean {
    if (this.deleted) return false;
    if (queueOffset < this.maxOffset || commitLogOffset + size <= this.maxPhysicOffset) return false;
    if (queueOffset > this.maxOffset) {
      if (this.maxOffset === this.minOffset && this.fileEnd === this.maxOffset && !this.writing) {
        // empty queue: start at the given offset (the file region before it stays a hole)
        this.minOffset = this.maxOffset = this.fileEnd = this.ringStart = queueOffset;
      } else {
        this.logger.warn(`Consume queue ${this.topic}-${this.queueId} expected offset ${this.maxOffset}, got ${queueOffset}; padding the gap`, 'ConsumeQueue');
        while (this.maxOffset < queueOffset) this.pushEntry(0, CQ_FILLER_SIZE, 0);
      }
    }
    this.pushEntry(commitLogOffset, size, tagsCode);
    this.maxPhysicOffset = commitLogOffset + size;
    if (this.nextOffset < this.maxOffset) this.nextOffset = this.maxOffset;
    return true;
  }

  private pushEntry(commitLogOffset: number, size: number, tagsCode: number): void {
    if (this.maxOffset - this.ringStart === this.ringCap) {
      if (this.ringCap >= this.ringMaxUnits && this.ringStart < this.fileEnd) this.ringStart++;
      else this.growRing();
    }
    const pos = (this.maxOffset % this.ringCap) * CQ_UNIT_SIZE;
    writeLong(this.ring, pos, commitLogOffset);
    this.ring.writeInt32BE(size, pos + 8);
    writeLong(this.ring, pos + 12, tagsCode);
    this.maxOffset++;
    this.onDirty(this);
  }

  private growRing(): void {
    const cap = this.ringCap * 2;
    const ring = Buffer.allocUnsafe(cap * CQ_UNIT_SIZE);
    for (let o = this.ringStart; o < this.maxOffset; o++) {
      const from = (o % this.ringCap) * CQ_UNIT_SIZE;
      this.ring.copy(ring, (o % cap) * CQ_UNIT_SIZE, from, from + CQ_UNIT_SIZE);
    }
    this.ring = ring;
    this.ringCap = cap;
  }

  private copyFromRing(offset: number, n: number, out: Buffer, outPos: number): void {
    for (let i = 0; i < n; ) {
      const slot = (offset + i) % this.ringCap;
      const run = Math.min(n - i, this.ringCap - slot);
      this.ring.copy(out, outPos + i * CQ_UNIT_SIZE, slot * CQ_UNIT_SIZE, (slot + run) * CQ_UNIT_SIZE);
      i += run;
    }
  }

  // ------------------------------------------------------------------------------------------ write / flush

  /** Write the entries not yet in the file (one write in flight at a time). */
  issueWrite(): void {
    if (this.writing || this.deleted || this.closed || this.fileEnd >= this.maxOffset) return;
    const start = this.fileEnd;
    let segment: SegmentFile;
    try {
      segment = this.segments.findOrCreate(start * CQ_UNIT_SIZE);
    } catch (err) {
      this.logger.error(`Cannot create a consume-queue file for ${this.topic}-${this.queueId}: ${(err as Error).message}`, undefined, 'ConsumeQueue');
      return;
    }
    const end = Math.min(this.maxOffset, segment.fileEndOffset / CQ_UNIT_SIZE);
    const n = end - start;
    const buf = Buffer.allocUnsafe(n * CQ_UNIT_SIZE);
    this.copyFromRing(start, n, buf, 0);
    const filePos = start * CQ_UNIT_SIZE - segment.fileFromOffset;
    let failed = false;
    this.writing = segment
      .write(buf, 0, buf.length, filePos)
      .then(
        () => {
          this.fileEnd = end;
          if (filePos + buf.length > segment.size) segment.size = filePos + buf.length;
          this.dirtySegments.add(segment);
        },
        (err: Error) => {
          failed = true;
          if (!this.deleted) this.logger.error(`Writing consume queue ${this.topic}-${this.queueId} failed: ${err.message}`, err.stack, 'ConsumeQueue');
        },
      )
      .finally(() => {
        this.writing = undefined;
        // more entries arrived meanwhile: let the store batch them with the other queues' writes
        if (!failed && this.fileEnd < this.maxOffset) this.onDirty(this);
      });
  }

  /** Resolves when every entry added so far is in the file. */
  async drain(): Promise<void> {
    const target = this.maxOffset;
    while (this.fileEnd < target && !this.deleted && !this.closed) {
      this.issueWrite();
      const writing = this.writing;
      if (!writing) return;
      await writing;
    }
  }

  /** Write and fdatasync everything added so far. */
  async flush(): Promise<void> {
    await this.drain();
    const segments = [...this.dirtySegments];
    this.dirtySegments.clear();
    for (const s of segments) if (!s.isRemoved) await s.datasync();
  }

  // ------------------------------------------------------------------------------------------ read

  /**
   * Up to `n` entries starting at queue offset `offset` (fewer at a file boundary or at the end), as a copy of the
   * 20-byte units; undefined when `offset` is outside [minOffset, maxOffset) or its file is gone.
   */
  async readEntries(offset: number, n: number): Promise<Buffer | undefined> {
    if (offset < this.minOffset || offset >= this.maxOffset) return undefined;
    n = Math.min(n, this.maxOffset - offset);
    if (offset >= this.ringStart) {
      const out = Buffer.allocUnsafe(n * CQ_UNIT_SIZE);
      this.copyFromRing(offset, n, out, 0);
      return out;
    }
    const segment = this.segments.find(offset * CQ_UNIT_SIZE);
    if (!segment) return undefined;
    n = Math.min(n, this.ringStart - offset, segment.fileEndOffset / CQ_UNIT_SIZE - offset);
    const out = Buffer.allocUnsafe(n * CQ_UNIT_SIZE);
    let got = 0;
    try {
      got = await segment.read(out, 0, out.length, offset * CQ_UNIT_SIZE - segment.fileFromOffset);
    } catch {
      return undefined;
    }
    const units = Math.floor(got / CQ_UNIT_SIZE);
    if (units === 0) return undefined;
    return units < n ? out.subarray(0, units * CQ_UNIT_SIZE) : out;
  }

  /** One entry, synchronously (recovery and retention). */
  readEntrySync(offset: number): ConsumeQueueEntry | undefined {
    if (offset < this.minOffset || offset >= this.maxOffset) return undefined;
    const unit = Buffer.allocUnsafe(CQ_UNIT_SIZE);
    if (offset >= this.ringStart) {
      this.copyFromRing(offset, 1, unit, 0);
    } else {
      const segment = this.segments.find(offset * CQ_UNIT_SIZE);
      if (!segment) return undefined;
      try {
        if (segment.readSync(unit, 0, CQ_UNIT_SIZE, offset * CQ_UNIT_SIZE - segment.fileFromOffset) < CQ_UNIT_SIZE) return undefined;
      } catch {
        return undefined;
      }
    }
    return { queueOffset: offset, commitLogOffset: readLong(unit, 0), size: unit.readInt32BE(8), tagsCode: readLong(unit, 12) };
  }

  // ------------------------------------------------------------------------------------------ recovery / retention

  /**
   * Drop trailing entries until `keep` accepts one (recovery: entries at or after the re-dispatch point, torn
   * entries, entries past the end of the commit log). Only used before new entries are added.
   */
  truncateTail(keep: (commitLogOffset: number, size: number) => boolean): number {
    let newMax = this.maxOffset;
    const blockUnits = 4096;
    const block = Buffer.allocUnsafe(blockUnits * CQ_UNIT_SIZE);
    outer: while (newMax > this.minOffset) {
      const segment = this.segments.find((newMax - 1) * CQ_UNIT_SIZE);
      if (!segment) break;
      const from = Math.max(this.minOffset, newMax - blockUnits, segment.fileFromOffset / CQ_UNIT_SIZE);
      const n = newMax - from;
      const got = segment.readSync(block, 0, n * CQ_UNIT_SIZE, from * CQ_UNIT_SIZE - segment.fileFromOffset);
      for (let o = newMax - 1; o >= from; o--) {
        const pos = (o - from) * CQ_UNIT_SIZE;
        if (pos + CQ_UNIT_SIZE <= got) {
          const commitLogOffset = readLong(block, pos);
          const size = block.readInt32BE(pos + 8);
          if (keep(commitLogOffset, size)) break outer;
        }
        newMax = o;
      }
    }
    const dropped = this.maxOffset - newMax;
    if (dropped > 0) {
      this.segments.truncateFrom(newMax * CQ_UNIT_SIZE);
      this.maxOffset = this.nextOffset = this.fileEnd = this.ringStart = newMax;
      if (this.minOffset > newMax) this.minOffset = newMax;
      this.refreshMaxPhysicOffset();
    }
    return dropped;
  }

  /** Move `minOffset` to the first entry whose record is still in the commit log (`correctMinOffset`). */
  correctMinOffset(commitLogMinOffset: number): void {
    const ok = (o: number): boolean => {
      const e = this.readEntrySync(o);
      return e !== undefined && isRealEntry(e.commitLogOffset, e.size) && e.commitLogOffset >= commitLogMinOffset;
    };
    if (this.minOffset >= this.maxOffset || ok(this.minOffset)) return;
    let lo = this.minOffset;
    let hi = this.maxOffset;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (ok(mid)) hi = mid;
      else lo = mid + 1;
    }
    this.minOffset = lo;
  }

  /** Delete files whose entries all point below the commit-log min offset; then correct `minOffset`. */
  deleteExpiredFiles(commitLogMinOffset: number): number {
    let deleted = 0;
    while (this.segments.segments.length > 1) {
      const first = this.segments.first!;
      const lastUnit = first.fileEndOffset / CQ_UNIT_SIZE - 1;
      const e = this.readEntrySync(lastUnit);
      if (e && e.commitLogOffset >= commitLogMinOffset && isRealEntry(e.commitLogOffset, e.size)) break;
      this.segments.removeFirst();
      deleted++;
      const start = this.segments.first!.fileFromOffset / CQ_UNIT_SIZE;
      if (this.minOffset < start) this.minOffset = start;
    }
    this.correctMinOffset(commitLogMinOffset);
    return deleted;
  }

  /** Delete the queue's files (topic deletion). */
  destroy(): void {
    this.deleted = true;
    this.segments.destroy();
  }

  close(): void {
    this.closed = true;
    this.segments.close();
  }
}
