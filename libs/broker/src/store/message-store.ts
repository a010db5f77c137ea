/**
 * The broker's message store (`DefaultMessageStore`): puts append to the commit log, a dispatcher fills the consume
 * queues and the key index once the bytes are written (ASYNC) or flushed (SYNC), and pulls read consume-queue
 * entries then the records themselves. The records returned are byte-for-byte Apache RocketMQ CommitLog records.
 *
 *   const store = await MessageStore.open({ storePath, storeHost: '10.0.0.5:10911' });
 *   const put = await store.putMessage({ topic, queueId, body, properties, bornTimestamp, bornHost });
 *   const got = await store.getMessages({ topic, queueId, offset: 0, maxCount: 32 });
 *   await store.close();
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  MessageConst,
  MessageSysFlag,
  type StoredMessageInput,
  createOffsetMessageId,
  decodeStoredMessage,
  encodeSocketAddress,
  storedMessageSize,
  writeStoredMessage,
} from '@app/rocketmq/protocol';
import { readLong } from './binary.js';
import { Checkpoint } from './checkpoint.js';
import { type AppendStatus, type AppendWaiter, CommitLog } from './commit-log.js';
import { type ScannedRecord, recordStoreTimestamp } from './commit-log-scanner.js';
import { CQ_UNIT_SIZE, type ConsumeQueue, type ConsumeQueueEntry, isRealEntry } from './consume-queue.js';
import { ConsumeQueueStore } from './consume-queue-store.js';
import { IndexService } from './index-service.js';
import type {
  DispatchListener,
  DispatchedMessage,
  GetMessageResult,
  GetMessageStatus,
  GetMessagesRequest,
  PutMessageInput,
  PutMessageResult,
  PutMessagesResult,
  QueryMessageResult,
  RecoveryInfo,
  StoreStats,
} from './message-store-types.js';
import { defaultTagsCode, findProperty, splitKeys } from './property-lookup.js';
import { recoverStore } from './recovery.js';
import { RetentionService, type RetentionResult } from './retention.js';
import { MessageIllegalError, StoreUnavailableError } from './store-errors.js';
import { acquireStoreLock } from './store-lock.js';
import { type MessageStoreOptions, type ResolvedStoreOptions, resolveStoreOptions } from './store-options.js';

/** What the dispatcher needs of each appended record. */
class DispatchEntry implements DispatchedMessage {
  constructor(
    readonly topic: string,
    readonly queueId: number,
    readonly queueOffset: number,
    readonly commitLogOffset: number,
    readonly size: number,
    readonly tagsCode: number,
    readonly storeTimestamp: number,
    readonly sysFlag: number,
    readonly keys: string | undefined,
    readonly uniqKey: string | undefined,
  ) {}
}

class PutWaiter<R extends { status: AppendStatus; flushed: boolean }> implements AppendWaiter {
  private done = false;
  constructor(
    readonly waitFlush: boolean,
    private readonly result: R,
    private readonly resolve: (result: R) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  complete(status: AppendStatus, flushed: boolean): void {
    if (this.done) return;
    this.done = true;
    this.result.status = status;
    this.result.flushed = flushed;
    this.resolve(this.result);
  }

  fail(error: Error): void {
    if (this.done) return;
    this.done = true;
    this.reject(error);
  }
}

const TX_MASK = MessageSysFlag.TRANSACTION_MASK;

function entersQueue(sysFlag: number): boolean {
  const tx = sysFlag & TX_MASK;
  return tx === MessageSysFlag.TRANSACTION_NOT_TYPE || tx === MessageSysFlag.TRANSACTION_COMMIT_TYPE;
}

function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647;
}

/** Topic names become directory names: refuse what could escape `consumequeue/`. */
function checkTopicForDisk(topic: string): void {
  if (!topic || topic === '.' || topic === '..' || /[\\/\0]/.test(topic)) {
    throw new MessageIllegalError(`Topic ${JSON.stringify(topic)} cannot be stored: empty, "." / "..", or containing a path separator`);
  }
}

