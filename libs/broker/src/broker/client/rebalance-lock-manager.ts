/**
 * Queue locks for orderly consumption (`RebalanceLockManager`): LOCK_BATCH_MQ grants a queue when it is free, held by
 * the same client, or its lock was not renewed within rebalanceLockMaxLiveTime. Memory only.
 */
import { messageQueueKey, type MessageQueue } from '@app/rocketmq/protocol';

interface LockEntry {
  clientId: string;
  lastUpdate: number;
}

export class RebalanceLockManager {
  private readonly groups = new Map<string, Map<string, LockEntry>>();

  constructor(
    private readonly maxLiveTimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private expired(entry: LockEntry, now: number): boolean {
    return now - entry.lastUpdate > this.maxLiveTimeMs;
  }

  /** The queues now locked by `clientId` among `mqs`. */
  tryLockBatch(group: string, mqs: readonly MessageQueue[], clientId: string): MessageQueue[] {
    const now = this.now();
    let locks = this.groups.get(group);
    if (!locks) {
      locks = new Map();
      this.groups.set(group, locks);
    }
    const granted: MessageQueue[] = [];
    for (const mq of mqs) {
      const key = messageQueueKey(mq);
      const entry = locks.get(key);
      if (!entry || entry.clientId === clientId || this.expired(entry, now)) {
        locks.set(key, { clientId, lastUpdate: now });
        granted.push(mq);
      }
    }
    return granted;
  }

  unlockBatch(group: string, mqs: readonly MessageQueue[], clientId: string): void {
    const locks = this.groups.get(group);
    if (!locks) return;
    for (const mq of mqs) {
      const key = messageQueueKey(mq);
      if (locks.get(key)?.clientId === clientId) locks.delete(key);
    }
    if (locks.size === 0) this.groups.delete(group);
  }

  isLocked(group: string, mq: MessageQueue, clientId: string): boolean {
    const entry = this.groups.get(group)?.get(messageQueueKey(mq));
    return entry !== undefined && entry.clientId === clientId && !this.expired(entry, this.now());
  }

  /** `isLockAllExpired`: true when the group holds no live lock (the retry path treats locked groups as orderly). */
  isLockAllExpired(group: string): boolean {
    const locks = this.groups.get(group);
    if (!locks) return true;
    const now = this.now();
    for (const entry of locks.values()) if (!this.expired(entry, now)) return false;
    return true;
  }
}
