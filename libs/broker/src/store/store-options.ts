/** Options of the message store (names follow `MessageStoreConfig` where there is one) and their defaults. */

export type FlushDiskType = 'SYNC' | 'ASYNC';

/** The logging seam: `RocketMQLogger` (and Nest's Logger) satisfy it. */
export interface StoreLogger {
  log(message: string, context?: string): void;
  warn(message: string, context?: string): void;
  error(message: string, trace?: string, context?: string): void;
}

export interface DiskSpace {
  /** Bytes of the file system holding the store. */
  total: number;
  /** Free bytes (`File.getFreeSpace` in Java: free blocks, not only the ones available to us). */
  free: number;
}

export interface MessageStoreOptions {
  /** Root directory (`storePathRootDir`); commitlog/, consumequeue/, index/, checkpoint, abort and lock go below it. */
  storePath: string;
  /** This broker's `ip:port`, written as STOREHOSTADDRESS into every record and used for offset msgIds. */
  storeHost: string;
  /** `SYNC`: a put resolves after fdatasync of its bytes (group commit). `ASYNC` (default): flushed every `flushIntervalMs`. */
  flushDiskType?: FlushDiskType;
  /** Async flush period (`flushIntervalCommitLog`), default 500 ms. */
  flushIntervalMs?: number;
  /** SYNC puts not flushed within this time resolve with FLUSH_DISK_TIMEOUT (still stored), default 5000 ms. */
  syncFlushTimeoutMs?: number;
  /** Commit-log segment size (`mappedFileSizeCommitLog`), default 1 GiB. */
  commitLogSegmentSize?: number;
  /** Consume-queue entries per file (`mappedFileSizeConsumeQueue` / 20), default 300 000. */
  consumeQueueUnitsPerFile?: number;
  /** Largest body (`maxMessageSize`), default 4 MiB; a record may add 64 KiB of headers and properties. */
  maxMessageSize?: number;
  /** Memory kept for the most recently written commit-log bytes (hot pulls are served from it), default 64 MiB. */
  writeCacheBytes?: number;
  /** Size of one write-cache chunk (writes are batched inside a chunk), default 4 MiB (at least one record). */
  writeChunkBytes?: number;
  /** Recent consume-queue entries kept in memory per queue, default 1024. */
  consumeQueueCacheUnits?: number;
  /** Consume queues and index are fsynced and the checkpoint written this often, default 1000 ms. */
  checkpointIntervalMs?: number;
  /** Build the key index (`messageIndexEnable`), default true. */
  messageIndexEnable?: boolean;
  /** Hash slots per index file (`maxHashSlotNum`), default 500 000 (2 MB of memory for the active file). */
  maxHashSlotNum?: number;
  /** Entries per index file (`maxIndexNum`), default 2 000 000. */
  maxIndexNum?: number;
  /** Commit-log files older than this may be deleted (`fileReservedTime`, hours), default 72. */
  fileReservedTime?: number;
  /** The same in milliseconds (takes precedence; for tests). */
  fileReservedTimeMs?: number;
  /** Above this disk usage (%) the oldest files are deleted whatever their age, default 75 (clamped to 10..95). */
  diskMaxUsedSpaceRatio?: number;
  /** Above this disk usage (%) writes are refused (SERVICE_NOT_AVAILABLE), default 90 (clamped to 35..90). */
  diskSpaceWarningLevelRatio?: number;
  /** Retention check period (`cleanResourceInterval`), default 10 000 ms; 0 disables the timer (call `cleanExpiredFiles`). */
  cleanResourceIntervalMs?: number;
  /** Files deleted per retention run (`deleteFileBatchMax`), default 10. */
  deleteFileBatchMax?: number;
  /** Verify body CRCs when recovering after a crash (`checkCRCOnRecover`), default true. */
  checkCrcOnRecover?: boolean;
  /** Bytes returned by one `getMessages` at most unless the request says less, default 256 KiB. */
  maxTransferBytes?: number;
  /**
   * Consume-queue tags code of a message when the put does not give one, and when records are re-dispatched during
   * recovery (e.g. the deliver time for SCHEDULE_TOPIC_XXXX). Return undefined for the default: the Java hash code
   * of the TAGS property.
   */
  computeTagsCode?: (topic: string, properties: string, storeTimestamp: number) => number | undefined;
  logger?: StoreLogger;
  /** Clock for store timestamps and retention (tests). */
  now?: () => number;
  /** Disk usage of the store's file system, default `fs.statfs` (tests). */
  diskSpace?: (path: string) => Promise<DiskSpace>;
}

