/**
 * Bounded concurrency for handler invocations (the consume "thread pool"): at most `concurrency`
 * tasks run at once, the rest wait in FIFO order.
 */
export class AsyncPool {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];

  constructor(readonly concurrency: number) {}

  get running(): number {
    return this.active;
  }

  get pending(): number {
    return this.waiting.length;
  }

  /** Runs `task` when a slot is free; resolves or rejects with its result. */
  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.active += 1;
        let result: Promise<T>;
        try {
          result = task();
        } catch (error) {
          result = Promise.reject(error);
        }
        result.then(resolve, reject).finally(() => this.release());
      };
      if (this.active < this.concurrency) start();
      else this.waiting.push(start);
    });
  }

  private release(): void {
    this.active -= 1;
    const next = this.waiting.shift();
    if (next) next();
    else if (this.active === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves once nothing runs or waits. */
  onIdle(): Promise<void> {
    if (this.active === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
