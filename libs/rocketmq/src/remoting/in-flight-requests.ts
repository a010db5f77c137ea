import type { RemotingCommand } from '../protocol/remoting-command.js';

interface Pending {
  resolve(response: RemotingCommand): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Requests waiting for their response on one connection, keyed by opaque; owns their timeouts. */
export class InFlightRequests {
  private readonly pending = new Map<number, Pending>();

  get size(): number {
    return this.pending.size;
  }

  add(opaque: number, timeoutMs: number, onTimeout: () => Error): Promise<RemotingCommand> {
    return new Promise<RemotingCommand>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(opaque);
        reject(onTimeout());
      }, timeoutMs);
      this.pending.set(opaque, { resolve, reject, timer });
    });
  }

  /** Returns false when no request waits for this opaque (late or unsolicited response). */
  fulfill(response: RemotingCommand): boolean {
    const entry = this.pending.get(response.opaque);
    if (!entry) return false;
    this.pending.delete(response.opaque);
    clearTimeout(entry.timer);
    entry.resolve(response);
    return true;
  }

  reject(opaque: number, error: Error): void {
    const entry = this.pending.get(opaque);
    if (!entry) return;
    this.pending.delete(opaque);
    clearTimeout(entry.timer);
    entry.reject(error);
  }

  rejectAll(error: Error): void {
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
    this.pending.clear();
  }
}
