import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { FixedRateLimiter, RateLimiterClosedError } from './fixed-rate-limiter.js';

describe('FixedRateLimiter', () => {
  let clock = 0;
  beforeEach(() => {
    jest.useFakeTimers();
    clock = 0;
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  const now = () => clock;
  const advance = async (ms: number) => {
    clock += ms;
    await jest.advanceTimersByTimeAsync(ms);
  };

  function track(limiter: FixedRateLimiter, n: number) {
    const passed: number[] = [];
    for (let i = 0; i < n; i++) void limiter.acquire().then(() => passed.push(i));
    return passed;
  }

  it('lets callers through at the fixed rate, in order', async () => {
    const limiter = new FixedRateLimiter(100, 1, now); // one every 10 ms
    const passed = track(limiter, 50);
    await advance(0);
    expect(passed).toEqual([0]);
    await advance(100);
    expect(passed).toHaveLength(11);
    await advance(400);
    expect(passed).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('banks at most `burst` slots while idle', async () => {
    const limiter = new FixedRateLimiter(100, 5, now);
    await advance(10_000);
    const passed = track(limiter, 20);
    await advance(0);
    expect(passed).toHaveLength(5);
    await advance(50);
    expect(passed).toHaveLength(10);
  });

  it('rejects waiters and new callers once closed', async () => {
    const limiter = new FixedRateLimiter(1, 1, now);
    await limiter.acquire();
    const waiting = limiter.acquire();
    limiter.close();
    await expect(waiting).rejects.toBeInstanceOf(RateLimiterClosedError);
    await expect(limiter.acquire()).rejects.toBeInstanceOf(RateLimiterClosedError);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new FixedRateLimiter(0)).toThrow(RangeError);
  });
});
