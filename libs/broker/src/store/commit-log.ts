/**
 * The commit log: every message of every topic, appended to segment files named by their global start offset.
 *
 * Append path (all synchronous, so offsets are assigned in one place without locks): `reserve` finds room (writing
 * the end-of-file blank record and rolling to a new segment when the record does not fit), the caller encodes the
 * record straight into the returned write-cache chunk, and `commit` adds it to the open write job. Jobs are written
 * one at a time with a positional write; everything appended while a write is in flight (or in the same tick) goes
 * out in the next single write (group commit).
 *
 * Durability: with ASYNC flush a job's messages are dispatched and acknowledged once the write returns, and the
 * files are fdatasync'ed every `flushIntervalMs`. With SYNC flush they wait for an fdatasync covering their bytes;
 * one fdatasync serves every job written before it started.
 */
import { BLANK_MAGIC_CODE } from '@app/rocketmq/protocol';
import { END_FILE_MIN_BLANK_LENGTH } from './commit-log-scanner.js';
import type { SegmentFile } from './segment-file.js';
import { SegmentQueue } from './segment-queue.js';
import { StoreUnavailableError } from './store-errors.js';
import type { FlushDiskType, StoreLogger } from './store-options.js';
import { type CacheChunk, WriteCache } from './write-cache.js';

export type AppendStatus = 'PUT_OK' | 'FLUSH_DISK_TIMEOUT';

/** Completion of one put (or one batch). */
export interface AppendWaiter {
  /** SYNC flush: complete only after the bytes are fsynced. */
  readonly waitFlush: boolean;
  complete(status: AppendStatus, flushed: boolean): void;
  fail(error: Error): void;
}

export interface Reservation {
  /** Global offset of the first reserved byte. */
  readonly offset: number;
  /** Encode the record(s) into `buffer[position, position + size)`. */
  readonly buffer: Buffer;
  readonly position: number;
  /** @internal */
  readonly chunk: CacheChunk;
}

interface WriteJob<E> {
  segment: SegmentFile;
  chunk: CacheChunk;
  chunkPos: number;
  start: number;
  end: number;
  /** `end`, or the segment end when the job finishes with a blank record. */
  logicalEnd: number;
  entries: E[];
  waiters: AppendWaiter[];
  timedOut: boolean;
}

export interface CommitLogOptions {
  dir: string;
  segmentSize: number;
  flushDiskType: FlushDiskType;
  flushIntervalMs: number;
  syncFlushTimeoutMs: number;
  writeCacheBytes: number;
  writeChunkBytes: number;
  logger: StoreLogger;
}

const CONTEXT = 'CommitLog';
/**
 * Uncached neighbouring records in one file are fetched with one read spanning up to this many bytes, even when
 * other queues' records lie between them: a 1 MiB read from the page cache costs less than 32 small reads through
 * the libuv pool (measured: 270k vs 58k msgs/s over 8 interleaved queues).
 */
const MAX_MERGED_READ = 1024 * 1024;
/** Span buffers of merged reads are pooled (no fresh 1 MiB allocation and page faults per pull). */
const SPAN_POOL_MAX = 8;

export class CommitLog<E> {
  readonly segments: SegmentQueue;
  private readonly cache: WriteCache;
  private active: SegmentFile | undefined;
  /** Next append offset (reserved bytes included). */
  private appendOffset = 0;
  /** Every byte below was handed to the OS. */
  private written = 0;
  /** Every byte below was fdatasync'ed. */
  private flushed = 0;
  private openJob: WriteJob<E> | undefined;
  private readonly queue: WriteJob<E>[] = [];
  private writing = false;
  private scheduled = false;
  private readonly awaitingFlush: WriteJob<E>[] = [];
  private flushing: Promise<void> | undefined;
  private flushAgain = false;
  private readonly dirty = new Set<SegmentFile>();
  private flushTimer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  private failure: Error | undefined;
  private readonly spanPool: Buffer[] = [];
  /** fdatasync calls on commit-log files since open. */
  fsyncCount = 0;
  /** Called in log order with the entries of every job once it is durable enough to be visible. */
  onPersisted: (entries: E[], logicalEnd: number) => void = () => {};

  constructor(private readonly options: CommitLogOptions) {
    this.segments = new SegmentQueue(options.dir, options.segmentSize);
    this.cache = new WriteCache(Math.min(options.writeChunkBytes, options.segmentSize), options.writeCacheBytes);
  }

  /** Largest record (or batch) `reserve` accepts. */
  get maxAppendSize(): number {
    return Math.min(this.options.writeChunkBytes, this.options.segmentSize) - END_FILE_MIN_BLANK_LENGTH;
  }

  get minOffset(): number {
    return this.segments.first?.fileFromOffset ?? this.appendOffset;
  }

