/** Inputs and results of the `MessageStore` facade (names follow `PutMessageResult` / `GetMessageResult`). */

/** One message to append; the store fills queue offset, commit-log offset, store timestamp and store host. */
export interface PutMessageInput {
  topic: string;
  queueId: number;
  /** Stored as is (already compressed when `sysFlag` says so). */
  body: Buffer;
  /** Properties string (`propertiesToString`); TAGS, KEYS, UNIQ_KEY and WAIT are read from it. */
  properties: string;
  flag?: number;
  /** Transaction bits decide the queue: PREPARED and ROLLBACK records get queue offset 0 and no consume-queue entry. */
  sysFlag?: number;
  bornTimestamp: number;
  /** Producer address: 8/20 encoded bytes (`encodeSocketAddress`) or `ip:port`. */
  bornHost: Buffer | string;
  reconsumeTimes?: number;
  preparedTransactionOffset?: number;
  /** Consume-queue tags code; default `computeTagsCode` option, else the Java hash of TAGS. */
  tagsCode?: number;
  /** SYNC flush only: wait for the disk (default: the WAIT property, true unless "false"). */
  waitStoreMsgOK?: boolean;
}

/** `PUT_OK`, or `FLUSH_DISK_TIMEOUT` when a SYNC flush did not finish in time (the message is stored anyway). */
export type PutMessageStatus = 'PUT_OK' | 'FLUSH_DISK_TIMEOUT';

export interface PutMessageResult {
  status: PutMessageStatus;
  commitLogOffset: number;
  queueOffset: number;
  storeTimestamp: number;
  /** Offset message id (store host + commit-log offset), the SEND response's msgId. */
  msgId: string;
  /** Record size in bytes. */
  size: number;
  /** Whether the record was fdatasync'ed when the put resolved. */
  flushed: boolean;
}

export interface PutMessagesResult {
  status: PutMessageStatus;
  /** Offset of the first record. */
  commitLogOffset: number;
  /** Queue offset of the first message. */
  queueOffset: number;
  storeTimestamp: number;
  /** Offset message ids, one per message. */
  msgIds: string[];
  /** `msgIds` joined with ',' (SEND_BATCH_MESSAGE's msgId header). */
  msgId: string;
  /** Messages stored. */
  count: number;
  /** Bytes of all records. */
  size: number;
  flushed: boolean;
}

/** `GetMessageStatus` (`DefaultMessageStore.getMessage`, see the broker reference §5.2). */
export type GetMessageStatus =
  | 'FOUND'
  | 'NO_MATCHED_MESSAGE'
  | 'MESSAGE_WAS_REMOVING'
  | 'OFFSET_FOUND_NULL'
  | 'OFFSET_OVERFLOW_BADLY'
  | 'OFFSET_OVERFLOW_ONE'
  | 'OFFSET_TOO_SMALL'
  | 'NO_MATCHED_LOGIC_QUEUE'
  | 'NO_MESSAGE_IN_QUEUE';

export interface GetMessagesRequest {
  topic: string;
  queueId: number;
  /** Queue offset to read from. */
  offset: number;
  /** Messages to return at most (the pull's maxMsgNums). */
  maxCount: number;
  /** Bytes to return at most (at least one message is returned); default the `maxTransferBytes` option. */
  maxBytes?: number;
  /** Consume-queue filter (tags codes): entries it rejects are skipped and count as consumed. */
  filter?: (tagsCode: number, commitLogOffset: number) => boolean;
  /** Filter on the stored record itself (SQL92 on properties): rejected records are skipped. */
  recordFilter?: (record: Buffer) => boolean;
}

export interface GetMessageResult {
  status: GetMessageStatus;
  /** The records back to back: the PULL response body as is (a copy; the store keeps no reference). */
  body: Buffer;
  /** The stored records, views into `body`. */
  records: Buffer[];
  /** Queue offset of each record. */
  queueOffsets: number[];
  bufferTotalSize: number;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
}

export interface QueryMessageResult {
  /** Matching records, newest first. */
  records: Buffer[];
  commitLogOffsets: number[];
  /** Store time of the newest indexed message. */
  indexLastUpdateTimestamp: number;
  /** Commit-log offset the index has reached. */
  indexLastUpdatePhyoffset: number;
}

/** A message that just entered its consume queue (what long polling listens to). */
export interface DispatchedMessage {
  readonly topic: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly commitLogOffset: number;
  readonly size: number;
  readonly tagsCode: number;
  readonly storeTimestamp: number;
  readonly sysFlag: number;
}

export type DispatchListener = (message: DispatchedMessage) => void;

export interface RecoveryInfo {
  /** `fresh`: no commit log; `clean`: after a clean shutdown; `crash`: the abort marker was present (or no checkpoint). */
  mode: 'fresh' | 'clean' | 'crash';
  /** Commit-log bytes read and validated during recovery. */
  scannedBytes: number;
  /** Records re-dispatched to consume queues / index. */
  redispatched: number;
  /** Where the commit log was cut, when a torn or corrupt record was found. */
  truncatedAt: number | undefined;
  truncateReason: string | undefined;
  durationMs: number;
}

export interface StoreStats {
  commitLog: {
    minOffset: number;
    maxOffset: number;
    flushedOffset: number;
    dispatchedOffset: number;
    segments: number;
    bytesOnDisk: number;
    fsyncCount: number;
    cachedBytes: number;
  };
  consumeQueues: number;
  /** Sum over queues of maxOffset − minOffset. */
  messagesInQueues: number;
  putMessageCount: number;
  putMessageBytes: number;
  getMessageFoundCount: number;
  getMessageMissCount: number;
  indexFiles: number;
  /** Used space of the store's file system (%), as of the last retention run. */
  diskUsedRatio: number;
  diskFull: boolean;
  recovery: RecoveryInfo;
}
