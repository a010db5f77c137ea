/**
 * Latency-based broker avoidance (MQFaultStrategy, 5.x thresholds): after a slow or failed send a
 * broker is skipped for a while, chosen by the latency observed.
 */
const LATENCY_MAX = [50, 100, 550, 1800, 3000, 5000, 15000];
const NOT_AVAILABLE_MS = [0, 0, 2000, 5000, 6000, 10000, 30000];
/** Latency charged for a failed send, so the broker is avoided for the longest step. */
export const FAILURE_LATENCY_MS = 30_000;

export class LatencyFaultTolerance {
  private readonly unavailableUntil = new Map<string, number>();

  constructor(public enabled = false) {}

  /** Records the outcome of a send to `brokerName`. */
  update(brokerName: string, latencyMs: number, failed: boolean): void {
    if (!this.enabled) return;
    const latency = failed ? FAILURE_LATENCY_MS : latencyMs;
    let duration = 0;
    for (let i = LATENCY_MAX.length - 1; i >= 0; i--) {
      if (latency >= LATENCY_MAX[i]!) {
        duration = NOT_AVAILABLE_MS[i]!;
        break;
      }
    }
    if (duration > 0) this.unavailableUntil.set(brokerName, Date.now() + duration);
    else this.unavailableUntil.delete(brokerName);
  }

  isAvailable(brokerName: string): boolean {
    if (!this.enabled) return true;
    const until = this.unavailableUntil.get(brokerName);
    if (until === undefined) return true;
    if (until <= Date.now()) {
      this.unavailableUntil.delete(brokerName);
      return true;
    }
    return false;
  }
}