  /** Offset past the last byte handed to the OS (what recovery would find after a process crash). */
  get maxOffset(): number {
    return this.written;
  }

  get flushedOffset(): number {
    return this.flushed;
  }

  get reservedOffset(): number {
    return this.appendOffset;
  }

  get cachedBytes(): number {
    return this.cache.cachedBytes;
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /** After loading and recovery: everything below `end` is valid and on disk; files past it are cut. */
  setRecoveredEnd(end: number): void {
    this.segments.truncateFrom(end);
    this.appendOffset = this.written = this.flushed = end;
    const last = this.segments.last;
    this.active = last && end >= last.fileFromOffset && end < last.fileEndOffset ? last : undefined;
    this.cache.clear();
  }

  start(): void {
    if (this.options.flushDiskType === 'ASYNC') {
      this.flushTimer = setInterval(() => this.requestFlush(), this.options.flushIntervalMs);
      this.flushTimer.unref();
    }
  }

  // ------------------------------------------------------------------------------------------ append

  /**
   * Room for `size` contiguous bytes in one segment. Nothing is appended until `commit`; throwing between the two
   * leaves the log unchanged (apart from a possible segment roll, which is valid on its own).
   */
  reserve(size: number): Reservation {
    if (this.failure) {
      throw new StoreUnavailableError(`The commit log stopped accepting messages after a write failed: ${this.failure.message}`, 'WRITE_FAILED');
    }
    let offset = this.appendOffset;
    let segment = this.active;
    if (!segment || offset >= segment.fileEndOffset) segment = this.roll(offset);
    if (offset + size + END_FILE_MIN_BLANK_LENGTH > segment.fileEndOffset) {
      const left = segment.fileEndOffset - offset;
      const chunk = this.cache.chunkFor(offset, END_FILE_MIN_BLANK_LENGTH);
      const pos = offset - chunk.start;
      chunk.buf.writeInt32BE(left, pos);
      chunk.buf.writeInt32BE(BLANK_MAGIC_CODE, pos + 4);
      this.append(segment, chunk, offset, END_FILE_MIN_BLANK_LENGTH, segment.fileEndOffset);
      offset = this.appendOffset;
      segment = this.roll(offset);
    }
    const chunk = this.cache.chunkFor(offset, size);
    return { offset, buffer: chunk.buf, position: offset - chunk.start, chunk };
  }

  /** Append the `size` bytes encoded into `reservation`, with their dispatch entries and completion. */
  commit(reservation: Reservation, size: number, entries: E | readonly E[], waiter: AppendWaiter | undefined): void {
    const job = this.append(this.active!, reservation.chunk, reservation.offset, size, reservation.offset + size);
    if (Array.isArray(entries)) for (const e of entries as readonly E[]) job.entries.push(e);
    else job.entries.push(entries as E);
    if (waiter) job.waiters.push(waiter);
  }

  private roll(offset: number): SegmentFile {
    if (offset % this.options.segmentSize !== 0) {
      // only happens on a fresh log whose end is not at a boundary: continue in the file holding it
      const found = this.segments.find(offset);
      if (found) return (this.active = found);
    }
    const segment = this.segments.create(offset - (offset % this.options.segmentSize));
    this.active = segment;
    return segment;
  }

  private append(segment: SegmentFile, chunk: CacheChunk, offset: number, size: number, logicalEnd: number): WriteJob<E> {
    let job = this.openJob;
    if (!job || job.chunk !== chunk || job.end !== offset || job.segment !== segment) {
      if (job) this.queue.push(job);
      job = {
        segment,
        chunk,
        chunkPos: offset - chunk.start,
        start: offset,
        end: offset,
        logicalEnd: offset,
        entries: [],
        waiters: [],
        timedOut: false,
      };
      this.openJob = job;
    }
    job.end += size;
    job.logicalEnd = logicalEnd;
    chunk.end = offset + size;
    this.appendOffset = logicalEnd;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.drain);
    }
    return job;
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    this.pump();
  };

  private pump(): void {
    if (this.writing || this.failure) return;
    let job = this.queue.shift();
    if (!job && this.openJob) {
      job = this.openJob;
      this.openJob = undefined;
    }
    if (!job) {
      this.notifyIdle();
      return;
    }
    this.writing = true;
    const current = job;
    current.segment
      .write(current.chunk.buf, current.chunkPos, current.end - current.start, current.start - current.segment.fileFromOffset)
      .then(
        () => this.onWritten(current),
        (err: Error) => this.onWriteFailed(current, err),
      );
  }

  private onWritten(job: WriteJob<E>): void {
    this.writing = false;
    const segEnd = job.end - job.segment.fileFromOffset;
    if (segEnd > job.segment.size) job.segment.size = segEnd;
    this.written = job.logicalEnd;
    this.dirty.add(job.segment);
    this.cache.evict(this.written);
    if (this.options.flushDiskType === 'SYNC') {
      this.awaitingFlush.push(job);
      for (const w of job.waiters) if (!w.waitFlush) w.complete('PUT_OK', false);
      this.requestFlush();
    } else {
      this.persisted(job, this.flushed >= job.logicalEnd);
    }
    this.pump();
  }

  private persisted(job: WriteJob<E>, flushed: boolean): void {
    try {
      this.onPersisted(job.entries, job.logicalEnd);
    } catch (err) {
      this.options.logger.error(`Dispatch failed: ${(err as Error).message}`, (err as Error).stack, CONTEXT);
    }
    for (const w of job.waiters) {
      if (this.options.flushDiskType === 'SYNC' && !w.waitFlush) continue;
      w.complete(job.timedOut ? 'FLUSH_DISK_TIMEOUT' : 'PUT_OK', flushed);
    }
  }

  private onWriteFailed(job: WriteJob<E>, err: Error): void {
    this.writing = false;
    this.failure = err;
    this.options.logger.error(`Write to ${job.segment.path} failed, the store stops accepting messages: ${err.message}`, err.stack, CONTEXT);
    const error = new StoreUnavailableError(`Writing the commit log failed: ${err.message}`, 'WRITE_FAILED', { cause: err });
    const jobs = [job, ...this.queue.splice(0), ...(this.openJob ? [this.openJob] : [])];
    this.openJob = undefined;
    for (const j of jobs) for (const w of j.waiters) w.fail(error);
    this.notifyIdle();
  }

  // ------------------------------------------------------------------------------------------ flush

  /** Start an fdatasync of everything written so far unless one is running (then another follows it). */
  requestFlush(): void {
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    if (this.written <= this.flushed && this.awaitingFlush.length === 0) return;
    this.flushing = this.flushOnce().finally(() => {
      this.flushing = undefined;
      if (this.flushAgain) {
        this.flushAgain = false;
        this.requestFlush();
      } else if (this.awaitingFlush.length === 0 && !this.writing) {
        this.notifyIdle();
      }
    });
  }

  private async flushOnce(): Promise<void> {
    const target = this.written;
    const segments = [...this.dirty];
    this.dirty.clear();
    let timer: NodeJS.Timeout | undefined;
    if (this.options.flushDiskType === 'SYNC' && this.awaitingFlush.length > 0) {
      timer = setTimeout(() => {
        for (const job of this.awaitingFlush) {
          if (job.logicalEnd > target || job.timedOut) continue;
          job.timedOut = true;
          for (const w of job.waiters) if (w.waitFlush) w.complete('FLUSH_DISK_TIMEOUT', false);
        }
      }, this.options.syncFlushTimeoutMs);
      timer.unref();
    }
    try {
      for (const segment of segments) {
        await segment.datasync();
        this.fsyncCount++;
      }
    } catch (err) {
      // after a failed fsync the page cache state is unknown (fsyncgate): stop taking writes
      this.failure = err as Error;
      this.options.logger.error(`fdatasync of the commit log failed, the store stops accepting messages: ${(err as Error).message}`, (err as Error).stack, CONTEXT);
      const error = new StoreUnavailableError(`Flushing the commit log failed: ${(err as Error).message}`, 'WRITE_FAILED', { cause: err });
      for (const job of this.awaitingFlush.splice(0)) for (const w of job.waiters) w.fail(error);
      return;
    } finally {
      if (timer) clearTimeout(timer);
    }
    if (target > this.flushed) this.flushed = target;
    while (this.awaitingFlush.length > 0 && this.awaitingFlush[0]!.logicalEnd <= this.flushed) {
      this.persisted(this.awaitingFlush.shift()!, true);
    }
  }

  /** fdatasync everything written so far (the checkpoint service calls it before recording the flushed offset). */
  async flush(): Promise<void> {
    const target = this.written;
    while (this.flushed < target && !this.failure) {
      if (!this.flushing) this.requestFlush();
      const running = this.flushing;
      if (!running) return;
      await running;
    }
  }

  /** Resolves when every appended byte is written, flushed and dispatched. */
  async quiesce(): Promise<void> {
    for (;;) {
      if (this.failure) return;
      if (this.writing || this.queue.length > 0 || this.openJob || this.scheduled) {
        await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
        continue;
      }
      if (this.written > this.flushed || this.awaitingFlush.length > 0 || this.flushing) {
        if (!this.flushing) this.requestFlush();
        await this.flushing;
        continue;
      }
      return;
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    if (waiters.length === 0) return;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  // ------------------------------------------------------------------------------------------ read

  /**
   * A copy of the bytes `[offset, offset + size)` (from the write cache or the file); undefined when the file was
   * deleted or the range is not fully written.
   */
  async read(offset: number, size: number): Promise<Buffer | undefined> {
    const out = Buffer.allocUnsafe(size);
    if (this.cache.copyOut(offset, size, out, 0)) return out;
    if (offset + size > this.written) return undefined;
    const segment = this.segments.find(offset);
    if (!segment || offset + size > segment.fileEndOffset) return undefined;
    try {
      const n = await segment.read(out, 0, size, offset - segment.fileFromOffset);
      return n === size ? out : undefined;
    } catch {
      return undefined;
    }
  }

  /** A copy of the record starting at `offset`, whatever its size (VIEW_MESSAGE_BY_ID, transaction checks). */
  async readRecord(offset: number): Promise<Buffer | undefined> {
    if (offset < this.minOffset || offset + 8 > this.written) return undefined;
    const head = await this.read(offset, 8);
    if (!head) return undefined;
    const size = head.readInt32BE(0);
    if (size < 8 || size > this.maxAppendSize + END_FILE_MIN_BLANK_LENGTH) return undefined;
    return this.read(offset, size);
  }

  /**
   * Copy the records at `offsets[i]` (`sizes[i]` bytes each) back to back into one new buffer. `positions[i]` is
   * where record i starts in `body`, or -1 when it could not be read (its file was deleted). Cached records are
   * copied before the first await (cache chunks are recycled); neighbouring uncached records in one file are
   * fetched with a single read.
   */
  async readMany(offsets: readonly number[], sizes: readonly number[]): Promise<{ body: Buffer; positions: number[] }> {
    let total = 0;
    const positions = new Array<number>(offsets.length);
    for (let i = 0; i < offsets.length; i++) {
      positions[i] = total;
      total += sizes[i]!;
    }
    const body = Buffer.allocUnsafe(total);
    const uncached: number[] = [];
    for (let i = 0; i < offsets.length; i++) {
      if (!this.cache.copyOut(offsets[i]!, sizes[i]!, body, positions[i]!)) uncached.push(i);
    }
    if (uncached.length === 0) return { body, positions };
    const reads: Promise<void>[] = [];
    let u = 0;
    while (u < uncached.length) {
      const first = uncached[u]!;
      const start = offsets[first]!;
      const segment = this.segments.find(start);
      let end = start + sizes[first]!;
      let adjacent = true;
      const group = [first];
      u++;
      while (u < uncached.length && segment) {
        const k = uncached[u]!;
        const o = offsets[k]!;
        if (o < end || o + sizes[k]! > segment.fileEndOffset || o + sizes[k]! - start > MAX_MERGED_READ) break;
        if (o !== end || k !== group[group.length - 1]! + 1) adjacent = false;
        end = o + sizes[k]!;
        group.push(k);
        u++;
      }
      if (!segment || end > segment.fileEndOffset || end > this.written) {
        for (const k of group) positions[k] = -1;
        continue;
      }
      const filePos = start - segment.fileFromOffset;
      const len = end - start;
      reads.push(
        (async () => {
          let n = 0;
          let span: Buffer;
          try {
            if (adjacent) {
              // the records are back to back on disk and in `body`: read them in place
              span = body.subarray(positions[first]!, positions[first]! + len);
              n = await segment.read(span, 0, len, filePos);
            } else {
              span = len > 64 * 1024 ? (this.spanPool.pop() ?? Buffer.allocUnsafeSlow(MAX_MERGED_READ)) : Buffer.allocUnsafe(len);
              n = await segment.read(span, 0, len, filePos);
            }
          } catch {
            n = 0;
            span = body;
          }
          for (const k of group) {
            const from = offsets[k]! - start;
            if (from + sizes[k]! > n) positions[k] = -1;
            else if (!adjacent) span.copy(body, positions[k]!, from, from + sizes[k]!);
          }
          if (span.length === MAX_MERGED_READ && span !== body && this.spanPool.length < SPAN_POOL_MAX) this.spanPool.push(span);
        })(),
      );
    }
    await Promise.all(reads);
    return { body, positions };
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  /** Delete the oldest file (retention); never the one being written. */
  deleteOldestSegment(): SegmentFile | undefined {
    const first = this.segments.first;
    if (!first || first === this.active || this.segments.segments.length <= 1) return undefined;
    if (first.fileEndOffset > this.written) return undefined;
    return this.segments.removeFirst();
  }

  stop(): void {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** Fail every pending append (the store is going away without flushing). */
  abort(error: Error): void {
    this.stop();
    this.failure = error;
    const jobs = [...this.queue.splice(0), ...(this.openJob ? [this.openJob] : []), ...this.awaitingFlush.splice(0)];
    this.openJob = undefined;
    for (const j of jobs) for (const w of j.waiters) w.fail(error);
    this.notifyIdle();
  }

  close(): void {
    this.stop();
    this.segments.close();
    this.cache.clear();
  }
}
