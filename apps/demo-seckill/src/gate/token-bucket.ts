/** A token bucket's refill arithmetic, shared by the in-process gate (the Redis gate does the same in Lua). */
export interface BucketState {
  tokens: number;
  updatedAt: number;
}

/** Refills `state` up to `burst` for the time elapsed, then takes one token if there is one. */
export function takeToken(state: BucketState, now: number, ratePerSec: number, burst: number): boolean {
  const elapsed = Math.max(0, now - state.updatedAt);
  state.tokens = Math.min(burst, state.tokens + (elapsed * ratePerSec) / 1000);
  state.updatedAt = now;
  if (state.tokens < 1) return false;
  state.tokens -= 1;
  return true;
}
