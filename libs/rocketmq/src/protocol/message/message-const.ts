/**
 * Message property names, message sysFlag bits and permission bits, as defined by Apache RocketMQ
 * (`common/.../message/MessageConst.java`, `sysflag/MessageSysFlag.java`, `constant/PermName.java`).
 *
 * Constant names are the wire names where those are plain identifiers; the few wire names that are not
 * (`__transactionId__`, `__SHARDINGKEY`, `1ST_POP_TIME`, `__BORNHOST`, `__CRC32#`) get a readable constant name.
 */
export const MessageConst = {
  KEYS: 'KEYS',
  TAGS: 'TAGS',
  /** `true`/`false`: wait for flush/replication before answering the send. Java sets it on every new Message. */
  WAIT: 'WAIT',
  /** Delay level 1..18. */
  DELAY: 'DELAY',
  RETRY_TOPIC: 'RETRY_TOPIC',
  REAL_TOPIC: 'REAL_TOPIC',
  REAL_QID: 'REAL_QID',
  TRAN_MSG: 'TRAN_MSG',
  PGROUP: 'PGROUP',
  MIN_OFFSET: 'MIN_OFFSET',
  MAX_OFFSET: 'MAX_OFFSET',
  BUYER_ID: 'BUYER_ID',
  ORIGIN_MESSAGE_ID: 'ORIGIN_MESSAGE_ID',
  TRANSFER_FLAG: 'TRANSFER_FLAG',
  CORRECTION_FLAG: 'CORRECTION_FLAG',
  MQ2_FLAG: 'MQ2_FLAG',
  RECONSUME_TIME: 'RECONSUME_TIME',
  MSG_REGION: 'MSG_REGION',
  TRACE_ON: 'TRACE_ON',
  UNIQ_KEY: 'UNIQ_KEY',
  EXTEND_UNIQ_INFO: 'EXTEND_UNIQ_INFO',
  MAX_RECONSUME_TIMES: 'MAX_RECONSUME_TIMES',
  CONSUME_START_TIME: 'CONSUME_START_TIME',
  INNER_NUM: 'INNER_NUM',
  INNER_BASE: 'INNER_BASE',
  DUP_INFO: 'DUP_INFO',
  CHECK_IMMUNITY_TIME_IN_SECONDS: 'CHECK_IMMUNITY_TIME_IN_SECONDS',
  TRAN_PREPARED_QUEUE_OFFSET: 'TRAN_PREPARED_QUEUE_OFFSET',
  /** `__transactionId__` (5.x Java stores the send-response transactionId here). */
  TRANSACTION_ID: '__transactionId__',
  TRANSACTION_CHECK_TIMES: 'TRANSACTION_CHECK_TIMES',
  INSTANCE_ID: 'INSTANCE_ID',
  CORRELATION_ID: 'CORRELATION_ID',
  REPLY_TO_CLIENT: 'REPLY_TO_CLIENT',
  TTL: 'TTL',
  ARRIVE_TIME: 'ARRIVE_TIME',
  PUSH_REPLY_TIME: 'PUSH_REPLY_TIME',
  CLUSTER: 'CLUSTER',
  MSG_TYPE: 'MSG_TYPE',
  POP_CK: 'POP_CK',
  POP_CK_OFFSET: 'POP_CK_OFFSET',
  /** `1ST_POP_TIME` */
  FIRST_POP_TIME: '1ST_POP_TIME',
  /** `__SHARDINGKEY` (5.x FIFO marker). */
  SHARDING_KEY: '__SHARDINGKEY',
  FORWARD_QUEUE_ID: 'PROPERTY_FORWARD_QUEUE_ID',
  REDIRECT: 'REDIRECT',
  INNER_MULTI_DISPATCH: 'INNER_MULTI_DISPATCH',
  INNER_MULTI_QUEUE_OFFSET: 'INNER_MULTI_QUEUE_OFFSET',
  TRACE_CONTEXT: 'TRACE_CONTEXT',
  TIMER_DELAY_SEC: 'TIMER_DELAY_SEC',
  TIMER_DELAY_MS: 'TIMER_DELAY_MS',
  TIMER_DELIVER_MS: 'TIMER_DELIVER_MS',
  TIMER_ENQUEUE_MS: 'TIMER_ENQUEUE_MS',
  TIMER_DEQUEUE_MS: 'TIMER_DEQUEUE_MS',
  TIMER_ROLL_TIMES: 'TIMER_ROLL_TIMES',
  TIMER_OUT_MS: 'TIMER_OUT_MS',
  TIMER_DEL_UNIQKEY: 'TIMER_DEL_UNIQKEY',
  TIMER_DELAY_LEVEL: 'TIMER_DELAY_LEVEL',
  /** `__BORNHOST` */
  BORN_HOST: '__BORNHOST',
  BORN_TIMESTAMP: 'BORN_TIMESTAMP',
  /** `__CRC32#`: optional whole-record CRC the 5.x store appends (`enabledAppendPropCRC`). */
  CRC32: '__CRC32#',
  DLQ_ORIGIN_TOPIC: 'DLQ_ORIGIN_TOPIC',
  DLQ_ORIGIN_MESSAGE_ID: 'DLQ_ORIGIN_MESSAGE_ID',
  /** Properties starting with this prefix are never stored by the broker. */
  TRANSIENT_PREFIX: '__RMQ.TRANSIENT.',
  TRANSIENT_TOPIC_CONFIG: '__RMQ.TRANSIENT.TOPIC_SYS_FLAG',
  TRANSIENT_GROUP_CONFIG: '__RMQ.TRANSIENT.GROUP_SYS_FLAG',
  /** Separator of the values in `KEYS`. */
  KEY_SEPARATOR: ' ',
} as const;

