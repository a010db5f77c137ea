import type { MessageQueue } from '../../protocol/message/message-queue.js';
import type { LatencyFaultTolerance } from './latency-fault-tolerance.js';

/** The writable queues of a topic and the round-robin cursor over them (TopicPublishInfo). */
export class TopicPublishInfo {
  private cursor = Math.floor(Math.random() * 1024);

  constructor(
    readonly queues: readonly MessageQueue[],
    /** Created from TBW102's route because the topic does not exist yet (auto-create on first send). */
    readonly fromDefaultTopic = false,
    readonly orderTopic = false,
  ) {}

  get ok(): boolean {
    return this.queues.length > 0;
  }

  /** The next queue round-robin, avoiding `avoidBroker` (the broker of the failed attempt) and unhealthy brokers. */
  select(avoidBroker: string | undefined, faults: LatencyFaultTolerance): MessageQueue {
    const n = this.queues.length;
    for (let i = 0; i < n; i++) {
      const mq = this.queues[this.next() % n]!;
      if (mq.brokerName !== avoidBroker && faults.isAvailable(mq.brokerName)) return mq;
    }
    for (let i = 0; i < n; i++) {
      const mq = this.queues[this.next() % n]!;
      if (mq.brokerName !== avoidBroker) return mq;
    }
    return this.queues[this.next() % n]!;
  }

  private next(): number {
    this.cursor = (this.cursor + 1) & 0x7fffffff;
    return this.cursor;
  }
}
