/**
 * Lets work through at a fixed rate: `acquire()` resolves when the caller's slot comes. Slots are
 * spaced 1000/rate ms apart on a schedule computed from the clock (not from timer ticks), so coarse
 * timers do not lower the rate; an idle limiter does not bank more than `burst` slots.
 */
export class FixedRateLimiter {
  private readonly intervalMs: number;
  private nextSlot = 0;
  private closed = false;
  private readonly waiting = new Set<{ timer: NodeJS.Timeout; reject: (error: Error) => void }>();

  constructor(
    readonly ratePerSec: number,
    private readonly burst = 1,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(ratePerSec > 0)) throw new RangeError(`ratePerSec must be positive, got ${ratePerSec}`);
    this.intervalMs = 1000 / ratePerSec;
  }

  acquire(): Promise<void> {
    if (this.closed) return Promise.reject(new RateLimiterClosedError());
    const now = this.now();
    this.nextSlot = Math.max(this.nextSlot, now - (this.burst - 1) * this.intervalMs);
    const slot = this.nextSlot;
    this.nextSlot += this.intervalMs;
    const delay = slot - now;
    if (delay <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const entry = {
        timer: setTimeout(() => {
          this.waiting.delete(entry);
          resolve();
        }, delay),
        reject,
      };
      this.waiting.add(entry);
    });
  }

  /** Rejects every waiter (shutdown): their messages are not acknowledged and come back later. */
  close(): void {
    this.closed = true;
    for (const entry of this.waiting) {
      clearTimeout(entry.timer);
      entry.reject(new RateLimiterClosedError());
    }
    this.waiting.clear();
  }
}

export class RateLimiterClosedError extends Error {
  readonly code = 'RATE_LIMITER_CLOSED';
  constructor() {
    super('the order rate limiter is closed (shutting down); the message will be redelivered');
    this.name = 'RateLimiterClosedError';
  }
}
