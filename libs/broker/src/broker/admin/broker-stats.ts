/**
 * Message counters and TPS for GET_BROKER_RUNTIME_INFO and consume TPS for GET_CONSUME_STATS, sampled like
 * Apache's `StoreStatsService` / `BrokerStats`: a sample every second, TPS over the last 10 s, 60 s and 600 s,
 * and the totals at this morning's and yesterday's midnight.
 *
 * Puts are the store's message count. "Gets" are messages consumed, measured as the progress of committed
 * consumer offsets (the store counts pull requests, not messages); request rates (getFoundTps, getMissTps) are
 * the store's FOUND / miss pull counts.
 */
import type { BrokerContext, BrokerService } from '../broker-context.js';

interface Sample {
  time: number;
  put: number;
  consumed: number;
  getFound: number;
  getMiss: number;
  /** `topic@group` → sum of committed offsets, every tenth sample. */
  groupOffsets?: Map<string, number>;
}

const MAX_SAMPLES = 601;
const GROUP_SAMPLE_EVERY = 10;

function dayOf(time: number): number {
  const d = new Date(time);
  return d.getFullYear() * 10_000 + d.getMonth() * 100 + d.getDate();
}

export class BrokerStats implements BrokerService {
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sampleCount = 0;
  private day = 0;
  private putYesterdayMorning = 0;
  private putTodayMorning = 0;
  private consumedYesterdayMorning = 0;
  private consumedTodayMorning = 0;
  /** Consumed count at start: offsets committed before the broker started are not "gets" of this run. */
  private consumedBase = 0;
  readonly bootTimestamp: number;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {
    this.bootTimestamp = now();
  }

  start(): void {
    if (this.timer) return;
    this.consumedBase = this.totalCommitted();
    this.day = dayOf(this.now());
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes one sample (the timer calls it; tests may too). */
  sample(): void {
    const time = this.now();
    const stats = this.ctx.store.stats();
    const sample: Sample = {
      time,
      put: stats.putMessageCount,
      consumed: this.consumedNow(),
      getFound: stats.getMessageFoundCount,
      getMiss: stats.getMessageMissCount,
    };
    if (this.sampleCount++ % GROUP_SAMPLE_EVERY === 0) sample.groupOffsets = this.groupOffsetSums();
    const day = dayOf(time);
    if (day !== this.day) {
      this.day = day;
      this.putYesterdayMorning = this.putTodayMorning;
      this.putTodayMorning = sample.put;
      this.consumedYesterdayMorning = this.consumedTodayMorning;
      this.consumedTodayMorning = sample.consumed;
    }
    this.samples.push(sample);
    if (this.samples.length > MAX_SAMPLES) this.samples.shift();
  }

  get putTotals(): { yesterdayMorning: number; todayMorning: number; now: number } {
    return { yesterdayMorning: this.putYesterdayMorning, todayMorning: this.putTodayMorning, now: this.ctx.store.stats().putMessageCount };
  }

  get getTotals(): { yesterdayMorning: number; todayMorning: number; now: number } {
    return { yesterdayMorning: this.consumedYesterdayMorning, todayMorning: this.consumedTodayMorning, now: this.consumedNow() };
  }

  /** `"<10s> <60s> <600s>"` as Apache formats TPS triples. */
  tpsTriple(field: 'put' | 'consumed' | 'getFound' | 'getMiss' | 'getTotal'): string {
    return [10, 60, 600].map((s) => this.tps(field, s).toFixed(2)).join(' ');
  }

  /** Messages (or requests) per second over the last `seconds`, from the samples at hand. */
  tps(field: 'put' | 'consumed' | 'getFound' | 'getMiss' | 'getTotal', seconds: number): number {
    const last = this.samples[this.samples.length - 1];
    if (!last) return 0;
    const from = this.sampleBefore(last.time - seconds * 1000);
    if (!from || from === last) return 0;
    const value = (s: Sample): number => (field === 'getTotal' ? s.getFound + s.getMiss : s[field]);
    return ((value(last) - value(from)) * 1000) / (last.time - from.time);
  }

  /** Messages of `topic` consumed per second by `group` over about the last minute (ConsumeStats.consumeTps). */
  consumeTps(group: string, topic: string): number {
    const withGroups = this.samples.filter((s) => s.groupOffsets);
    const last = withGroups[withGroups.length - 1];
    if (!last) return 0;
    const from = withGroups.find((s) => s.time >= last.time - 60_000 && s !== last);
    if (!from) return 0;
    const key = `${topic}@${group}`;
    const delta = (last.groupOffsets!.get(key) ?? 0) - (from.groupOffsets!.get(key) ?? 0);
    return delta > 0 ? (delta * 1000) / (last.time - from.time) : 0;
  }

  private sampleBefore(time: number): Sample | undefined {
    let found: Sample | undefined = this.samples[0];
    for (const s of this.samples) {
      if (s.time <= time) found = s;
      else break;
    }
    return found;
  }

  private consumedNow(): number {
    return Math.max(0, this.totalCommitted() - this.consumedBase);
  }

  private totalCommitted(): number {
    let sum = 0;
    for (const v of this.groupOffsetSums().values()) sum += v;
    return sum;
  }

  private groupOffsetSums(): Map<string, number> {
    const sums = new Map<string, number>();
    for (const tc of this.ctx.topics.all()) {
      for (const group of this.ctx.offsets.groupsOf(tc.topicName)) {
        let sum = 0;
        for (const offset of this.ctx.offsets.offsetsOf(group, tc.topicName).values()) sum += Math.max(0, offset);
        sums.set(`${tc.topicName}@${group}`, sum);
      }
    }
    return sums;
  }
}
