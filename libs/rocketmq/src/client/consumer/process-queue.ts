/**
 * The client-side cache of one assigned queue (Java's ProcessQueue): pulled messages not yet
 * consumed, sorted by queue offset, with the counters flow control reads, the dropped flag set
 * when the queue is taken away, and the lock state of orderly consumption.
 */
import { createProcessQueueInfo, type ProcessQueueInfo } from '../../protocol/body/consumer-running-info.js';
import { MessageConst } from '../../protocol/message/message-const.js';
import type { MessageExt } from '../../protocol/message/message.js';

/** The client treats its broker lock as expired after this long without renewal (broker: 60 s). */
export const REBALANCE_LOCK_MAX_LIVE_TIME_MS = 30_000;
/** A queue not pulled for this long is considered stuck and re-created by the rebalance. */
export const PULL_MAX_IDLE_TIME_MS = 120_000;

export class ProcessQueue {
  /** Cached offsets in ascending order, and the messages by offset. */
  private readonly offsets: number[] = [];
  private readonly messages = new Map<number, MessageExt>();
  /** Orderly: the messages handed to the handler, not yet committed. */
  private readonly consumingOrderly = new Map<number, MessageExt>();
  private count = 0;
  private bytes = 0;
  private queueOffsetMax = -1;
  /** Messages behind the broker's max offset, as of the last pull (Java's msgAccCnt). */
  lag = 0;
  /** The queue's max offset on the broker at the last pull. */
  brokerMaxOffset = 0;
  dropped = false;
  locked = false;
  lastLockTimestamp = Date.now();
  lastPullTimestamp = Date.now();
  lastConsumeTimestamp = Date.now();
  tryUnlockTimes = 0;
  /** Orderly: a consume loop is running or scheduled for this queue. */
  consuming = false;

  /** Messages cached (including the ones being consumed orderly). */
  get cachedCount(): number {
    return this.count;
  }

  /** Body bytes cached. */
  get cachedBytes(): number {
    return this.bytes;
  }

  get maxOffset(): number {
    return this.queueOffsetMax;
  }

  isLockExpired(now = Date.now()): boolean {
    return now - this.lastLockTimestamp > REBALANCE_LOCK_MAX_LIVE_TIME_MS;
  }

  isPullExpired(now = Date.now()): boolean {
    return now - this.lastPullTimestamp > PULL_MAX_IDLE_TIME_MS;
  }

  /**
   * Adds pulled messages (duplicates by offset are ignored). Returns true when an orderly
   * consume loop should be started for the queue (messages are there and none is running).
   */
  putMessages(msgs: readonly MessageExt[]): boolean {
    for (const msg of msgs) {
      if (this.messages.has(msg.queueOffset) || this.consumingOrderly.has(msg.queueOffset)) continue;
      this.insert(msg);
      this.count += 1;
      this.bytes += msg.body.length;
      this.queueOffsetMax = Math.max(this.queueOffsetMax, msg.queueOffset);
    }
    const last = msgs[msgs.length - 1];
    const max = last?.getProperty(MessageConst.MAX_OFFSET);
    if (last && max !== undefined) {
      const behind = Number(max) - last.queueOffset;
      if (behind > 0) this.lag = behind;
    }
    if (this.messages.size > 0 && !this.consuming) {
      this.consuming = true;
      return true;
    }
    return false;
  }

  private insert(msg: MessageExt): void {
    const offset = msg.queueOffset;
    this.messages.set(offset, msg);
    const offsets = this.offsets;
    if (offsets.length === 0 || offsets[offsets.length - 1]! < offset) {
      offsets.push(offset);
      return;
    }
    offsets.splice(lowerBound(offsets, offset), 0, offset);
  }

  private take(offset: number): MessageExt | undefined {
    const msg = this.messages.get(offset);
    if (!msg) return undefined;
    this.messages.delete(offset);
    const i = lowerBound(this.offsets, offset);
    if (this.offsets[i] === offset) this.offsets.splice(i, 1);
    return msg;
  }