export type MessageConstName = (typeof MessageConst)[keyof typeof MessageConst];

/**
 * Names users may not set through `putUserProperty` (Java `MessageConst.STRING_HASH_SET`, 5.3 line).
 * Note that, as in Java, `__transactionId__` and `__SHARDINGKEY` are not part of it.
 */
export const SYSTEM_PROPERTY_NAMES: ReadonlySet<string> = new Set<string>([
  MessageConst.TRACE_ON,
  MessageConst.MSG_REGION,
  MessageConst.KEYS,
  MessageConst.TAGS,
  MessageConst.WAIT,
  MessageConst.DELAY,
  MessageConst.RETRY_TOPIC,
  MessageConst.REAL_TOPIC,
  MessageConst.REAL_QID,
  MessageConst.TRAN_MSG,
  MessageConst.PGROUP,
  MessageConst.MIN_OFFSET,
  MessageConst.MAX_OFFSET,
  MessageConst.BUYER_ID,
  MessageConst.ORIGIN_MESSAGE_ID,
  MessageConst.TRANSFER_FLAG,
  MessageConst.CORRECTION_FLAG,
  MessageConst.MQ2_FLAG,
  MessageConst.RECONSUME_TIME,
  MessageConst.UNIQ_KEY,
  MessageConst.MAX_RECONSUME_TIMES,
  MessageConst.CONSUME_START_TIME,
  MessageConst.POP_CK,
  MessageConst.POP_CK_OFFSET,
  MessageConst.FIRST_POP_TIME,
  MessageConst.TRAN_PREPARED_QUEUE_OFFSET,
  MessageConst.DUP_INFO,
  MessageConst.EXTEND_UNIQ_INFO,
  MessageConst.INSTANCE_ID,
  MessageConst.CORRELATION_ID,
  MessageConst.REPLY_TO_CLIENT,
  MessageConst.TTL,
  MessageConst.ARRIVE_TIME,
  MessageConst.PUSH_REPLY_TIME,
  MessageConst.CLUSTER,
  MessageConst.MSG_TYPE,
  MessageConst.INNER_MULTI_QUEUE_OFFSET,
  MessageConst.TIMER_DELAY_MS,
  MessageConst.TIMER_DELAY_SEC,
  MessageConst.TIMER_DELIVER_MS,
  MessageConst.TIMER_ENQUEUE_MS,
  MessageConst.TIMER_DEQUEUE_MS,
  MessageConst.TIMER_ROLL_TIMES,
  MessageConst.TIMER_OUT_MS,
  MessageConst.TIMER_DEL_UNIQKEY,
  MessageConst.TIMER_DELAY_LEVEL,
  MessageConst.BORN_HOST,
  MessageConst.BORN_TIMESTAMP,
  MessageConst.DLQ_ORIGIN_TOPIC,
  MessageConst.DLQ_ORIGIN_MESSAGE_ID,
  MessageConst.CRC32,
]);

