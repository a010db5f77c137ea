/**
 * Connection counts for autocannon runs at a fixed overall rate. autocannon splits the rate and the
 * request count across connections (the first `x % connections` get one more) and paces each
 * connection in one-second windows, so an uneven split makes some connection need extra windows:
 * 32 connections at 200/s for 10,000 requests give some connection 6/s and 313 requests, 53 s instead
 * of 50 (188/s achieved, not 200). A count that divides both keeps the offered rate the asked one.
 */

/** Seconds autocannon needs for `requests` at `ratePerSec` over `connections` (a server that keeps up). */
export function pacedSeconds(requests: number, ratePerSec: number, connections: number): number {
  const share = (x: number, i: number) => Math.floor(x / connections) + (i < x % connections ? 1 : 0);
  let windows = 0;
  for (let i = 0; i < connections; i++) {
    const rate = share(ratePerSec, i);
    const amount = share(requests, i);
    if (amount > 0) windows = Math.max(windows, rate > 0 ? Math.ceil(amount / rate) : Number.POSITIVE_INFINITY);
  }
  return windows;
}

/**
 * A connection count near `wanted` at which autocannon paces `requests` at exactly `ratePerSec`: the
 * nearest above (up to twice `wanted`; a slow answer holds up only its own connection), else the nearest
 * below, else `wanted` itself.
 */
export function steadyConnections(requests: number, ratePerSec: number, wanted: number): number {
  const ideal = Math.ceil(requests / ratePerSec);
  const steady = (c: number) => c >= 1 && c <= ratePerSec && pacedSeconds(requests, ratePerSec, c) === ideal;
  if (steady(wanted)) return wanted;
  for (let c = wanted + 1; c <= 2 * wanted; c++) if (steady(c)) return c;
  for (let c = wanted - 1; c >= 1; c--) if (steady(c)) return c;
  return wanted;
}
