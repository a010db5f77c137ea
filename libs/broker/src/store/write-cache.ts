/**
 * The most recent commit-log bytes, kept in memory so that pulls near the head of the log never touch the disk.
 *
 * Records are encoded straight into fixed-size chunks, and the writer writes slices of the same chunks, so the
 * cache costs no copy on the append path. A chunk covers one contiguous range of global offsets; a segment roll
 * starts a new one. When the chunks exceed `maxBytes` the oldest fully written chunk is recycled for new appends:
 * the cache is a fixed pool of buffers (no allocation churn, bounded RSS). Because chunks are reused, readers
 * must copy what they find (`copyOut`) before yielding to the event loop.
 */

export interface CacheChunk {
  readonly buf: Buffer;
  /** Global offset of `buf[0]`. */
  readonly start: number;
  /** Global offset past the last encoded byte. */
  end: number;
}

export class WriteCache {
  private readonly chunks: CacheChunk[] = [];
  private readonly free: Buffer[] = [];
  private bytes = 0;
  private current: CacheChunk | undefined;

  constructor(
    private readonly chunkSize: number,
    private readonly maxBytes: number,
  ) {}

  /** The chunk to encode `size` bytes at global `offset` into (a new one unless the current one continues there with room). */
  chunkFor(offset: number, size: number): CacheChunk {
    const c = this.current;
    if (c && c.end === offset && offset - c.start + size <= c.buf.length) return c;
    if (size > this.chunkSize) throw new RangeError(`A ${size}-byte append does not fit a ${this.chunkSize}-byte cache chunk`);
    const buf = this.free.pop() ?? Buffer.allocUnsafeSlow(this.chunkSize);
    const chunk: CacheChunk = { buf, start: offset, end: offset };
    this.chunks.push(chunk);
    this.bytes += this.chunkSize;
    this.current = chunk;
    return chunk;
  }

  /** Copy `[offset, offset + size)` into `target` at `targetPos` when it is cached; returns whether it was. */
  copyOut(offset: number, size: number, target: Buffer, targetPos: number): boolean {
    const view = this.find(offset, size);
    if (!view) return false;
    view.copy(target, targetPos);
    return true;
  }

  /** A view of `[offset, offset + size)` when it is cached; valid only until the next append (chunks are reused). */
  find(offset: number, size: number): Buffer | undefined {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = chunks[mid]!;
      if (offset < c.start) hi = mid - 1;
      else if (offset >= c.end) lo = mid + 1;
      else {
        if (offset + size > c.end) return undefined;
        const pos = offset - c.start;
        return c.buf.subarray(pos, pos + size);
      }
    }
    return undefined;
  }

  /** Lowest cached offset (or undefined when empty). */
  get lowestOffset(): number | undefined {
    return this.chunks[0]?.start;
  }

  /** Drop the oldest chunks while over budget; only chunks entirely below `writtenOffset` go. */
  evict(writtenOffset: number): void {
    while (this.bytes > this.maxBytes && this.chunks.length > 1) {
      const oldest = this.chunks[0]!;
      if (oldest.end > writtenOffset || oldest === this.current) return;
      this.chunks.shift();
      this.bytes -= oldest.buf.length;
      this.free.push(oldest.buf);
    }
  }

  /** Forget everything at and after `offset` (truncation) or everything. */
  clear(): void {
    this.chunks.length = 0;
    this.bytes = 0;
    this.current = undefined;
  }

  get cachedBytes(): number {
    return this.bytes;
  }
}