/** Recovery: put a validated record back into its consume queue and/or the index. */
function redispatchRecord(
  options: ResolvedStoreOptions,
  consumeQueues: ConsumeQueueStore,
  index: IndexService | undefined,
  record: ScannedRecord,
  toQueue: boolean,
  toIndex: boolean,
): void {
  if (toQueue) {
    const tags = options.computeTagsCode?.(record.topic, record.properties, record.storeTimestamp) ?? defaultTagsCode(record.properties);
    consumeQueues.findOrCreate(record.topic, record.queueId).put(record.offset, record.size, tags, record.queueOffset);
  }
  if (toIndex && index && (record.sysFlag & TX_MASK) !== MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) {
    const keys = findProperty(record.properties, MessageConst.KEYS);
    const uniq = findProperty(record.properties, MessageConst.UNIQ_KEY);
    if (keys || uniq) index.add(record.topic, splitKeys(keys), uniq, record.offset, record.storeTimestamp);
  }
}

/** Default maximum for key queries (`defaultQueryMaxNum`). */
export const DEFAULT_QUERY_MAX_NUM = 32;
/** Consume-queue entries scanned per `getMessages` at least (`maxFilterMessageSize` 16000 bytes / 20). */
const MIN_SCAN_UNITS = 16000 / CQ_UNIT_SIZE;

type State = 'open' | 'closing' | 'closed';
const EMPTY: Buffer = Buffer.alloc(0);

export class MessageStore {
  private state: State = 'open';
  private readonly listeners = new Set<DispatchListener>();
  private dispatchedOffset = 0;
  private lastDispatchTimestamp = 0;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private retentionTimer: NodeJS.Timeout | undefined;
  private checkpointRun: Promise<void> | undefined;
  private retentionRun: Promise<RetentionResult> | undefined;
  private putCount = 0;
  private putBytes = 0;
  private getFound = 0;
  private getMiss = 0;
  private readonly scratch: StoredMessageInput;
  private readonly storeHostBytes: Buffer;
  private readonly retention: RetentionService<DispatchEntry>;

  private constructor(
    private readonly options: ResolvedStoreOptions,
    private readonly commitLog: CommitLog<DispatchEntry>,
    private readonly consumeQueues: ConsumeQueueStore,
    private readonly index: IndexService | undefined,
    private readonly checkpoint: Checkpoint,
    private readonly releaseLock: (removeFile: boolean) => void,
    /** How the last start went (clean or crash recovery, bytes scanned, where the log was cut). */
    readonly recovery: RecoveryInfo,
  ) {
    this.storeHostBytes = encodeSocketAddress(options.storeHost);
    this.scratch = {
      topic: '',
      queueId: 0,
      flag: 0,
      queueOffset: 0,
      commitLogOffset: 0,
      sysFlag: 0,
      bornTimestamp: 0,
      bornHost: this.storeHostBytes,
      storeTimestamp: 0,
      storeHost: this.storeHostBytes,
      reconsumeTimes: 0,
      preparedTransactionOffset: 0,
      body: Buffer.alloc(0),
      properties: '',
    };
    this.retention = new RetentionService(options, commitLog, consumeQueues, index);
  }

  /** Open (creating if needed) the store at `options.storePath`, recovering after a crash. */
  static async open(options: MessageStoreOptions): Promise<MessageStore> {
    const opts = resolveStoreOptions(options);
    const root = opts.storePath;
    fs.mkdirSync(root, { recursive: true });
    encodeSocketAddress(opts.storeHost); // validate early
    const releaseLock = acquireStoreLock(root);
    try {
      const abortFile = path.join(root, 'abort');
      const abnormal = fs.existsSync(abortFile);
      const checkpoint = Checkpoint.openSync(path.join(root, 'checkpoint'));
      const commitLog = new CommitLog<DispatchEntry>({
        dir: path.join(root, 'commitlog'),
        segmentSize: opts.commitLogSegmentSize,
        flushDiskType: opts.flushDiskType,
        flushIntervalMs: opts.flushIntervalMs,
        syncFlushTimeoutMs: opts.syncFlushTimeoutMs,
        writeCacheBytes: opts.writeCacheBytes,
        writeChunkBytes: opts.writeChunkBytes,
        logger: opts.logger,
      });
      commitLog.segments.loadSync();
      const consumeQueues = new ConsumeQueueStore({
        dir: path.join(root, 'consumequeue'),
        unitsPerFile: opts.consumeQueueUnitsPerFile,
        cacheUnits: opts.consumeQueueCacheUnits,
        logger: opts.logger,
      });
      consumeQueues.loadSync();
      const indexDir = path.join(root, 'index');
      const indexDirExisted = fs.existsSync(indexDir);
      const index = opts.messageIndexEnable
        ? new IndexService({ dir: indexDir, hashSlotNum: opts.maxHashSlotNum, maxIndexNum: opts.maxIndexNum, logger: opts.logger, now: opts.now })
        : undefined;

      const outcome = recoverStore({
        options: opts,
        commitLog,
        consumeQueues,
        index,
        indexDirExisted,
        checkpoint: checkpoint.loaded,
        abnormal,
        redispatch: (record, toQueue, toIndex) => redispatchRecord(opts, consumeQueues, index, record, toQueue, toIndex),
      });
      const store = new MessageStore(opts, commitLog, consumeQueues, index, checkpoint, releaseLock, outcome.info);
      store.dispatchedOffset = outcome.end;
      commitLog.onPersisted = store.dispatch;
      fs.writeFileSync(abortFile, '');
      commitLog.start();
      store.startServices();
      opts.logger.log(
        `Message store opened at ${root} (${outcome.info.mode}, ${outcome.info.durationMs.toFixed(1)} ms, commit log ${commitLog.minOffset}..${outcome.end})`,
        'MessageStore',
      );
      return store;
    } catch (err) {
      releaseLock(false);
      throw err;
    }
  }

