/**
 * Rolling consume and pull figures per topic (Java's ConsumerStatsManager), over the last minute,
 * for GET_CONSUMER_RUNNING_INFO and the consumer's stats getter.
 */
import type { ConsumeStatus } from '../../protocol/body/consumer-running-info.js';

const WINDOW_SECONDS = 60;

/** Counts and sums in one-second buckets over a sliding minute. */
class RollingCounter {
  private readonly counts = new Float64Array(WINDOW_SECONDS);
  private readonly sums = new Float64Array(WINDOW_SECONDS);
  private readonly seconds = new Float64Array(WINDOW_SECONDS).fill(-1);

  add(count: number, sum = 0, now = Date.now()): void {
    const second = Math.floor(now / 1000);
    const i = second % WINDOW_SECONDS;
    if (this.seconds[i] !== second) {
      this.seconds[i] = second;
      this.counts[i] = 0;
      this.sums[i] = 0;
    }
    this.counts[i]! += count;
    this.sums[i]! += sum;
  }

  totals(now = Date.now()): { count: number; sum: number } {
    const current = Math.floor(now / 1000);
    let count = 0;
    let sum = 0;
    for (let i = 0; i < WINDOW_SECONDS; i++) {
      if (this.seconds[i]! > current - WINDOW_SECONDS) {
        count += this.counts[i]!;
        sum += this.sums[i]!;
      }
    }
    return { count, sum };
  }
}

class TopicStats {
  readonly pull = new RollingCounter();
  readonly pullRT = new RollingCounter();
  readonly consumeOK = new RollingCounter();
  readonly consumeFailed = new RollingCounter();
  readonly consumeRT = new RollingCounter();
  failedTotal = 0;
}

export class ConsumerStats {
  private readonly topics = new Map<string, TopicStats>();

  private of(topic: string): TopicStats {
    let stats = this.topics.get(topic);
    if (!stats) this.topics.set(topic, (stats = new TopicStats()));
    return stats;
  }

  pulled(topic: string, messages: number, rtMs: number): void {
    const s = this.of(topic);
    s.pull.add(messages);
    s.pullRT.add(1, rtMs);
  }

  consumed(topic: string, ok: number, failed: number, rtMs: number): void {
    const s = this.of(topic);
    if (ok > 0) s.consumeOK.add(ok);
    if (failed > 0) {
      s.consumeFailed.add(failed);
      s.failedTotal += failed;
    }
    s.consumeRT.add(1, rtMs);
  }

  status(topic: string): ConsumeStatus {
    const s = this.of(topic);
    const pullRT = s.pullRT.totals();
    const consumeRT = s.consumeRT.totals();
    return {
      pullRT: pullRT.count ? pullRT.sum / pullRT.count : 0,
      pullTPS: s.pull.totals().count / WINDOW_SECONDS,
      consumeRT: consumeRT.count ? consumeRT.sum / consumeRT.count : 0,
      consumeOKTPS: s.consumeOK.totals().count / WINDOW_SECONDS,
      consumeFailedTPS: s.consumeFailed.totals().count / WINDOW_SECONDS,
      consumeFailedMsgs: s.failedTotal,
    };
  }

  topicNames(): string[] {
    return [...this.topics.keys()];
  }
}
