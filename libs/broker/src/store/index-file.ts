/**
 * One key-index file, laid out like Apache's `IndexFile`: a header, a hash-slot table, then 20-byte entries
 * `[keyHash int32][commitLogOffset int64][timeDiff int32][previous entry in the slot int32]`, entry 0 unused.
 * Each slot holds the newest entry of its hash; entries chain backwards.
 *
 * Differences, for crash safety without mmap: entries are appended to the file in batches while the slot table of
 * the file being filled lives in memory; the table and the header are written when the file is full ("sealed")
 * or at a clean shutdown ("clean"). After a crash the table is rebuilt from the entries, which were only ever
 * appended. The time difference is in milliseconds (a file is sealed before it would overflow, ~24 days).
 *
 * Header (64 bytes): magic, version, beginTimestamp, endTimestamp, beginPhyOffset, endPhyOffset (commit-log offset
 * up to which messages were dispatched to this file), hashSlotNum, maxIndexNum, indexCount, state, reserved.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readLong, writeLong } from './binary.js';
import { SegmentFile } from './segment-file.js';

export const INDEX_HEADER_SIZE = 64;
export const INDEX_ENTRY_SIZE = 20;
const INDEX_MAGIC = 0x524d5149; // "RMQI"
const INDEX_VERSION = 1;
const MAX_TIME_DIFF = 0x7fffffff;

/** Entries are being added; the slot table on disk is not current. */
export const INDEX_STATE_WRITING = 0;
/** Written at a clean shutdown: the slot table on disk matches the entries. */
export const INDEX_STATE_CLEAN = 1;
/** Full and final. */
export const INDEX_STATE_SEALED = 2;