export function isSystemProperty(name: string): boolean {
  return SYSTEM_PROPERTY_NAMES.has(name);
}

/** Bits of a message's `sysFlag` (`MessageSysFlag.java`). */
export const MessageSysFlag = {
  COMPRESSED: 0x1,
  /** Set by the broker for MULTI_TAG topics. */
  MULTI_TAGS: 0x2,
  TRANSACTION_NOT_TYPE: 0x0,
  TRANSACTION_PREPARED_TYPE: 0x4,
  TRANSACTION_COMMIT_TYPE: 0x8,
  TRANSACTION_ROLLBACK_TYPE: 0xc,
  /** Mask of the two transaction-type bits. */
  TRANSACTION_MASK: 0xc,
  BORNHOST_V6: 0x10,
  STOREHOSTADDRESS_V6: 0x20,
  /** 5.x inner batch. */
  NEED_UNWRAP: 0x40,
  /** 5.x inner batch. */
  INNER_BATCH: 0x80,
  COMPRESSION_LZ4_TYPE: 0x100,
  COMPRESSION_ZSTD_TYPE: 0x200,
  COMPRESSION_ZLIB_TYPE: 0x300,
  /** Mask of the compression-type bits (8..10); 0 means legacy, i.e. zlib. */
  COMPRESSION_TYPE_MASK: 0x700,
} as const;

export type TransactionType = 'NOT_TYPE' | 'PREPARED' | 'COMMIT' | 'ROLLBACK';

/** The transaction bits of a sysFlag (one of the `TRANSACTION_*_TYPE` values). */
export function transactionValue(sysFlag: number): number {
  return sysFlag & MessageSysFlag.TRANSACTION_MASK;
}

export function transactionTypeOf(sysFlag: number): TransactionType {
  switch (sysFlag & MessageSysFlag.TRANSACTION_MASK) {
    case MessageSysFlag.TRANSACTION_PREPARED_TYPE:
      return 'PREPARED';
    case MessageSysFlag.TRANSACTION_COMMIT_TYPE:
      return 'COMMIT';
    case MessageSysFlag.TRANSACTION_ROLLBACK_TYPE:
      return 'ROLLBACK';
    default:
      return 'NOT_TYPE';
  }
}

/** Replace the transaction bits of `sysFlag` by `type` (a `TRANSACTION_*_TYPE` value). */
export function resetTransactionValue(sysFlag: number, type: number): number {
  return (sysFlag & ~MessageSysFlag.TRANSACTION_MASK) | (type & MessageSysFlag.TRANSACTION_MASK);
}

export function clearCompressedFlag(sysFlag: number): number {
  return sysFlag & ~MessageSysFlag.COMPRESSED;
}

/** Topic permission bits (`PermName.java`). */
export const PermName = {
  PRIORITY: 0x8,
  READ: 0x4,
  WRITE: 0x2,
  INHERIT: 0x1,
} as const;

export function isReadable(perm: number): boolean {
  return (perm & PermName.READ) === PermName.READ;
}

export function isWriteable(perm: number): boolean {
  return (perm & PermName.WRITE) === PermName.WRITE;
}

export function isInherited(perm: number): boolean {
  return (perm & PermName.INHERIT) === PermName.INHERIT;
}

/** `RWX`-style rendering as Java's `PermName.perm2String` (`R`, `W`, `X` for inherit, `-` when unset). */
export function permToString(perm: number): string {
  return (isReadable(perm) ? 'R' : '-') + (isWriteable(perm) ? 'W' : '-') + (isInherited(perm) ? 'X' : '-');
}

/** Topic sysFlag bits (`TopicSysFlag.java`). */
export const TopicSysFlag = {
  UNIT: 0x1,
  UNIT_SUB: 0x2,
} as const;
