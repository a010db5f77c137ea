/**
 * Concurrent consumption (Java's ConsumeMessageConcurrentlyService): pulled messages are cut into
 * batches and handed to the handler through a bounded pool, in any order. A consumed batch is
 * removed from the queue's cache and the cache's lowest remaining offset becomes the committable
 * offset. Failed messages go back to the broker for a delayed retry (clustering); when even that
 * fails they are consumed again locally after 5 s.
 */
import type { MessageExt } from '../../protocol/message/message.js';
import type { MessageQueue } from '../../protocol/message/message-queue.js';
import { messageQueueToString } from '../../protocol/message/message-queue.js';
import type { AsyncPool } from './async-pool.js';
import type { ConsumeHost } from './consume-host.js';
import type { ProcessQueue } from './process-queue.js';

const LOCAL_RETRY_DELAY_MS = 5000;

export class ConsumeConcurrentlyService {
  constructor(
    private readonly host: ConsumeHost,
    private readonly pool: AsyncPool,
  ) {}

  /** Queues newly pulled messages for consumption. */
  submit(messages: readonly MessageExt[], pq: ProcessQueue, mq: MessageQueue): void {
    const size = this.host.config.consumeMessageBatchMaxSize;
    for (let i = 0; i < messages.length; i += size) {
      const batch = messages.slice(i, i + size);
      void this.pool.run(() => this.consume(batch, pq, mq)).catch((error: Error) => {
        this.host.logger.error(`consuming from ${messageQueueToString(mq)} failed: ${error.message}`, error.stack, 'ConsumeConcurrently');
      });
    }
  }

  private async consume(batch: MessageExt[], pq: ProcessQueue, mq: MessageQueue): Promise<void> {
    const { host } = this;
    if (pq.dropped || !host.isRunning()) return;
    const outcome = await host.invokeHandler(batch, mq, false);
    host.stats.consumed(mq.topic, batch.length - outcome.failed.length, outcome.failed.length, outcome.elapsedMs);
    if (pq.dropped) {
      host.logger.warn(`${messageQueueToString(mq)} was taken away while its messages were consumed; the result is not committed`, 'ConsumeConcurrently');
      return;
    }
    const retryLocally: MessageExt[] = [];
    if (outcome.failed.length > 0) {
      if (host.config.messageModel === 'BROADCASTING') {
        for (const msg of outcome.failed) host.logger.warn(`broadcast message ${msg.msgId} failed and is dropped (broadcasting has no retry)`, 'ConsumeConcurrently');
      } else {
        for (const msg of outcome.failed) {
          if (!(await host.sendMessageBack(msg, outcome.context.delayLevelWhenNextConsume, mq))) {
            msg.reconsumeTimes += 1;
            retryLocally.push(msg);
          }
        }
      }
    }
    const done = retryLocally.length === 0 ? batch : batch.filter((m) => !retryLocally.includes(m));
    const offset = pq.removeMessages(done);
    if (offset >= 0 && !pq.dropped) host.offsetStore.updateOffset(mq, offset, true);
    if (retryLocally.length > 0) {
      host.later(LOCAL_RETRY_DELAY_MS, () => {
        if (!pq.dropped) this.submit(retryLocally, pq, mq);
      });
    }
  }
}
