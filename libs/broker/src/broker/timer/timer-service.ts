/**
 * Delivery of 5.x timer messages (an in-memory stand-in for `TimerMessageStore`'s wheel and log): the service reads
 * `rmq_sys_wheel_timer` in order, keeps every pending message's key (TIMER_OUT_MS, queue offset) in a heap, and
 * puts each message to its real topic and queue once `TIMER_OUT_MS + timerPrecisionMs` has come (Apache dequeues
 * a slot when the wheel's write time has passed it). TIMER_DEL_UNIQKEY messages cancel the message of the same
 * real topic, UNIQ_KEY and deliver time.
 *
 * On start the heap is rebuilt by reading the timer queue from the checkpoint (timer-checkpoint.ts), skipping what
 * was delivered. The checkpoint is written every `persistIntervalMs` and on stop, after the store has flushed the
 * deliveries it counts: a clean restart neither loses nor repeats a message; after a crash, messages delivered
 * since the last checkpoint (at most `persistIntervalMs`, 1 s by default) are delivered again. Memory: one small
 * object per pending timer message.
 */
import { MessageConst, decodeStoredMessage, type MessageExt } from '@app/rocketmq/protocol';
import type { BrokerContext, BrokerService, InternalMessage } from '../broker-context.js';
import { copyOfStored, integerProperty } from '../schedule/stored-copy.js';
import { TimerCheckpoint, timerCheckpointPath, type TimerCheckpointState } from './timer-checkpoint.js';
import { MinHeap } from './timer-heap.js';
import { TIMER_TOPIC, timerDeleteKey } from './timer-topic.js';

export interface TimerServiceOptions {
  /** Timer-queue messages read per round, default 256. */
  readBatch?: number;
  /** Due messages put per round, default 64. */
  deliverBatch?: number;
  persistIntervalMs?: number;
  retryDelayMs?: number;
  idlePollMs?: number;
  checkpointFile?: string;
  now?: () => number;
}

interface PendingTimer {
  timerOutMs: number;
  queueOffset: number;
  commitLogOffset: number;
  /** Set for TIMER_DEL_UNIQKEY messages: the key they cancel. */
  cancels?: string;
}

function keyLess(a: { timerOutMs: number; queueOffset: number }, b: { timerOutMs: number; queueOffset: number }): boolean {
  return a.timerOutMs < b.timerOutMs || (a.timerOutMs === b.timerOutMs && a.queueOffset < b.queueOffset);
}

function keyAtMost(p: PendingTimer, timerOutMs: number, queueOffset: number): boolean {
  return p.timerOutMs < timerOutMs || (p.timerOutMs === timerOutMs && p.queueOffset <= queueOffset);
}

/**
 * `TimerMessageStore.convertMessage`: to the real topic and queue, with the enqueue and dequeue times added. REAL_TOPIC,
 * REAL_QID and WAIT stay as stored, as consumers of Apache 5.x receive them.
 */
export function restoreTimerMessage(msg: MessageExt, now: number): InternalMessage | { error: string } {
  const realTopic = msg.properties[MessageConst.REAL_TOPIC];
  const realQueueId = integerProperty(msg.properties[MessageConst.REAL_QID]);
  if (!realTopic || realQueueId === undefined || realQueueId < 0) return { error: 'it has no REAL_TOPIC / REAL_QID' };
  const restored = copyOfStored(msg, realTopic, realQueueId);
  const props = restored.properties;
  props[MessageConst.TIMER_ENQUEUE_MS] = String(msg.storeTimestamp);
  props[MessageConst.TIMER_DEQUEUE_MS] = String(now);
  return restored;
}

export class TimerService implements BrokerService {
  private readonly checkpoint: TimerCheckpoint;
  private readonly heap = new MinHeap<PendingTimer>(keyLess);
  private readonly inFlight = new Map<number, PendingTimer>();
  /** delete key → TIMER_OUT_MS of the cancel message. */
  private readonly cancels = new Map<string, number>();
  private readOffset = 0;
  private delivered: { timerOutMs: number; queueOffset: number } | undefined;
  /** What the loaded checkpoint says was delivered in [lowOffset, readOffset). */
  private restored: TimerCheckpointState | undefined;
  private restoredRedo = new Set<number>();
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private persistTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private unsubscribe: (() => void) | undefined;
  private readonly readBatch: number;
  private readonly deliverBatch: number;
  private readonly persistIntervalMs: number;
  private readonly retryDelayMs: number;
  private readonly idlePollMs: number;
  private readonly now: () => number;
  private readonly precisionMs: number;