export interface ResolvedStoreOptions {
  storePath: string;
  storeHost: string;
  flushDiskType: FlushDiskType;
  flushIntervalMs: number;
  syncFlushTimeoutMs: number;
  commitLogSegmentSize: number;
  consumeQueueUnitsPerFile: number;
  maxMessageSize: number;
  maxRecordSize: number;
  writeCacheBytes: number;
  writeChunkBytes: number;
  consumeQueueCacheUnits: number;
  checkpointIntervalMs: number;
  messageIndexEnable: boolean;
  maxHashSlotNum: number;
  maxIndexNum: number;
  fileReservedTimeMs: number;
  diskMaxUsedSpaceRatio: number;
  diskSpaceWarningLevelRatio: number;
  cleanResourceIntervalMs: number;
  deleteFileBatchMax: number;
  checkCrcOnRecover: boolean;
  maxTransferBytes: number;
  computeTagsCode: ((topic: string, properties: string, storeTimestamp: number) => number | undefined) | undefined;
  logger: StoreLogger;
  now: () => number;
  diskSpace: ((path: string) => Promise<DiskSpace>) | undefined;
}

const MiB = 1024 * 1024;
/** Room for headers, topic and properties on top of the body limit (`MessageExtEncoder`). */
export const RECORD_OVERHEAD_ALLOWANCE = 64 * 1024;

const silent: StoreLogger = { log() {}, warn() {}, error() {} };

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`Message store option ${name} must be a positive number, got ${value}`);
  return value;
}

export function resolveStoreOptions(options: MessageStoreOptions): ResolvedStoreOptions {
  const maxMessageSize = positive('maxMessageSize', options.maxMessageSize, 4 * MiB);
  const maxRecordSize = maxMessageSize + RECORD_OVERHEAD_ALLOWANCE;
  const commitLogSegmentSize = positive('commitLogSegmentSize', options.commitLogSegmentSize, 1024 * MiB);
  if (commitLogSegmentSize < 4096) throw new RangeError(`commitLogSegmentSize must be at least 4096 bytes, got ${commitLogSegmentSize}`);
  return {
    storePath: options.storePath,
    storeHost: options.storeHost,
    flushDiskType: options.flushDiskType ?? 'ASYNC',
    flushIntervalMs: positive('flushIntervalMs', options.flushIntervalMs, 500),
    syncFlushTimeoutMs: positive('syncFlushTimeoutMs', options.syncFlushTimeoutMs, 5000),
    commitLogSegmentSize,
    consumeQueueUnitsPerFile: positive('consumeQueueUnitsPerFile', options.consumeQueueUnitsPerFile, 300_000),
    maxMessageSize,
    maxRecordSize,
    writeCacheBytes: positive('writeCacheBytes', options.writeCacheBytes, 64 * MiB),
    writeChunkBytes: Math.max(positive('writeChunkBytes', options.writeChunkBytes, 4 * MiB), maxRecordSize + 8),
    consumeQueueCacheUnits: positive('consumeQueueCacheUnits', options.consumeQueueCacheUnits, 1024),
    checkpointIntervalMs: positive('checkpointIntervalMs', options.checkpointIntervalMs, 1000),
    messageIndexEnable: options.messageIndexEnable ?? true,
    maxHashSlotNum: positive('maxHashSlotNum', options.maxHashSlotNum, 500_000),
    maxIndexNum: positive('maxIndexNum', options.maxIndexNum, 2_000_000),
    fileReservedTimeMs: options.fileReservedTimeMs ?? positive('fileReservedTime', options.fileReservedTime, 72) * 3_600_000,
    diskMaxUsedSpaceRatio: clamp(options.diskMaxUsedSpaceRatio ?? 75, 10, 95),
    diskSpaceWarningLevelRatio: clamp(options.diskSpaceWarningLevelRatio ?? 90, 35, 90),
    cleanResourceIntervalMs: options.cleanResourceIntervalMs ?? 10_000,
    deleteFileBatchMax: positive('deleteFileBatchMax', options.deleteFileBatchMax, 10),
    checkCrcOnRecover: options.checkCrcOnRecover ?? true,
    maxTransferBytes: positive('maxTransferBytes', options.maxTransferBytes, 256 * 1024),
    computeTagsCode: options.computeTagsCode,
    logger: options.logger ?? silent,
    now: options.now ?? Date.now,
    diskSpace: options.diskSpace,
  };
}