function timeName(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}${p(d.getMilliseconds(), 3)}`;
}

export class IndexFile {
  beginTimestamp = 0;
  endTimestamp = 0;
  beginPhyOffset = 0;
  endPhyOffset = 0;
  /** Next entry number (entry 0 is never used). */
  indexCount = 1;
  state = INDEX_STATE_WRITING;
  /** Slot table while the file is being filled. */
  private slots: Buffer | undefined;
  /** Entries below this number are in the file. */
  private written = 1;
  private pending: Buffer;
  private pendingStart = 1;
  private inflight: { start: number; buf: Buffer } | undefined;
  private writing: Promise<void> | undefined;
  private sealing: Promise<void> | undefined;
  private readonly file: SegmentFile;
  private closed = false;

  private constructor(
    readonly path: string,
    readonly hashSlotNum: number,
    readonly maxIndexNum: number,
    size: number,
  ) {
    this.file = new SegmentFile(path, 0, this.entriesBase + (maxIndexNum + 1) * INDEX_ENTRY_SIZE, size);
    this.pending = Buffer.allocUnsafe(64 * INDEX_ENTRY_SIZE);
  }

  get name(): string {
    return path.basename(this.path);
  }

  private get entriesBase(): number {
    return INDEX_HEADER_SIZE + this.hashSlotNum * 4;
  }

  get isFull(): boolean {
    return this.indexCount >= this.maxIndexNum;
  }

  get isWritable(): boolean {
    return this.slots !== undefined && this.state === INDEX_STATE_WRITING && !this.sealing;
  }

  /** A new file for entries starting at `phyOffset` / `timestamp`. */
  static create(dir: string, now: number, hashSlotNum: number, maxIndexNum: number, phyOffset: number, timestamp: number): IndexFile {
    let ms = now;
    let file = path.join(dir, timeName(ms));
    while (fs.existsSync(file)) file = path.join(dir, timeName(++ms));
    fs.closeSync(fs.openSync(file, 'wx', 0o644));
    const index = new IndexFile(file, hashSlotNum, maxIndexNum, 0);
    index.beginPhyOffset = index.endPhyOffset = phyOffset;
    index.beginTimestamp = index.endTimestamp = timestamp;
    index.slots = Buffer.alloc(hashSlotNum * 4);
    index.writeHeaderSync();
    return index;
  }

  /** Open an existing file (header only). Returns undefined for foreign or damaged files. */
  static openSync(file: string): IndexFile | undefined {
    let header: Buffer;
    let size: number;
    try {
      const fd = fs.openSync(file, 'r');
      try {
        size = fs.fstatSync(fd).size;
        header = Buffer.alloc(INDEX_HEADER_SIZE);
        if (fs.readSync(fd, header, 0, INDEX_HEADER_SIZE, 0) < INDEX_HEADER_SIZE) return undefined;
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return undefined;
    }
    if (header.readInt32BE(0) !== INDEX_MAGIC || header.readInt32BE(4) !== INDEX_VERSION) return undefined;
    const index = new IndexFile(file, header.readInt32BE(40), header.readInt32BE(44), size);
    index.beginTimestamp = readLong(header, 8);
    index.endTimestamp = readLong(header, 16);
    index.beginPhyOffset = readLong(header, 24);
    index.endPhyOffset = readLong(header, 32);
    index.indexCount = Math.max(1, header.readInt32BE(48));
    index.state = header.readInt32BE(52);
    index.written = index.pendingStart = index.indexCount;
    return index;
  }

  private headerBytes(): Buffer {
    const h = Buffer.alloc(INDEX_HEADER_SIZE);
    h.writeInt32BE(INDEX_MAGIC, 0);
    h.writeInt32BE(INDEX_VERSION, 4);
    writeLong(h, 8, this.beginTimestamp);
    writeLong(h, 16, this.endTimestamp);
    writeLong(h, 24, this.beginPhyOffset);
    writeLong(h, 32, this.endPhyOffset);
    h.writeInt32BE(this.hashSlotNum, 40);
    h.writeInt32BE(this.maxIndexNum, 44);
    h.writeInt32BE(this.indexCount, 48);
    h.writeInt32BE(this.state, 52);
    return h;
  }

  private writeHeaderSync(): void {
    this.file.writeSync(this.headerBytes(), 0, INDEX_HEADER_SIZE, 0);
  }

  // ------------------------------------------------------------------------------------------ load / recovery

  /** Continue filling a file left by a clean shutdown: load its slot table and mark it as being written. */
  resumeCleanSync(): void {
    const slots = Buffer.allocUnsafe(this.hashSlotNum * 4);
    if (this.file.readSync(slots, 0, slots.length, INDEX_HEADER_SIZE) < slots.length) slots.fill(0);
    this.slots = slots;
    this.state = INDEX_STATE_WRITING;
    this.writeHeaderSync();
  }

  /**
   * Rebuild after a crash: keep the entries that form a valid prefix pointing below `truncateFrom`, rebuild the slot
   * table from them and cut the file after them. Returns the number of entries kept.
   */
  rebuildSync(truncateFrom: number): number {
    const base = this.entriesBase;
    const lastPossible = Math.min(this.maxIndexNum, Math.floor((this.file.size - base) / INDEX_ENTRY_SIZE));
    const slots = Buffer.alloc(this.hashSlotNum * 4);
    const slotView = new DataView(slots.buffer, slots.byteOffset, slots.length);
    const blockEntries = 16384;
    const block = Buffer.allocUnsafe(blockEntries * INDEX_ENTRY_SIZE);
    const view = new DataView(block.buffer, block.byteOffset, block.length);
    const slotNum = this.hashSlotNum;
    let kept = 1;
    let lastPhy = this.beginPhyOffset;
    let maxDiff = 0;
    scan: for (let from = 1; from < lastPossible; from += blockEntries) {
      const n = Math.min(blockEntries, lastPossible - from);
      const got = Math.floor(this.file.readSync(block, 0, n * INDEX_ENTRY_SIZE, base + from * INDEX_ENTRY_SIZE) / INDEX_ENTRY_SIZE);
      for (let i = 0; i < got; i++) {
        const idx = from + i;
        const pos = i * INDEX_ENTRY_SIZE;
        const hash = view.getInt32(pos);
        const phy = view.getInt32(pos + 4) * 0x1_0000_0000 + view.getUint32(pos + 8);
        const diff = view.getInt32(pos + 12);
        const prev = view.getInt32(pos + 16);
        if (hash < 0 || phy < lastPhy || phy >= truncateFrom || diff < 0 || prev < 0 || prev >= idx) break scan;
        slotView.setInt32((hash % slotNum) * 4, idx);
        lastPhy = phy;
        if (diff > maxDiff) maxDiff = diff;
        kept = idx + 1;
      }
      if (got < n) break;
    }
    const endTs = this.beginTimestamp + maxDiff;
    this.slots = slots;
    this.indexCount = this.written = this.pendingStart = kept;
    this.endTimestamp = endTs;
    this.endPhyOffset = Number.isFinite(truncateFrom) ? Math.max(this.beginPhyOffset, truncateFrom) : Math.max(this.endPhyOffset, lastPhy + 1);
    this.state = INDEX_STATE_WRITING;
    this.file.truncateSync(base + kept * INDEX_ENTRY_SIZE);
    this.writeHeaderSync();
    return kept - 1;
  }

  // ------------------------------------------------------------------------------------------ append

  /** Add an entry; false when the file is full or `timestamp` is too far from its begin (the caller rolls). */
  add(keyHash: number, phyOffset: number, timestamp: number): boolean {
    const slots = this.slots;
    if (!slots || this.isFull || this.sealing) return false;
    const diff = Math.max(0, timestamp - this.beginTimestamp);
    if (diff > MAX_TIME_DIFF) return false;
    const slotPos = (keyHash % this.hashSlotNum) * 4;
    let prev = slots.readInt32BE(slotPos);
    if (prev < 0 || prev >= this.indexCount) prev = 0;
    const idx = this.indexCount++;
    const n = idx - this.pendingStart;
    if ((n + 1) * INDEX_ENTRY_SIZE > this.pending.length) {
      const bigger = Buffer.allocUnsafe(this.pending.length * 2);
      this.pending.copy(bigger, 0, 0, n * INDEX_ENTRY_SIZE);
      this.pending = bigger;
    }
    const pos = n * INDEX_ENTRY_SIZE;
    this.pending.writeInt32BE(keyHash, pos);
    writeLong(this.pending, pos + 4, phyOffset);
    this.pending.writeInt32BE(diff, pos + 12);
    this.pending.writeInt32BE(prev, pos + 16);
    slots.writeInt32BE(idx, slotPos);
    if (timestamp > this.endTimestamp) this.endTimestamp = timestamp;
    return true;
  }

  /** Write the pending entries (one write in flight at a time). */
  issueWrite(): void {
    if (this.writing || this.closed || this.indexCount === this.pendingStart) return;
    const start = this.pendingStart;
    const n = this.indexCount - start;
    const buf = this.pending.subarray(0, n * INDEX_ENTRY_SIZE);
    this.inflight = { start, buf };
    this.pending = Buffer.allocUnsafe(Math.max(64 * INDEX_ENTRY_SIZE, buf.length));
    this.pendingStart = this.indexCount;
    const filePos = this.entriesBase + start * INDEX_ENTRY_SIZE;
    this.writing = this.file
      .write(buf, 0, buf.length, filePos)
      .then(
        () => {
          this.written = start + n;
          if (filePos + buf.length > this.file.size) this.file.size = filePos + buf.length;
        },
        () => {
          // retried by the next drain: the entries go back in front of the pending ones
          const merged = Buffer.allocUnsafe(buf.length + (this.indexCount - this.pendingStart) * INDEX_ENTRY_SIZE + 64 * INDEX_ENTRY_SIZE);
          buf.copy(merged, 0);
          this.pending.copy(merged, buf.length, 0, (this.indexCount - this.pendingStart) * INDEX_ENTRY_SIZE);
          this.pending = merged;
          this.pendingStart = start;
        },
      )
      .finally(() => {
        this.inflight = undefined;
        this.writing = undefined;
      });
  }

  async drain(): Promise<void> {
    for (let attempts = 0; this.written < this.indexCount && !this.closed && attempts < 1000; attempts++) {
      this.issueWrite();
      if (this.writing) await this.writing;
    }
  }

  async flush(): Promise<void> {
    await this.drain();
    if (!this.file.isRemoved) await this.file.datasync();
  }

  private async writeTable(state: number): Promise<void> {
    await this.drain();
    const slots = this.slots;
    this.state = state;
    if (slots) await this.file.write(slots, 0, slots.length, INDEX_HEADER_SIZE);
    const header = this.headerBytes();
    await this.file.datasync();
    await this.file.write(header, 0, header.length, 0);
    await this.file.datasync();
  }

  /** Full: write the final slot table and header, then drop the table from memory. */
  seal(): Promise<void> {
    this.sealing ??= this.writeTable(INDEX_STATE_SEALED).then(() => {
      this.slots = undefined;
    });
    return this.sealing;
  }

  /** Clean shutdown: write the slot table and the header so the next start need not rebuild. */
  async closeClean(): Promise<void> {
    if (this.sealing) await this.sealing;
    else if (this.slots) await this.writeTable(INDEX_STATE_CLEAN);
    this.file.close();
  }

  // ------------------------------------------------------------------------------------------ query

  private async readSlot(slot: number): Promise<number> {
    if (this.slots) return this.slots.readInt32BE(slot * 4);
    const b = Buffer.allocUnsafe(4);
    const n = await this.file.read(b, 0, 4, INDEX_HEADER_SIZE + slot * 4);
    return n === 4 ? b.readInt32BE(0) : 0;
  }

  private async readEntry(idx: number): Promise<Buffer | undefined> {
    if (idx >= this.pendingStart) {
      const pos = (idx - this.pendingStart) * INDEX_ENTRY_SIZE;
      return this.pending.subarray(pos, pos + INDEX_ENTRY_SIZE);
    }
    const inflight = this.inflight;
    if (inflight && idx >= inflight.start) {
      const pos = (idx - inflight.start) * INDEX_ENTRY_SIZE;
      return inflight.buf.subarray(pos, pos + INDEX_ENTRY_SIZE);
    }
    const b = Buffer.allocUnsafe(INDEX_ENTRY_SIZE);
    const n = await this.file.read(b, 0, INDEX_ENTRY_SIZE, this.entriesBase + idx * INDEX_ENTRY_SIZE);
    return n === INDEX_ENTRY_SIZE ? b : undefined;
  }

  /** Append to `out` the commit-log offsets of entries with `keyHash` stored within [begin, end], newest first. */
  async select(keyHash: number, begin: number, end: number, maxNum: number, out: number[], seen: Set<number>): Promise<void> {
    if (out.length >= maxNum || this.endTimestamp < begin || this.beginTimestamp > end) return;
    let idx: number;
    try {
      idx = await this.readSlot(keyHash % this.hashSlotNum);
      for (let steps = 0; idx > 0 && idx < this.indexCount && out.length < maxNum && steps < this.maxIndexNum; steps++) {
        const e = await this.readEntry(idx);
        if (!e) return;
        const phy = readLong(e, 4);
        const time = this.beginTimestamp + e.readInt32BE(12);
        const prev = e.readInt32BE(16);
        if (e.readInt32BE(0) === keyHash && time >= begin && time <= end && !seen.has(phy)) {
          seen.add(phy);
          out.push(phy);
        }
        if (time < begin || prev >= idx) return;
        idx = prev;
      }
    } catch {
      // the file was deleted under the query: nothing more from it
    }
  }

  destroy(): void {
    this.slots = undefined;
    this.file.destroy();
  }

  close(): void {
    this.closed = true;
    this.file.close();
  }
}
