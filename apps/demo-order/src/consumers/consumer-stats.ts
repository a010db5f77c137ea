import { Injectable } from '@nestjs/common';

export interface ConsumerCounters {
  /** Deliveries whose effect was applied (first time for the order). */
  applied: number;
  /** Deliveries of an order already applied (redelivery): no effect. */
  duplicates: number;
  /** Deliveries that threw (the broker redelivers them). */
  failures: number;
}

/** Per-consumer delivery counters of this process, for GET /stats and the acceptance run (not used for decisions). */
@Injectable()
export class ConsumerStats {
  private readonly counters = new Map<string, ConsumerCounters>();

  record(consumer: string, outcome: keyof ConsumerCounters): void {
    const counters = this.counters.get(consumer) ?? { applied: 0, duplicates: 0, failures: 0 };
    counters[outcome]++;
    this.counters.set(consumer, counters);
  }

  snapshot(): Record<string, ConsumerCounters> {
    return Object.fromEntries([...this.counters].map(([name, c]) => [name, { ...c }]));
  }
}