  private startServices(): void {
    this.checkpointTimer = setInterval(() => void this.runCheckpoint(), this.options.checkpointIntervalMs);
    this.checkpointTimer.unref();
    if (this.options.cleanResourceIntervalMs > 0) {
      this.retentionTimer = setInterval(() => void this.cleanExpiredFiles().catch(() => {}), this.options.cleanResourceIntervalMs);
      this.retentionTimer.unref();
      void this.retention.checkDisk();
    }
  }

  // ============================================================================================ put

  private checkWritable(): void {
    if (this.state !== 'open') throw new StoreUnavailableError('The message store is shut down', 'SHUTDOWN');
    if (this.retention.diskFull) {
      throw new StoreUnavailableError(
        `The broker's disk is full (${this.retention.diskUsedRatio.toFixed(1)}% used, limit ${this.options.diskSpaceWarningLevelRatio}%); free space or lower fileReservedTime`,
        'DISK_FULL',
      );
    }
  }

  /** Validate `input` and copy it into the scratch record (everything but offsets and store time). */
  private fill(input: PutMessageInput): void {
    if (!input.topic) throw new MessageIllegalError('A message needs a topic');
    if (input.body.length > this.options.maxMessageSize) {
      throw new MessageIllegalError(
        `The message body is ${input.body.length} bytes; this broker accepts at most ${this.options.maxMessageSize} (maxMessageSize)`,
        'MESSAGE_SIZE_EXCEEDED',
      );
    }
    if (!Number.isInteger(input.queueId) || input.queueId < 0 || input.queueId > 0x7fffffff) {
      throw new MessageIllegalError(`Queue id ${input.queueId} is not a non-negative int32`);
    }
    const flag = input.flag ?? 0;
    const sysFlag = input.sysFlag ?? 0;
    const reconsumeTimes = input.reconsumeTimes ?? 0;
    if (!isInt32(flag) || !isInt32(sysFlag) || !isInt32(reconsumeTimes)) {
      throw new MessageIllegalError('flag, sysFlag and reconsumeTimes must be int32 values');
    }
    const s = this.scratch;
    s.topic = input.topic;
    s.queueId = input.queueId;
    s.flag = flag;
    s.sysFlag = sysFlag;
    s.bornTimestamp = input.bornTimestamp;
    s.bornHost = typeof input.bornHost === 'string' ? encodeSocketAddress(input.bornHost) : input.bornHost;
    s.reconsumeTimes = reconsumeTimes;
    s.preparedTransactionOffset = input.preparedTransactionOffset ?? 0;
    s.body = input.body;
    s.properties = input.properties;
  }

