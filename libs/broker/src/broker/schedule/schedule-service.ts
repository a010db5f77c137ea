/**
 * Delivery of delay-level messages (`ScheduleMessageService`): one worker per level reads its SCHEDULE_TOPIC_XXXX
 * queue in order from the level's offset; a message whose deliver time (the consume-queue tags code) has come is
 * put again in its real topic and queue, and the offset advances. Each queue is in deliver-time order (one delay,
 * increasing store times), so a worker sleeps exactly until its head is due, and a worker with an empty queue wakes
 * when the store dispatches a new message into it.
 *
 * Offsets go to delayOffset.json every `persistIntervalMs` and on stop, always after the store has flushed the
 * messages already delivered: a clean restart neither loses nor repeats a message; after a crash, the messages
 * delivered since the last write (at most `persistIntervalMs`) are delivered again.
 */
import { MessageConst, decodeStoredMessage, type MessageExt } from '@app/rocketmq/protocol';
import type { BrokerContext, BrokerService, InternalMessage } from '../broker-context.js';
import { TRANS_HALF_TOPIC } from '../transaction/transaction-topics.js';
import { DelayLevels, MIN_TIMESTAMP_TAGS_CODE, SCHEDULE_TOPIC, levelOfQueueId, queueIdOfLevel } from './delay-levels.js';
import { DelayOffsetTable, delayOffsetPath } from './delay-offset-table.js';
import { copyOfStored, integerProperty } from './stored-copy.js';

export interface ScheduleServiceOptions {
  /** Messages a level delivers before yielding to the event loop, default 64. */
  batchSize?: number;
  /** delayOffset.json write period (`flushDelayOffsetInterval`), default 1000 ms (Apache: 10 s). */
  persistIntervalMs?: number;
  /** Retry delay after a failed put (`DELAY_FOR_A_WHILE`), default 100 ms. */
  retryDelayMs?: number;
  /** Retry delay after an unexpected error (`DELAY_FOR_A_PERIOD`), default 10 s. */
  errorDelayMs?: number;
  /** Poll period of an empty queue (new messages also wake it), default 1000 ms. */
  idlePollMs?: number;
  /** delayOffset.json location, default `<storePathRootDir>/config/delayOffset.json`. */
  offsetFile?: string;
  now?: () => number;
}

/**
 * `messageTimeUp`: the message to its real topic and queue. Its properties stay as they were stored, DELAY,
 * REAL_TOPIC, REAL_QID and WAIT included: Apache (4.9 and 5.x) clears them from the property map after it has
 * already serialised that map, so what consumers receive keeps them (checked against both). The copy is put
 * without hooks, so DELAY does not schedule it again.
 */
export function restoreDelayedMessage(msg: MessageExt): InternalMessage | { error: string } {
  const realTopic = msg.properties[MessageConst.REAL_TOPIC];
  const realQueueId = integerProperty(msg.properties[MessageConst.REAL_QID]);
  if (!realTopic || realQueueId === undefined || realQueueId < 0) return { error: 'it has no REAL_TOPIC / REAL_QID' };
  if (realTopic === TRANS_HALF_TOPIC) return { error: `its real topic is ${TRANS_HALF_TOPIC}` };
  return copyOfStored(msg, realTopic, realQueueId);
}

class LevelWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private idle = false;

  constructor(
    private readonly service: ScheduleService,
    readonly level: number,
    readonly delayMs: number,
    public offset: number,
  ) {}

  get queueId(): number {
    return queueIdOfLevel(this.level);
  }

  schedule(ms: number): void {
    if (this.service.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, Math.max(0, ms));
    this.timer.unref();
  }

  /** A message entered the queue: an idle worker looks at it now. */
  wake(): void {
    if (this.idle) this.schedule(0);
  }

  private kick(): void {
    if (this.running || this.service.stopped) return;
    this.running = this.service
      .deliverDue(this)
      .then(
        (next) => {
          this.idle = next.idle;
          return next.waitMs;
        },
        (err: Error) => {
          this.service.ctx.logger.error(`Delivering delay level ${this.level} failed: ${err.message}`, err.stack, 'ScheduleService');
          return this.service.errorDelayMs;
        },
      )
      .then((waitMs) => {
        this.running = undefined;
        this.schedule(waitMs);
      });
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

export class ScheduleService implements BrokerService {
  readonly table: DelayOffsetTable;
  stopped = true;
  readonly errorDelayMs: number;
  private readonly workers: LevelWorker[] = [];
  private readonly batchSize: number;
  private readonly persistIntervalMs: number;
  private readonly retryDelayMs: number;
  private readonly idlePollMs: number;
  private readonly now: () => number;
  private persistTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    readonly ctx: BrokerContext,
    readonly levels: DelayLevels = new DelayLevels(ctx.config.messageDelayLevel),
    options: ScheduleServiceOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 64;
    this.persistIntervalMs = options.persistIntervalMs ?? 1000;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.errorDelayMs = options.errorDelayMs ?? 10_000;
    this.idlePollMs = options.idlePollMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.table = new DelayOffsetTable(options.offsetFile ?? delayOffsetPath(ctx.config.storePathRootDir), ctx.logger);
  }

  /** Next queue offset each level will deliver (level → offset). */
  offsets(): Map<number, number> {
    return new Map(this.workers.map((w) => [w.level, w.offset]));
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.table.load();
    const store = this.ctx.store;
    this.workers.length = 0;
    for (let level = 1; level <= this.levels.maxLevel; level++) {
      const queueId = queueIdOfLevel(level);
      const saved = this.table.get(level) ?? 0;
      // correctDelayOffset: clamp to what the queue holds
      const min = store.minOffset(SCHEDULE_TOPIC, queueId);
      const max = store.maxOffset(SCHEDULE_TOPIC, queueId);
      const offset = Math.min(Math.max(saved, min), max);
      if (offset !== saved) this.ctx.logger.warn(`Delay level ${level} offset ${saved} is outside [${min}, ${max}]; using ${offset}`, 'ScheduleService');
      this.workers.push(new LevelWorker(this, level, this.levels.delayOf(level), offset));
    }
    this.unsubscribe = store.onDispatched((m) => {
      if (m.topic === SCHEDULE_TOPIC) this.workers[m.queueId]?.wake();
    });
    for (const worker of this.workers) worker.schedule(0);
    this.persistTimer = setInterval(() => void this.persist().catch(() => {}), this.persistIntervalMs);
    this.persistTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    if (this.persistTimer) clearInterval(this.persistTimer);
    await Promise.all(this.workers.map((w) => w.stop()));
    await this.persist();
  }

  /** Writes delayOffset.json once the store has flushed what was delivered so far. */
  async persist(): Promise<void> {
    for (const w of this.workers) this.table.set(w.level, w.offset);
    const snapshot = this.table.snapshot();
    if (this.ctx.store.isOpen) await this.ctx.store.runCheckpoint();
    try {
      await this.table.persist(snapshot);
    } catch (err) {
      this.ctx.logger.error(`Cannot write delayOffset.json: ${(err as Error).message}`, (err as Error).stack, 'ScheduleService');
      throw err;
    }
  }

  /** `executeOnTimeUp`: deliver the due head of a level's queue; returns when to look again. */
  async deliverDue(worker: LevelWorker): Promise<{ waitMs: number; idle: boolean }> {
    const store = this.ctx.store;
    const queueId = worker.queueId;
    let delivered = 0;
    while (!this.stopped) {
      const min = store.minOffset(SCHEDULE_TOPIC, queueId);
      const max = store.maxOffset(SCHEDULE_TOPIC, queueId);
      if (worker.offset < min) {
        this.ctx.logger.warn(`Delay level ${worker.level}: offset ${worker.offset} was removed, moving to ${min}`, 'ScheduleService');
        worker.offset = min;
      }
      if (worker.offset >= max) return { waitMs: this.idlePollMs, idle: true };
      if (delivered >= this.batchSize) return { waitMs: 0, idle: false };

      const entry = await store.lookup(SCHEDULE_TOPIC, queueId, worker.offset);
      if (!entry || entry.size <= 0) {
        worker.offset++;
        continue;
      }
      const now = this.now();
      let deliverAt = entry.tagsCode;
      if (deliverAt < MIN_TIMESTAMP_TAGS_CODE) {
        // the store was opened without createScheduleTagsCode: derive the deliver time from the store time
        const storeTime = await store.messageStoreTime(SCHEDULE_TOPIC, queueId, worker.offset);
        deliverAt = storeTime < 0 ? now : this.levels.deliverTimestamp(levelOfQueueId(queueId), storeTime);
      }
      // correctDeliverTimestamp: more than one level delay ahead means the clock went back; deliver now
      if (deliverAt > now + worker.delayMs) deliverAt = now;
      if (deliverAt > now) return { waitMs: deliverAt - now, idle: false };

      const record = await store.messageAt(entry.commitLogOffset);
      if (!record) {
        this.ctx.logger.warn(`Delay level ${worker.level}: message at commit-log offset ${entry.commitLogOffset} is gone, skipped`, 'ScheduleService');
        worker.offset++;
        continue;
      }
      const restored = restoreDelayedMessage(decodeStoredMessage(record, 0, { decompress: false }));
      if ('error' in restored) {
        this.ctx.logger.error(`Delay level ${worker.level}: message at queue offset ${worker.offset} discarded: ${restored.error}`, undefined, 'ScheduleService');
        worker.offset++;
        continue;
      }
      try {
        await this.ctx.putInternal(restored, { skipHooks: true });
      } catch (err) {
        this.ctx.logger.warn(
          `Delay level ${worker.level}: putting the message at queue offset ${worker.offset} back to ${restored.topic} failed (${(err as Error).message}); retrying`,
          'ScheduleService',
        );
        return { waitMs: this.retryDelayMs, idle: false };
      }
      worker.offset++;
      delivered++;
    }
    return { waitMs: 0, idle: false };
  }
}
