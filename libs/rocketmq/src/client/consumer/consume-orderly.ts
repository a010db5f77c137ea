/**
 * Orderly consumption (Java's ConsumeMessageOrderlyService): each queue is consumed by one loop
 * at a time, in offset order, and only while this client holds the queue's broker lock
 * (clustering). A failed batch is put back and retried in place after a pause, so later
 * messages of the queue wait; once a message reached `maxReconsumeTimes` it is sent to the DLQ
 * (through the retry topic) and the queue moves on.
 */
import type { MessageExt } from '../../protocol/message/message.js';
import { messageQueueToString, type MessageQueue } from '../../protocol/message/message-queue.js';
import type { AsyncPool } from './async-pool.js';
import type { ConsumeHost } from './consume-host.js';
import type { ConsumeOutcome } from './consume-types.js';
import type { ProcessQueue } from './process-queue.js';

const LOCK_LATER_DELAY_MS = 100;

export class ConsumeOrderlyService {
  /** Queues with a consume loop running right now. */
  private readonly active = new Set<ProcessQueue>();

  constructor(
    private readonly host: ConsumeHost,
    private readonly pool: AsyncPool,
  ) {}

  /** True while a handler runs for this queue (its lock must not be released). */
  isConsuming(pq: ProcessQueue): boolean {
    return this.active.has(pq);
  }

  /** Called after a pull cached messages; `dispatch` is ProcessQueue.putMessages' answer. */
  submit(pq: ProcessQueue, mq: MessageQueue, dispatch: boolean): void {
    if (dispatch) this.schedule(pq, mq, 0);
  }

  private schedule(pq: ProcessQueue, mq: MessageQueue, delayMs: number): void {
    const run = () => {
      void this.run(pq, mq).catch((error: Error) => {
        this.host.logger.error(`orderly consumption of ${messageQueueToString(mq)} failed: ${error.message}`, error.stack, 'ConsumeOrderly');
      });
    };
    if (delayMs <= 0) queueMicrotask(run);
    else this.host.later(delayMs, run);
  }

  private lockLaterAndReconsume(pq: ProcessQueue, mq: MessageQueue, delayMs: number): void {
    this.host.later(delayMs, () => {
      void this.host.rebalanceImpl.lock(mq).then((locked) => {
        if (!pq.dropped) this.schedule(pq, mq, locked ? 10 : 3000);
      });
    });
  }

  private async run(pq: ProcessQueue, mq: MessageQueue): Promise<void> {
    const { host } = this;
    if (pq.dropped || !host.isRunning() || this.active.has(pq)) return;
    const clustering = host.config.messageModel === 'CLUSTERING';
    if (clustering && (!pq.locked || pq.isLockExpired())) {
      this.lockLaterAndReconsume(pq, mq, LOCK_LATER_DELAY_MS);
      return;
    }
    this.active.add(pq);
    try {
      const began = Date.now();
      for (;;) {
        if (pq.dropped || !host.isRunning()) return;
        if (clustering && (!pq.locked || pq.isLockExpired())) {
          this.lockLaterAndReconsume(pq, mq, 10);
          return;
        }
        if (Date.now() - began > host.config.maxTimeConsumeContinuouslyMs) {
          this.schedule(pq, mq, 10);
          return;
        }
        const batch = pq.takeMessages(host.config.consumeMessageBatchMaxSize);
        if (batch.length === 0) return; // `consuming` is cleared: the next pull restarts the loop
        const outcome = await this.pool.run(() => host.invokeHandler(batch, mq, true));
        host.stats.consumed(mq.topic, batch.length - outcome.failed.length, outcome.failed.length, outcome.elapsedMs);
        if (!(await this.processResult(batch, outcome, pq, mq))) return;
      }
    } finally {
      this.active.delete(pq);
    }
  }

  /** Returns false when the loop must stop (the queue is suspended). */
  private async processResult(batch: MessageExt[], outcome: ConsumeOutcome, pq: ProcessQueue, mq: MessageQueue): Promise<boolean> {
    const { host } = this;
    let commitOffset = -1;
    let keepGoing = true;
    if (outcome.failed.length === 0) {
      commitOffset = pq.commit();
    } else if (await this.checkReconsumeTimes(outcome.failed)) {
      // Put the failed messages back; the ones before them succeeded and are committed.
      pq.makeMessagesToConsumeAgain(outcome.failed);
      if (outcome.failed.length < batch.length) commitOffset = pq.commit();
      this.schedule(pq, mq, outcome.context.suspendCurrentQueueTimeMillis);
      keepGoing = false;
    } else {
      commitOffset = pq.commit();
    }
    if (commitOffset >= 0 && !pq.dropped) host.offsetStore.updateOffset(mq, commitOffset, false);
    return keepGoing;
  }

  /** True when the queue must pause: some message stays to be retried locally. */
  private async checkReconsumeTimes(failed: readonly MessageExt[]): Promise<boolean> {
    const max = this.host.maxReconsumeTimes();
    let suspend = false;
    for (const msg of failed) {
      if (msg.reconsumeTimes >= max) {
        if (!(await this.host.sendToDeadLetterQueue(msg))) {
          suspend = true;
          msg.reconsumeTimes += 1;
        }
      } else {
        suspend = true;
        msg.reconsumeTimes += 1;
      }
    }
    return suspend;
  }
}