  /** Validate `input`, fill the scratch record and return its stored size. */
  private prepare(input: PutMessageInput): number {
    let size: number;
    try {
      this.fill(input);
      size = storedMessageSize(this.scratch);
    } catch (err) {
      if (err instanceof MessageIllegalError) throw err;
      const message = (err as Error).message;
      throw new MessageIllegalError(message, message.includes('properties') ? 'PROPERTIES_SIZE_EXCEEDED' : 'MESSAGE_ILLEGAL', { cause: err });
    }
    if (size > this.options.maxRecordSize || size > this.commitLog.maxAppendSize) {
      throw new MessageIllegalError(
        `The stored message would take ${size} bytes; at most ${Math.min(this.options.maxRecordSize, this.commitLog.maxAppendSize)} fit (maxMessageSize + 64 KiB, and the commit-log file size)`,
        'MESSAGE_SIZE_EXCEEDED',
      );
    }
    return size;
  }

  private queueFor(topic: string, queueId: number): ConsumeQueue {
    const existing = this.consumeQueues.find(topic, queueId);
    if (existing && !existing.isDeleted) return existing;
    checkTopicForDisk(topic);
    return this.consumeQueues.findOrCreate(topic, queueId);
  }

  private tagsCodeOf(input: PutMessageInput, storeTimestamp: number): number {
    if (input.tagsCode !== undefined) return input.tagsCode;
    return this.options.computeTagsCode?.(input.topic, input.properties, storeTimestamp) ?? defaultTagsCode(input.properties);
  }

  private waitsForFlush(input: PutMessageInput): boolean {
    if (this.options.flushDiskType !== 'SYNC') return false;
    return input.waitStoreMsgOK ?? findProperty(input.properties, MessageConst.WAIT) !== 'false';
  }

  /** Encode `input` (already in the scratch record) at `pos` of the reservation with its offsets; returns its dispatch entry. */
  private encode(input: PutMessageInput, buffer: Buffer, pos: number, commitLogOffset: number, size: number, now: number): DispatchEntry {
    const sysFlag = input.sysFlag ?? 0;
    const queued = entersQueue(sysFlag);
    const cq = queued ? this.queueFor(input.topic, input.queueId) : undefined;
    const queueOffset = cq ? cq.nextOffset : 0;
    const s = this.scratch;
    s.queueOffset = queueOffset;
    s.commitLogOffset = commitLogOffset;
    s.storeTimestamp = now;
    writeStoredMessage(buffer, pos, s);
    if (cq) cq.nextOffset++;
    const indexed = this.index !== undefined;
    return new DispatchEntry(
      input.topic,
      input.queueId,
      queueOffset,
      commitLogOffset,
      size,
      queued ? this.tagsCodeOf(input, now) : 0,
      now,
      sysFlag,
      indexed ? findProperty(input.properties, MessageConst.KEYS) : undefined,
      indexed ? findProperty(input.properties, MessageConst.UNIQ_KEY) : undefined,
    );
  }

  /** Append one message. Rejects with MessageIllegalError (→ MESSAGE_ILLEGAL) or StoreUnavailableError (→ SERVICE_NOT_AVAILABLE). */
  putMessage(input: PutMessageInput): Promise<PutMessageResult> {
    let waiter: PutWaiter<PutMessageResult>;
    let promise: Promise<PutMessageResult>;
    try {
      this.checkWritable();
      const size = this.prepare(input);
      const now = this.options.now();
      const r = this.commitLog.reserve(size);
      const entry = this.encode(input, r.buffer, r.position, r.offset, size, now);
      const result: PutMessageResult = {
        status: 'PUT_OK',
        commitLogOffset: r.offset,
        queueOffset: entry.queueOffset,
        storeTimestamp: now,
        msgId: createOffsetMessageId(this.storeHostBytes, r.offset),
        size,
        flushed: false,
      };
      promise = new Promise<PutMessageResult>((resolve, reject) => {
        waiter = new PutWaiter(this.waitsForFlush(input), result, resolve, reject);
      });
      this.commitLog.commit(r, size, entry, waiter!);
      this.putCount++;
      this.putBytes += size;
    } catch (err) {
      return Promise.reject(err);
    }
    return promise;
  }