  /** Distance between the lowest and the highest cached offset (concurrent flow control). */
  maxSpan(): number {
    return this.offsets.length === 0 ? 0 : this.offsets[this.offsets.length - 1]! - this.offsets[0]!;
  }

  /**
   * Removes consumed messages and returns the offset that can be committed: the lowest offset
   * still cached, or the highest ever cached + 1 when none is left; −1 if the cache was empty.
   */
  removeMessages(msgs: readonly MessageExt[]): number {
    this.lastConsumeTimestamp = Date.now();
    if (this.messages.size === 0) return -1;
    for (const msg of msgs) {
      const removed = this.take(msg.queueOffset);
      if (removed) {
        this.count -= 1;
        this.bytes -= removed.body.length;
      }
    }
    if (this.count === 0) this.bytes = 0;
    return this.offsets.length > 0 ? this.offsets[0]! : this.queueOffsetMax + 1;
  }

  /** The offset to commit now (lowest cached, or max + 1), −1 when nothing was ever cached. */
  committableOffset(): number {
    if (this.offsets.length > 0) return this.offsets[0]!;
    return this.queueOffsetMax >= 0 ? this.queueOffsetMax + 1 : -1;
  }

  hasCachedMessages(): boolean {
    return this.messages.size > 0;
  }

  has(offset: number): boolean {
    return this.messages.has(offset);
  }

  // -- orderly ---------------------------------------------------------------------------------

  /** Hands out up to `batchSize` of the lowest messages; clears `consuming` when there are none. */
  takeMessages(batchSize: number): MessageExt[] {
    this.lastConsumeTimestamp = Date.now();
    const out: MessageExt[] = [];
    while (out.length < batchSize && this.offsets.length > 0) {
      const msg = this.take(this.offsets[0]!)!;
      this.consumingOrderly.set(msg.queueOffset, msg);
      out.push(msg);
    }
    if (out.length === 0) this.consuming = false;
    return out;
  }

  /** Orderly success: forgets the handed-out messages; returns the offset to commit or −1. */
  commit(): number {
    let last = -1;
    for (const [offset, msg] of this.consumingOrderly) {
      last = Math.max(last, offset);
      this.count -= 1;
      this.bytes -= msg.body.length;
    }
    if (this.count === 0) this.bytes = 0;
    this.consumingOrderly.clear();
    return last >= 0 ? last + 1 : -1;
  }

  /** Orderly: puts all handed-out messages back to be consumed again. */
  rollback(): void {
    for (const msg of this.consumingOrderly.values()) this.insert(msg);
    this.consumingOrderly.clear();
  }

  /** Orderly: puts these handed-out messages back (a suspended batch). */
  makeMessagesToConsumeAgain(msgs: readonly MessageExt[]): void {
    for (const msg of msgs) {
      this.consumingOrderly.delete(msg.queueOffset);
      if (!this.messages.has(msg.queueOffset)) this.insert(msg);
    }
  }

  clear(): void {
    this.offsets.length = 0;
    this.messages.clear();
    this.consumingOrderly.clear();
    this.count = 0;
    this.bytes = 0;
    this.queueOffsetMax = -1;
  }

  /** For GET_CONSUMER_RUNNING_INFO. */
  info(commitOffset: number): ProcessQueueInfo {
    return createProcessQueueInfo({
      commitOffset,
      cachedMsgMinOffset: this.offsets[0] ?? 0,
      cachedMsgMaxOffset: this.offsets[this.offsets.length - 1] ?? 0,
      cachedMsgCount: this.messages.size,
      cachedMsgSizeInMiB: Math.floor(this.bytes / (1024 * 1024)),
      locked: this.locked,
      tryUnlockTimes: this.tryUnlockTimes,
      lastLockTimestamp: this.lastLockTimestamp,
      droped: this.dropped,
      lastPullTimestamp: this.lastPullTimestamp,
      lastConsumeTimestamp: this.lastConsumeTimestamp,
    });
  }
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