  constructor(
    private readonly ctx: BrokerContext,
    options: TimerServiceOptions = {},
  ) {
    this.readBatch = options.readBatch ?? 256;
    this.deliverBatch = options.deliverBatch ?? 64;
    this.persistIntervalMs = options.persistIntervalMs ?? 1000;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.idlePollMs = options.idlePollMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.precisionMs = Math.max(1, ctx.config.timerPrecisionMs);
    this.checkpoint = new TimerCheckpoint(options.checkpointFile ?? timerCheckpointPath(ctx.config.storePathRootDir), ctx.logger);
  }

  /** Timer messages read and not yet delivered. */
  get pendingCount(): number {
    return this.heap.size + this.inFlight.size;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const store = this.ctx.store;
    const min = store.minOffset(TIMER_TOPIC, 0);
    const max = store.maxOffset(TIMER_TOPIC, 0);
    const saved = this.checkpoint.load();
    if (saved) {
      this.restored = saved;
      this.restoredRedo = new Set(saved.redo);
      if (saved.deliveredQueueOffset >= 0) this.delivered = { timerOutMs: saved.deliveredTimerOutMs, queueOffset: saved.deliveredQueueOffset };
    }
    this.readOffset = Math.min(Math.max(saved?.lowOffset ?? 0, min), max);
    this.unsubscribe = store.onDispatched((m) => {
      if (m.topic === TIMER_TOPIC) this.schedule(0);
    });
    this.persistTimer = setInterval(() => void this.persist().catch(() => {}), this.persistIntervalMs);
    this.persistTimer.unref();
    this.schedule(0);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    if (this.persistTimer) clearInterval(this.persistTimer);
    await this.running;
    await this.persist();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.running) {
      if (ms === 0) this.rerun = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.pump().then(
        (waitMs) => this.afterPump(waitMs),
        (err: Error) => {
          this.ctx.logger.error(`Timer delivery failed: ${err.message}`, err.stack, 'TimerService');
          this.afterPump(this.retryDelayMs);
        },
      );
    }, Math.max(0, ms));
    this.timer.unref();
  }

  private afterPump(waitMs: number): void {
    this.running = undefined;
    const again = this.rerun;
    this.rerun = false;
    this.schedule(again ? 0 : waitMs);
  }

  /** One round: read new timer messages, deliver the due ones. Returns when to run again. */
  private async pump(): Promise<number> {
    const moreToRead = await this.readNew();
    // nothing is delivered before the restart scan is through: the old checkpoint must keep its meaning until then
    if (this.restored) return moreToRead ? 0 : this.idlePollMs;
    const deliverWait = await this.deliverDue();
    if (moreToRead) return 0;
    return Math.min(deliverWait, this.idlePollMs);
  }

  private wasDelivered(p: PendingTimer): boolean {
    const r = this.restored;
    if (!r || p.queueOffset >= r.readOffset || p.queueOffset < r.lowOffset) return false;
    if (this.restoredRedo.has(p.queueOffset)) return false;
    return r.deliveredQueueOffset >= 0 && keyAtMost(p, r.deliveredTimerOutMs, r.deliveredQueueOffset);
  }

  /** Reads up to `readBatch` messages from the read offset; true when more are waiting. */
  private async readNew(): Promise<boolean> {
    const store = this.ctx.store;
    const got = await store.getMessages({ topic: TIMER_TOPIC, queueId: 0, offset: this.readOffset, maxCount: this.readBatch, maxBytes: 4 * 1024 * 1024 });
    if (got.status === 'OFFSET_TOO_SMALL' || got.status === 'OFFSET_OVERFLOW_BADLY') {
      this.ctx.logger.warn(`Timer read offset ${this.readOffset} is outside the timer queue (${got.status}); moving to ${got.nextBeginOffset}`, 'TimerService');
      this.readOffset = got.nextBeginOffset;
      return true;
    }
    got.records.forEach((record, i) => {
      const queueOffset = got.queueOffsets[i]!;
      let msg: MessageExt;
      try {
        msg = decodeStoredMessage(record, 0, { decompress: false });
      } catch (err) {
        this.ctx.logger.error(`Timer message at queue offset ${queueOffset} is unreadable, skipped: ${(err as Error).message}`, undefined, 'TimerService');
        return;
      }
      const timerOutMs = integerProperty(msg.properties[MessageConst.TIMER_OUT_MS]) ?? msg.storeTimestamp;
      const pending: PendingTimer = { timerOutMs, queueOffset, commitLogOffset: msg.commitLogOffset };
      const deleteKey = msg.properties[MessageConst.TIMER_DEL_UNIQKEY];
      if (deleteKey !== undefined) pending.cancels = deleteKey;
      if (this.wasDelivered(pending)) return;
      if (pending.cancels !== undefined) this.cancels.set(pending.cancels, timerOutMs);
      this.heap.push(pending);
    });
    if (got.nextBeginOffset > this.readOffset) this.readOffset = got.nextBeginOffset;
    const more = got.status === 'FOUND' && this.readOffset < got.maxOffset;
    if (this.restored && (this.readOffset >= this.restored.readOffset || !more)) {
      this.restored = undefined;
      this.restoredRedo.clear();
    }
    return more;
  }

  /** Puts the due messages (up to `deliverBatch`); returns ms until the next one is due. */
  private async deliverDue(): Promise<number> {
    const now = this.now();
    const batch: PendingTimer[] = [];
    while (batch.length < this.deliverBatch) {
      const head = this.heap.peek();
      if (!head || head.timerOutMs + this.precisionMs > now) break;
      batch.push(this.heap.pop()!);
    }
    for (const p of batch) this.inFlight.set(p.queueOffset, p);
    const results = await Promise.all(batch.map((p) => this.deliverOne(p, now)));
    let failed = false;
    batch.forEach((p, i) => {
      this.inFlight.delete(p.queueOffset);
      if (results[i]) this.markDelivered(p);
      else {
        failed = true;
        this.heap.push(p);
      }
    });
    if (failed) return this.retryDelayMs;
    if (batch.length === this.deliverBatch) return 0;
    const head = this.heap.peek();
    return head ? Math.max(0, head.timerOutMs + this.precisionMs - this.now()) : this.idlePollMs;
  }

  private markDelivered(p: PendingTimer): void {
    if (p.cancels !== undefined && this.cancels.get(p.cancels) === p.timerOutMs) this.cancels.delete(p.cancels);
    if (!this.delivered || keyLess(this.delivered, p)) this.delivered = { timerOutMs: p.timerOutMs, queueOffset: p.queueOffset };
  }

  /** True when the message is done with (delivered, cancelled or unrecoverable); false to retry. */
  private async deliverOne(p: PendingTimer, now: number): Promise<boolean> {
    // a cancel message is done once its slot is; markDelivered forgets it after the whole batch
    if (p.cancels !== undefined) return true;
    const record = await this.ctx.store.messageAt(p.commitLogOffset);
    if (!record) {
      this.ctx.logger.warn(`Timer message at queue offset ${p.queueOffset} is gone from the commit log, skipped`, 'TimerService');
      return true;
    }
    const msg = decodeStoredMessage(record, 0, { decompress: false });
    const realTopic = msg.properties[MessageConst.REAL_TOPIC];
    const uniqKey = msg.properties[MessageConst.UNIQ_KEY];
    if (realTopic && uniqKey) {
      const deleteKey = timerDeleteKey(realTopic, uniqKey);
      if (this.cancels.get(deleteKey) === p.timerOutMs) {
        this.cancels.delete(deleteKey);
        this.ctx.logger.log(`Timer message ${uniqKey} of ${realTopic} was cancelled`, 'TimerService');
        return true;
      }
    }
    const restored = restoreTimerMessage(msg, now);
    if ('error' in restored) {
      this.ctx.logger.error(`Timer message at queue offset ${p.queueOffset} discarded: ${restored.error}`, undefined, 'TimerService');
      return true;
    }
    try {
      await this.ctx.putInternal(restored, { skipHooks: true });
      return true;
    } catch (err) {
      this.ctx.logger.warn(`Putting timer message ${uniqKey ?? p.queueOffset} to ${restored.topic} failed (${(err as Error).message}); retrying`, 'TimerService');
      return false;
    }
  }

  /** The checkpoint as of now (see timer-checkpoint.ts for what it means). */
  snapshot(): TimerCheckpointState {
    const d = this.delivered;
    let low = this.restored ? Math.min(this.restored.lowOffset, this.readOffset) : this.readOffset;
    const redo: number[] = [];
    const consider = (p: PendingTimer) => {
      if (p.queueOffset < low) low = p.queueOffset;
      if (d && keyAtMost(p, d.timerOutMs, d.queueOffset)) redo.push(p.queueOffset);
    };
    for (const p of this.heap.values()) consider(p);
    for (const p of this.inFlight.values()) consider(p);
    // while the restart scan is still running, its not-yet-read part keeps the old checkpoint's meaning
    if (this.restored) for (const o of this.restoredRedo) if (o >= this.readOffset) redo.push(o);
    return {
      readOffset: this.restored ? Math.max(this.restored.readOffset, this.readOffset) : this.readOffset,
      lowOffset: low,
      deliveredTimerOutMs: d?.timerOutMs ?? -1,
      deliveredQueueOffset: d?.queueOffset ?? -1,
      redo: redo.sort((a, b) => a - b),
    };
  }

  async persist(): Promise<void> {
    const state = this.snapshot();
    if (this.ctx.store.isOpen) await this.ctx.store.runCheckpoint();
    try {
      await this.checkpoint.persist(state);
    } catch (err) {
      this.ctx.logger.error(`Cannot write the timer checkpoint: ${(err as Error).message}`, (err as Error).stack, 'TimerService');
      throw err;
    }
  }
}
