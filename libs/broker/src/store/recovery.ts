/**
 * Start-up recovery (`DefaultMessageStore.load` + `recoverNormally/recoverAbnormally`).
 *
 * Clean start (no abort marker, checkpoint matches the files): nothing is read; consume queues and index continue
 * where the checkpoint says they are complete (normally the end of the log).
 *
 * After a crash: every record from the lowest checkpointed safe offset (commit log flushed, consume queues and index
 * fsynced) is validated; the log is cut at the first torn or corrupt record; consume-queue and index entries at or
 * after the safe offset are dropped and rebuilt from the validated records, so they match the log exactly.
 */
import { BLANK_MAGIC_CODE, MessageSysFlag } from '@app/rocketmq/protocol';
import type { CheckpointData } from './checkpoint.js';
import type { CommitLog } from './commit-log.js';
import { type ScannedRecord, scanCommitLog } from './commit-log-scanner.js';
import { CQ_FILLER_SIZE, isRealEntry } from './consume-queue.js';
import type { ConsumeQueueStore } from './consume-queue-store.js';
import type { IndexService } from './index-service.js';
import type { RecoveryInfo } from './message-store-types.js';
import type { ResolvedStoreOptions } from './store-options.js';

export interface RecoveryContext<E> {
  options: ResolvedStoreOptions;
  commitLog: CommitLog<E>;
  consumeQueues: ConsumeQueueStore;
  index: IndexService | undefined;
  /** The index directory existed before this start (a missing one is rebuilt from the whole log). */
  indexDirExisted: boolean;
  checkpoint: CheckpointData | undefined;
  abnormal: boolean;
  /** Re-dispatch one validated record: to its consume queue when `toQueue`, to the index when `toIndex`. */
  redispatch(record: ScannedRecord, toQueue: boolean, toIndex: boolean): void;
}

export interface RecoveryOutcome {
  info: RecoveryInfo;
  /** Commit-log end: appends continue here. */
  end: number;
}

function isQueued(sysFlag: number): boolean {
  const tx = sysFlag & MessageSysFlag.TRANSACTION_MASK;
  return tx === MessageSysFlag.TRANSACTION_NOT_TYPE || tx === MessageSysFlag.TRANSACTION_COMMIT_TYPE;
}

export function recoverStore<E>(ctx: RecoveryContext<E>): RecoveryOutcome {
  const started = performance.now();
  const { commitLog, consumeQueues, index, checkpoint: cp, options } = ctx;
  const logger = options.logger;
  const segments = commitLog.segments;
  const info: RecoveryInfo = { mode: 'clean', scannedBytes: 0, redispatched: 0, truncatedAt: undefined, truncateReason: undefined, durationMs: 0 };
  const last = segments.last;
  const first = segments.first;

  if (!last || !first) {
    if (consumeQueues.size > 0) {
      logger.warn('No commit-log files: deleting the consume queues that pointed into them', 'Recovery');
      consumeQueues.destroyAll();
    }
    index?.loadSync(0);
    commitLog.setRecoveredEnd(0);
    info.mode = 'fresh';
    info.durationMs = performance.now() - started;
    return { info, end: 0 };
  }

  const clMin = first.fileFromOffset;
  let filesEnd = last.writtenEndOffset;
  if (cp && cp.physicOffset === last.fileEndOffset && last.size >= 8 && last.size < last.capacity) {
    const tail = Buffer.alloc(8);
    last.readSync(tail, 0, 8, last.size - 8);
    if (tail.readInt32BE(4) === BLANK_MAGIC_CODE && tail.readInt32BE(0) === last.capacity - (last.size - 8)) filesEnd = last.fileEndOffset;
  }
  const clamp = (offset: number): number => {
    if (offset < clMin) return clMin;
    // past the files (they lost data the checkpoint saw): restart from the last file's beginning, a record boundary
    if (offset > filesEnd) return Math.max(clMin, last.fileFromOffset);
    return offset;
  };

  const clean = !ctx.abnormal && cp !== undefined && cp.physicOffset === filesEnd;
  let cqFrom: number;
  let indexFrom: number;
  let validateFrom: number;
  if (clean) {
    cqFrom = clamp(cp.logicsOffset);
    indexFrom = ctx.indexDirExisted ? clamp(cp.indexOffset) : clMin;
    validateFrom = filesEnd;
  } else {
    info.mode = 'crash';
    const safe = cp ? Math.min(cp.physicOffset, cp.logicsOffset, index ? cp.indexOffset : cp.logicsOffset) : clMin;
    validateFrom = clamp(safe);
    cqFrom = validateFrom;
    indexFrom = ctx.indexDirExisted ? validateFrom : clMin;
    logger.warn(
      `${cp ? 'The store was not shut down cleanly' : 'No checkpoint'}: validating the commit log from offset ${validateFrom} (files end at ${filesEnd})`,
      'Recovery',
    );
  }

  // consume queues: drop entries that will be re-dispatched, torn ones, and ones past the files
  for (const cq of consumeQueues.all()) {
    cq.truncateTail((off, size) => (size === CQ_FILLER_SIZE ? true : isRealEntry(off, size) && off < cqFrom && off + size <= filesEnd));
  }
  if (index) indexFrom = index.loadSync(indexFrom);

  const scanFrom = Math.min(cqFrom, index ? indexFrom : cqFrom, validateFrom);
  let end = filesEnd;
  if (scanFrom < filesEnd || !clean) {
    const result = scanCommitLog(
      segments,
      scanFrom,
      { checkCrc: options.checkCrcOnRecover, maxRecordSize: options.maxRecordSize },
      (record) => {
        const toQueue = record.offset >= cqFrom && isQueued(record.sysFlag);
        const toIndex = index !== undefined && record.offset >= indexFrom;
        if (toQueue || toIndex) {
          ctx.redispatch(record, toQueue, toIndex);
          info.redispatched++;
        }
      },
    );
    info.scannedBytes = result.scannedBytes;
    end = result.end;
    if (end < filesEnd || result.invalidReason) {
      info.truncatedAt = end;
      info.truncateReason = result.invalidReason ?? 'end of the valid records';
      logger.warn(`Commit log cut at offset ${end}: ${info.truncateReason}`, 'Recovery');
      // entries that point past the cut (only possible when the cut is below cqFrom)
      for (const cq of consumeQueues.all()) cq.truncateTail((off, size) => !isRealEntry(off, size) || off + size <= end);
    }
  }
  commitLog.setRecoveredEnd(end);
  if (!clean) {
    // what we validated may only be in the page cache (process crash): make the recovered end durable
    for (const s of segments.segments) if (s.fileEndOffset > scanFrom) s.datasyncSync();
  }
  for (const cq of consumeQueues.all()) {
    cq.correctMinOffset(clMin);
    cq.nextOffset = cq.maxOffset;
  }
  index?.markDispatched(end);
  info.durationMs = performance.now() - started;
  return { info, end };
}