  /** Append a batch (SEND_BATCH_MESSAGE): consecutive records in one write, consecutive queue offsets per queue. */
  putMessages(inputs: readonly PutMessageInput[]): Promise<PutMessagesResult> {
    try {
      this.checkWritable();
      if (inputs.length === 0) throw new MessageIllegalError('A batch needs at least one message');
      const sizes = inputs.map((input) => this.prepare(input));
      let total = 0;
      for (const s of sizes) total += s;
      if (total > this.options.maxRecordSize || total > this.commitLog.maxAppendSize) {
        throw new MessageIllegalError(
          `The batch would take ${total} bytes once stored; at most ${Math.min(this.options.maxRecordSize, this.commitLog.maxAppendSize)} fit in one append`,
          'MESSAGE_SIZE_EXCEEDED',
        );
      }
      for (const input of inputs) if (entersQueue(input.sysFlag ?? 0)) this.queueFor(input.topic, input.queueId);
      const now = this.options.now();
      const r = this.commitLog.reserve(total);
      const entries: DispatchEntry[] = [];
      const msgIds: string[] = [];
      let pos = r.position;
      let offset = r.offset;
      for (let i = 0; i < inputs.length; i++) {
        this.fill(inputs[i]!);
        entries.push(this.encode(inputs[i]!, r.buffer, pos, offset, sizes[i]!, now));
        msgIds.push(createOffsetMessageId(this.storeHostBytes, offset));
        pos += sizes[i]!;
        offset += sizes[i]!;
      }
      const result: PutMessagesResult = {
        status: 'PUT_OK',
        commitLogOffset: r.offset,
        queueOffset: entries[0]!.queueOffset,
        storeTimestamp: now,
        msgIds,
        msgId: msgIds.join(','),
        count: inputs.length,
        size: total,
        flushed: false,
      };
      let waiter: PutWaiter<PutMessagesResult>;
      const promise = new Promise<PutMessagesResult>((resolve, reject) => {
        waiter = new PutWaiter(this.waitsForFlush(inputs[0]!), result, resolve, reject);
      });
      this.commitLog.commit(r, total, entries, waiter!);
      this.putCount += inputs.length;
      this.putBytes += total;
      return promise;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  // ============================================================================================ dispatch

  private readonly dispatch = (entries: DispatchEntry[], logicalEnd: number): void => {
    const index = this.index;
    for (const e of entries) {
      if (entersQueue(e.sysFlag)) {
        const cq = this.consumeQueues.findOrCreate(e.topic, e.queueId);
        if (cq.put(e.commitLogOffset, e.size, e.tagsCode, e.queueOffset) && this.listeners.size > 0) {
          for (const listener of this.listeners) {
            try {
              listener(e);
            } catch (err) {
              this.options.logger.error(`A dispatch listener threw: ${(err as Error).message}`, (err as Error).stack, 'MessageStore');
            }
          }
        }
      }
      if (index && (e.keys || e.uniqKey) && (e.sysFlag & TX_MASK) !== MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) {
        index.add(e.topic, splitKeys(e.keys), e.uniqKey, e.commitLogOffset, e.storeTimestamp);
      }
      this.lastDispatchTimestamp = e.storeTimestamp;
    }
    this.dispatchedOffset = logicalEnd;
    index?.markDispatched(logicalEnd);
  };

  /** Listen to messages entering consume queues (long polling). Returns the unsubscribe function. */
  onDispatched(listener: DispatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ============================================================================================ read

  private getResult(status: GetMessageStatus, next: number, min: number, max: number): GetMessageResult {
    this.getMiss++;
    return { status, records: [], body: EMPTY, queueOffsets: [], bufferTotalSize: 0, nextBeginOffset: next, minOffset: min, maxOffset: max };
  }

  /** Read up to `maxCount` messages of a queue from `offset` (`DefaultMessageStore.getMessage`). */
  async getMessages(request: GetMessagesRequest): Promise<GetMessageResult> {
    const { offset } = request;
    const cq = this.consumeQueues.find(request.topic, request.queueId);
    if (!cq || cq.isDeleted) return this.getResult('NO_MATCHED_LOGIC_QUEUE', 0, 0, 0);
    const min = cq.minOffset;
    const max = cq.maxOffset;
    if (max === 0) return this.getResult('NO_MESSAGE_IN_QUEUE', 0, min, max);
    if (offset < min) return this.getResult('OFFSET_TOO_SMALL', min, min, max);
    if (offset === max) return this.getResult('OFFSET_OVERFLOW_ONE', offset, min, max);
    if (offset > max) return this.getResult('OFFSET_OVERFLOW_BADLY', max, min, max);

    const maxCount = Math.max(1, request.maxCount);
    const maxBytes = Math.max(100, request.maxBytes ?? this.options.maxTransferBytes);
    const scanLimit = Math.max(MIN_SCAN_UNITS, maxCount);
    const clMin = this.commitLog.minOffset;
    const offsets: number[] = [];
    const sizes: number[] = [];
    const queueOffsets: number[] = [];
    let status: GetMessageStatus = 'NO_MATCHED_MESSAGE';
    let next = offset;
    let bytes = 0;
    scan: while (next < max && next - offset < scanLimit) {
      const units = await cq.readEntries(next, Math.min(scanLimit - (next - offset), max - next, Math.max(64, maxCount * 2)));
      if (!units) {
        if (offsets.length === 0) status = 'OFFSET_FOUND_NULL';
        break;
      }
      const base = next;
      const n = units.length / CQ_UNIT_SIZE;
      for (let i = 0; i < n; i++) {
        const pos = i * CQ_UNIT_SIZE;
        const phy = readLong(units, pos);
        const size = units.readInt32BE(pos + 8);
        if (offsets.length > 0 && (offsets.length >= maxCount || bytes + size > maxBytes)) break scan;
        next = base + i + 1;
        if (!isRealEntry(phy, size)) continue;
        if (phy < clMin) {
          if (offsets.length === 0) status = 'MESSAGE_WAS_REMOVING';
          continue;
        }
        if (request.filter && !request.filter(readLong(units, pos + 12), phy)) continue;
        offsets.push(phy);
        sizes.push(size);
        queueOffsets.push(base + i);
        bytes += size;
      }
    }

    const records: Buffer[] = [];
    const recordOffsets: number[] = [];
    let body = EMPTY;
    let total = 0;
    if (offsets.length > 0) {
      const read = await this.commitLog.readMany(offsets, sizes);
      body = read.body;
      for (let k = 0; k < offsets.length; k++) {
        const at = read.positions[k]!;
        const size = sizes[k]!;
        if (at < 0 || body.readInt32BE(at) !== size) {
          if (records.length === 0 && status !== 'FOUND') status = 'MESSAGE_WAS_REMOVING';
          continue;
        }
        if (request.recordFilter && !request.recordFilter(body.subarray(at, at + size))) continue;
        // keep the kept records back to back at the front of `body`
        if (at !== total) body.copyWithin(total, at, at + size);
        records.push(body.subarray(total, total + size));
        recordOffsets.push(queueOffsets[k]!);
        total += size;
        status = 'FOUND';
      }
      body = body.subarray(0, total);
    }
    if (status === 'FOUND') this.getFound++;
    else this.getMiss++;
    return { status, records, body, queueOffsets: recordOffsets, bufferTotalSize: total, nextBeginOffset: next, minOffset: min, maxOffset: max };
  }

  /** Next queue offset of (topic, queueId): the number of messages ever dispatched to it; 0 for unknown queues. */
  maxOffset(topic: string, queueId: number): number {
    return this.consumeQueues.find(topic, queueId)?.maxOffset ?? 0;
  }

  /** Lowest queue offset still readable; 0 for unknown queues. */
  minOffset(topic: string, queueId: number): number {
    return this.consumeQueues.find(topic, queueId)?.minOffset ?? 0;
  }

  /** The consume-queue entry at `queueOffset`. */
  async lookup(topic: string, queueId: number, queueOffset: number): Promise<ConsumeQueueEntry | undefined> {
    const units = await this.consumeQueues.find(topic, queueId)?.readEntries(queueOffset, 1);
    if (!units) return undefined;
    return { queueOffset, commitLogOffset: readLong(units, 0), size: units.readInt32BE(8), tagsCode: readLong(units, 12) };
  }

  /** Store timestamp of the message at `queueOffset`, or -1. */
  async messageStoreTime(topic: string, queueId: number, queueOffset: number): Promise<number> {
    const entry = await this.lookup(topic, queueId, queueOffset);
    if (!entry || !isRealEntry(entry.commitLogOffset, entry.size)) return -1;
    return this.storeTimeAt(entry.commitLogOffset, entry.size);
  }

  private async storeTimeAt(commitLogOffset: number, size: number): Promise<number> {
    if (commitLogOffset < this.commitLog.minOffset) return -1;
    const head = await this.commitLog.read(commitLogOffset, Math.min(size, 84));
    return head ? recordStoreTimestamp(head) : -1;
  }

  /** Store timestamp of the oldest message still in the queue, or -1. */
  earliestMessageTime(topic: string, queueId: number): Promise<number> {
    return this.messageStoreTime(topic, queueId, this.minOffset(topic, queueId));
  }

  /**
   * Queue offset for a time (SEARCH_OFFSET_BY_TIMESTAMP), by binary search over store timestamps.
   * `LOWER` (default): the first message stored at or after `timestamp` (maxOffset when none);
   * `UPPER`: the last message stored at or before it (minOffset when none).
   */
  async offsetByTime(topic: string, queueId: number, timestamp: number, boundary: 'LOWER' | 'UPPER' = 'LOWER'): Promise<number> {
    const cq = this.consumeQueues.find(topic, queueId);
    if (!cq) return 0;
    const min = cq.minOffset;
    const max = cq.maxOffset;
    if (min >= max) return max;
    const timeAt = async (o: number): Promise<number> => {
      const units = await cq.readEntries(o, 1);
      if (!units) return -1;
      const phy = readLong(units, 0);
      const size = units.readInt32BE(8);
      return isRealEntry(phy, size) ? this.storeTimeAt(phy, size) : -1;
    };
    if (boundary === 'LOWER') {
      let lo = min;
      let hi = max; // first o in [lo, hi) with time >= timestamp, hi when none
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if ((await timeAt(mid)) >= timestamp) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    }
    let lo = min - 1;
    let hi = max - 1; // last o with time <= timestamp, min when none
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if ((await timeAt(mid)) <= timestamp) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(lo, min);
  }

  /** The record at a commit-log offset (VIEW_MESSAGE_BY_ID, transaction check-back), or undefined. */
  messageAt(commitLogOffset: number): Promise<Buffer | undefined> {
    return this.commitLog.readRecord(commitLogOffset);
  }

  /** Messages of `topic` whose KEYS contain `key`, stored within [begin, end] (QUERY_MESSAGE). */
  queryByKey(topic: string, key: string, maxNum = DEFAULT_QUERY_MAX_NUM, begin = 0, end = Number.MAX_SAFE_INTEGER): Promise<QueryMessageResult> {
    return this.query(topic, key, maxNum, begin, end, (props) => splitKeys(props[MessageConst.KEYS]).includes(key));
  }

  /** Messages of `topic` whose UNIQ_KEY (client msgId) is `uniqKey`, stored within [begin, end]. */
  queryByUniqueKey(topic: string, uniqKey: string, maxNum = DEFAULT_QUERY_MAX_NUM, begin = 0, end = Number.MAX_SAFE_INTEGER): Promise<QueryMessageResult> {
    return this.query(topic, uniqKey, maxNum, begin, end, (props) => props[MessageConst.UNIQ_KEY] === uniqKey);
  }

  private async query(
    topic: string,
    key: string,
    maxNum: number,
    begin: number,
    end: number,
    matches: (properties: Record<string, string>) => boolean,
  ): Promise<QueryMessageResult> {
    const result: QueryMessageResult = { records: [], commitLogOffsets: [], indexLastUpdateTimestamp: 0, indexLastUpdatePhyoffset: 0 };
    if (!this.index) return result;
    const found = await this.index.query(topic, key, maxNum, begin, end);
    result.indexLastUpdateTimestamp = found.indexLastUpdateTimestamp;
    result.indexLastUpdatePhyoffset = found.indexLastUpdatePhyoffset;
    for (const offset of found.offsets) {
      const record = await this.commitLog.readRecord(offset);
      if (!record) continue;
      try {
        const msg = decodeStoredMessage(record, 0, { decompress: false });
        if (msg.topic !== topic || !matches(msg.properties)) continue;
      } catch {
        continue;
      }
      result.records.push(record);
      result.commitLogOffsets.push(offset);
    }
    return result;
  }

  /** Topics that have consume queues. */
  topics(): string[] {
    return this.consumeQueues.topics();
  }

  /** Queue ids of a topic that have consume queues, ascending. */
  queueIds(topic: string): number[] {
    return this.consumeQueues
      .queues(topic)
      .map((q) => q.queueId)
      .sort((a, b) => a - b);
  }

  /** Drop a topic's consume queues (its records stay in the commit log until retention). */
  deleteTopic(topic: string): boolean {
    return this.consumeQueues.deleteTopic(topic);
  }

  // ============================================================================================ housekeeping

  /** Flush consume queues and index, then write the checkpoint (runs every `checkpointIntervalMs`). */
  runCheckpoint(): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    this.checkpointRun ??= (async () => {
      const logics = this.dispatchedOffset;
      const logicsTimestamp = this.lastDispatchTimestamp;
      await this.commitLog.flush();
      await this.consumeQueues.flushAll();
      const indexOffset = this.index ? await this.index.flush() : logics;
      await this.checkpoint.write({
        physicOffset: this.commitLog.flushedOffset,
        logicsOffset: logics,
        indexOffset,
        physicTimestamp: logicsTimestamp,
        logicsTimestamp,
        indexTimestamp: this.index?.lastTimestamp ?? logicsTimestamp,
      });
    })()
      .catch((err: Error) => this.options.logger.error(`Checkpoint failed: ${err.message}`, err.stack, 'MessageStore'))
      .finally(() => {
        this.checkpointRun = undefined;
      });
    return this.checkpointRun;
  }

  /** One retention pass (runs every `cleanResourceIntervalMs`); `force` ignores file age (DELETE_EXPIRED_COMMITLOG). */
  cleanExpiredFiles(force = false): Promise<RetentionResult> {
    this.retentionRun ??= this.retention.run(force).finally(() => {
      this.retentionRun = undefined;
    });
    return this.retentionRun;
  }

  stats(): StoreStats {
    let messages = 0;
    for (const cq of this.consumeQueues.all()) messages += cq.maxOffset - cq.minOffset;
    return {
      commitLog: {
        minOffset: this.commitLog.minOffset,
        maxOffset: this.commitLog.maxOffset,
        flushedOffset: this.commitLog.flushedOffset,
        dispatchedOffset: this.dispatchedOffset,
        segments: this.commitLog.segments.segments.length,
        bytesOnDisk: this.commitLog.segments.totalBytes,
        fsyncCount: this.commitLog.fsyncCount,
        cachedBytes: this.commitLog.cachedBytes,
      },
      consumeQueues: this.consumeQueues.size,
      messagesInQueues: messages,
      putMessageCount: this.putCount,
      putMessageBytes: this.putBytes,
      getMessageFoundCount: this.getFound,
      getMessageMissCount: this.getMiss,
      indexFiles: this.index?.fileCount ?? 0,
      diskUsedRatio: this.retention.diskUsedRatio,
      diskFull: this.retention.diskFull,
      recovery: this.recovery,
    };
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  private stopTimers(): void {
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.checkpointTimer = this.retentionTimer = undefined;
  }

  /** Clean shutdown: finish pending puts, flush everything, write the checkpoint, remove the abort marker. */
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.stopTimers();
    try {
      await this.commitLog.quiesce();
      if (this.retentionRun) await this.retentionRun.catch(() => {});
      if (this.checkpointRun) await this.checkpointRun;
      await this.consumeQueues.flushAll();
      await this.index?.closeClean();
      const end = this.commitLog.maxOffset;
      const clean = !this.commitLog.failed && this.commitLog.flushedOffset === end && this.dispatchedOffset === end;
      if (clean) {
        await this.checkpoint.write({
          physicOffset: end,
          logicsOffset: end,
          indexOffset: end,
          physicTimestamp: this.lastDispatchTimestamp,
          logicsTimestamp: this.lastDispatchTimestamp,
          indexTimestamp: this.index?.lastTimestamp ?? this.lastDispatchTimestamp,
        });
      }
      await this.checkpoint.close();
      this.commitLog.close();
      this.consumeQueues.close();
      if (clean) fs.rmSync(path.join(this.options.storePath, 'abort'), { force: true });
      else this.options.logger.warn('The store could not flush everything; the next start will recover as after a crash', 'MessageStore');
    } finally {
      this.state = 'closed';
      this.releaseLock(true);
    }
  }

  /**
   * Stop as a crash would: nothing more is written or flushed, pending puts fail, the abort marker stays, so the
   * next `open` recovers. For crash drills and tests.
   */
  kill(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.stopTimers();
    this.commitLog.abort(new StoreUnavailableError('The message store was killed', 'SHUTDOWN'));
    this.commitLog.close();
    this.consumeQueues.close();
    this.index?.close();
    this.checkpoint.closeSync();
    this.releaseLock(false);
  }
}
