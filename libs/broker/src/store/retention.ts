/**
 * File deletion (`CleanCommitLogService` + `CleanConsumeQueueService`): commit-log files older than
 * `fileReservedTime`, or the oldest ones whatever their age while the disk is fuller than `diskMaxUsedSpaceRatio`;
 * never the file being written. Consume-queue and index files that only point below the new commit-log minimum
 * follow, and consume-queue min offsets move. Also raises the disk-full flag that makes the store refuse writes.
 */
import fs from 'node:fs';
import type { CommitLog } from './commit-log.js';
import type { ConsumeQueueStore } from './consume-queue-store.js';
import type { IndexService } from './index-service.js';
import type { DiskSpace, ResolvedStoreOptions } from './store-options.js';

export interface RetentionResult {
  deletedCommitLogFiles: number;
  deletedConsumeQueueFiles: number;
  deletedIndexFiles: number;
  diskUsedRatio: number;
}

async function statfsSpace(path: string): Promise<DiskSpace> {
  const s = await fs.promises.statfs(path);
  return { total: s.blocks * s.bsize, free: s.bfree * s.bsize };
}

export class RetentionService<E> {
  diskUsedRatio = 0;
  diskFull = false;

  constructor(
    private readonly options: ResolvedStoreOptions,
    private readonly commitLog: CommitLog<E>,
    private readonly consumeQueues: ConsumeQueueStore,
    private readonly index: IndexService | undefined,
  ) {}

  /** Used space of the store's file system in percent (also updates `diskFull`). */
  async checkDisk(): Promise<number> {
    try {
      const space = await (this.options.diskSpace ?? statfsSpace)(this.options.storePath);
      this.diskUsedRatio = space.total > 0 ? ((space.total - space.free) / space.total) * 100 : 0;
    } catch (err) {
      this.options.logger.warn(`Cannot read the disk usage of ${this.options.storePath}: ${(err as Error).message}`, 'Retention');
    }
    const full = this.diskUsedRatio > this.options.diskSpaceWarningLevelRatio;
    if (full !== this.diskFull) {
      this.diskFull = full;
      if (full) this.options.logger.error(`Disk ${this.diskUsedRatio.toFixed(1)}% used: the store refuses new messages`, undefined, 'Retention');
      else this.options.logger.log(`Disk ${this.diskUsedRatio.toFixed(1)}% used: the store accepts messages again`, 'Retention');
    }
    return this.diskUsedRatio;
  }

  /** One deletion pass; `force` deletes old files whatever their age (DELETE_EXPIRED_COMMITLOG-like). */
  async run(force = false): Promise<RetentionResult> {
    let ratio = await this.checkDisk();
    const result: RetentionResult = { deletedCommitLogFiles: 0, deletedConsumeQueueFiles: 0, deletedIndexFiles: 0, diskUsedRatio: ratio };
    const now = this.options.now();
    while (result.deletedCommitLogFiles < this.options.deleteFileBatchMax) {
      const first = this.commitLog.segments.first;
      if (!first || this.commitLog.segments.segments.length <= 1) break;
      const expired = (await first.lastModified()) + this.options.fileReservedTimeMs <= now;
      const overRatio = ratio > this.options.diskMaxUsedSpaceRatio;
      if (!expired && !overRatio && !force) break;
      if (!this.commitLog.deleteOldestSegment()) break;
      result.deletedCommitLogFiles++;
      this.options.logger.log(
        `Deleted commit-log file ${first.path} (${expired ? 'expired' : overRatio ? `disk ${ratio.toFixed(1)}% used` : 'forced'})`,
        'Retention',
      );
      if (overRatio && !expired) ratio = await this.checkDisk();
    }
    if (result.deletedCommitLogFiles > 0) {
      const min = this.commitLog.minOffset;
      for (const cq of this.consumeQueues.all()) result.deletedConsumeQueueFiles += cq.deleteExpiredFiles(min);
      if (this.index) result.deletedIndexFiles = this.index.deleteExpiredFiles(min);
      result.diskUsedRatio = await this.checkDisk();
    }
    return result;
  }
}
