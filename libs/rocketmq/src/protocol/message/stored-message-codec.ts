/**
 * The stored message record: the broker's commit-log entry, which is also the body of PULL / QUERY_MESSAGE
 * (records concatenated) and VIEW_MESSAGE_BY_ID / CHECK_TRANSACTION_STATE / CONSUME_MESSAGE_DIRECTLY (one record).
 * Layout (`MessageDecoder.decode`, `MessageExtEncoder`), big-endian:
 *
 *   TOTALSIZE 4 | MAGICCODE 4 | BODYCRC 4 | QUEUEID 4 | FLAG 4 | QUEUEOFFSET 8 | PHYSICALOFFSET 8 | SYSFLAG 4 |
 *   BORNTIMESTAMP 8 | BORNHOST 8/20 | STORETIMESTAMP 8 | STOREHOST 8/20 | RECONSUMETIMES 4 | PREPAREDTXOFFSET 8 |
 *   BODYLEN 4 + BODY | TOPICLEN 1 (v1, signed) or 2 (v2) + TOPIC | PROPLEN 2 + PROPERTIES
 *
 * Decoding never copies the body unless it must inflate it (`body` is a view into the input).
 */
import { crc32 } from 'node:zlib';
import { RocketMQClientError, RocketMQProtocolError } from '../errors.js';
import { MessageSysFlag, clearCompressedFlag } from './message-const.js';
import { MessageExt } from './message.js';
import { checkPropertiesLength, decodeProperties } from './properties.js';
import { decompressBody } from './compression.js';
import { decodeSocketAddress, encodeSocketAddress } from './socket-address.js';

/** `0xDAA320A7` as a signed int32. */
export const MESSAGE_MAGIC_CODE_V1 = 0xdaa320a7 | 0;
/** `0xDAA320AB` as a signed int32: 2-byte topic length (5.1.0+, used for topics longer than 127 bytes). */
export const MESSAGE_MAGIC_CODE_V2 = 0xdaa320ab | 0;
/** `0xCBD43194`: end-of-file blank record in a commit-log file. */
export const BLANK_MAGIC_CODE = 0xcbd43194 | 0;

/** Byte positions of fixed fields (the broker patches these). */
export const StoredMessagePos = {
  TOTAL_SIZE: 0,
  MAGIC_CODE: 4,
  BODY_CRC: 8,
  QUEUE_ID: 12,
  FLAG: 16,
  QUEUE_OFFSET: 20,
  PHYSICAL_OFFSET: 28,
  SYS_FLAG: 36,
  BORN_TIMESTAMP: 40,
  BORN_HOST: 48,
} as const;

/** Size of the smallest possible record (v1, IPv4 hosts, empty body/topic/properties). */
export const MIN_STORED_MESSAGE_SIZE = 91;

const TWO_32 = 0x1_0000_0000;

function readLong(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}

function writeLong(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4);
}

/** CRC32 masked with 0x7FFFFFFF, as `UtilAll.crc32`. */
export function bodyCrc32(body: Buffer): number {
  return crc32(body) & 0x7fffffff;
}

export interface StoredMessageDecodeOptions {
  /** Inflate compressed bodies and clear sysFlag bit 0 (default true). The broker passes false to keep raw bytes. */
  decompress?: boolean;
  /** Check BODYCRC against the stored body (default false). */
  verifyBodyCrc?: boolean;
}

function corrupt(offset: number, what: string): RocketMQProtocolError {
  return new RocketMQProtocolError(`Malformed stored message at byte ${offset}: ${what}`);
}

interface TopicCache {
  start: number;
  end: number;
  topic: string;
}

/**
 * Size (TOTALSIZE) of the record at `offset`, after checking it is a v1/v2 record that fits in `buf`.
 */
export function readStoredMessageSize(buf: Buffer, offset = 0): number {
  if (offset < 0 || offset + 8 > buf.length) throw corrupt(offset, `${buf.length - offset} bytes left, a record header needs 8`);
  const size = buf.readInt32BE(offset);
  const magic = buf.readInt32BE(offset + 4);
  if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) {
    throw corrupt(offset, `unknown magic code 0x${(magic >>> 0).toString(16).toUpperCase()}${magic === BLANK_MAGIC_CODE ? ' (end-of-file blank record)' : ''}`);
  }
  if (size < MIN_STORED_MESSAGE_SIZE || offset + size > buf.length) {
    throw corrupt(offset, `record size ${size} does not fit the ${buf.length - offset} bytes left`);
  }
  return size;
}

function decodeAt(buf: Buffer, offset: number, options: StoredMessageDecodeOptions | undefined, cache: TopicCache | undefined): MessageExt {
  const storeSize = readStoredMessageSize(buf, offset);
  const end = offset + storeSize;
  const v2 = buf.readInt32BE(offset + 4) === MESSAGE_MAGIC_CODE_V2;
  const bodyCRC = buf.readInt32BE(offset + 8);
  const queueId = buf.readInt32BE(offset + 12);
  const flag = buf.readInt32BE(offset + 16);
  const queueOffset = readLong(buf, offset + 20);
  const commitLogOffset = readLong(buf, offset + 28);
  let sysFlag = buf.readInt32BE(offset + 36);
  const bornTimestamp = readLong(buf, offset + 40);
  const bornV6 = (sysFlag & MessageSysFlag.BORNHOST_V6) !== 0;
  const storeV6 = (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6) !== 0;
  let pos = offset + 48;
  // fixed part up to BODYLEN inclusive: born host, store ts, store host, reconsume, prepared offset, body length
  const bornLen = bornV6 ? 20 : 8;
  const storeLen = storeV6 ? 20 : 8;
  if (pos + bornLen + 8 + storeLen + 4 + 8 + 4 > end) throw corrupt(offset, 'record too short for its host fields');
  const bornHost = decodeSocketAddress(buf, pos, bornV6);
  pos += bornLen;
  const storeTimestamp = readLong(buf, pos);
  pos += 8;
  const storeHostPos = pos;
  const storeHost = decodeSocketAddress(buf, pos, storeV6);
  pos += storeLen;
  const reconsumeTimes = buf.readInt32BE(pos);
  pos += 4;
  const preparedTransactionOffset = readLong(buf, pos);
  pos += 8;
  const bodyLen = buf.readInt32BE(pos);
  pos += 4;
  if (bodyLen < 0 || pos + bodyLen > end) throw corrupt(offset, `body length ${bodyLen} exceeds the record`);
  let body = buf.subarray(pos, pos + bodyLen);
  pos += bodyLen;
  if (options?.verifyBodyCrc && bodyCrc32(body) !== bodyCRC) {
    throw corrupt(offset, `body CRC mismatch (stored ${bodyCRC}, computed ${bodyCrc32(body)})`);
  }
  if (options?.decompress !== false && (sysFlag & MessageSysFlag.COMPRESSED) !== 0) {
    body = decompressBody(body, sysFlag);
    sysFlag = clearCompressedFlag(sysFlag);
  }
  let topicLen: number;
  if (v2) {
    if (pos + 2 > end) throw corrupt(offset, 'record too short for the topic length');
    topicLen = buf.readInt16BE(pos);
    pos += 2;
  } else {
    if (pos + 1 > end) throw corrupt(offset, 'record too short for the topic length');
    topicLen = buf.readInt8(pos);
    pos += 1;
  }
  if (topicLen < 0 || pos + topicLen > end) throw corrupt(offset, `topic length ${topicLen} exceeds the record`);
  let topic: string;
  if (cache && cache.end - cache.start === topicLen && buf.compare(buf, cache.start, cache.end, pos, pos + topicLen) === 0) {
    topic = cache.topic;
  } else {
    topic = buf.toString('utf8', pos, pos + topicLen);
    if (cache) {
      cache.start = pos;
      cache.end = pos + topicLen;
      cache.topic = topic;
    }
  }
  pos += topicLen;
  if (pos + 2 > end) throw corrupt(offset, 'record too short for the properties length');
  const propsLen = buf.readInt16BE(pos);
  pos += 2;
  if (propsLen < 0 || pos + propsLen > end) throw corrupt(offset, `properties length ${propsLen} exceeds the record`);
  const properties = decodeProperties(buf, pos, pos + propsLen);
  pos += propsLen;
  if (pos !== end) throw corrupt(offset, `fields take ${pos - offset} bytes but TOTALSIZE is ${storeSize}`);

  const offsetMsgId =
    buf.toString('hex', storeHostPos, storeHostPos + storeLen).toUpperCase() +
    buf.toString('hex', offset + 28, offset + 36).toUpperCase();

  return new MessageExt({
    topic,
    body,
    properties,
    flag,
    queueId,
    queueOffset,
    commitLogOffset,
    sysFlag,
    bornTimestamp,
    bornHost,
    storeTimestamp,
    storeHost,
    reconsumeTimes,
    preparedTransactionOffset,
    bodyCRC,
    storeSize,
    offsetMsgId,
  });
}

/** Decode the single record at `offset` (VIEW_MESSAGE_BY_ID, CHECK_TRANSACTION_STATE, CONSUME_MESSAGE_DIRECTLY). */
export function decodeStoredMessage(buf: Buffer, offset = 0, options?: StoredMessageDecodeOptions): MessageExt {
  return decodeAt(buf, offset, options, undefined);
}

/** Decode concatenated records (PULL / QUERY_MESSAGE bodies). Any malformed record throws RocketMQProtocolError. */
export function decodeStoredMessages(buf: Buffer, options?: StoredMessageDecodeOptions): MessageExt[] {
  const out: MessageExt[] = [];
  const cache: TopicCache = { start: 0, end: -1, topic: '' };
  let offset = 0;
  while (offset < buf.length) {
    const msg = decodeAt(buf, offset, options, cache);
    out.push(msg);
    offset += msg.storeSize;
  }
  return out;
}

/** What the broker writes into its commit log for one message. */
export interface StoredMessageInput {
  topic: string;
  queueId: number;
  flag: number;
  queueOffset: number;
  commitLogOffset: number;
  /** The host V6 bits are derived from the host lengths; other bits are written as given. */
  sysFlag: number;
  bornTimestamp: number;
  /** Encoded address (8 or 20 bytes, see `encodeSocketAddress`) or `ip:port`. Pass Buffers on hot paths. */
  bornHost: Buffer | string;
  storeTimestamp: number;
  storeHost: Buffer | string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /** Stored as is (already compressed when sysFlag says so). */
  body: Buffer;
  /** Properties string or its UTF-8 bytes (see `propertiesToString`). */
  properties: string | Buffer;
  /** Computed from the body when omitted. */
  bodyCRC?: number;
  /** Default: v1, or v2 when the topic is longer than 127 bytes (as the 5.x store). */
  magic?: 'v1' | 'v2';
}

function hostBytes(host: Buffer | string): Buffer {
  if (typeof host === 'string') return encodeSocketAddress(host);
  if (host.length !== 8 && host.length !== 20) throw new RocketMQClientError(`An encoded host address is 8 or 20 bytes, got ${host.length}`);
  return host;
}

function layout(
  msg: StoredMessageInput,
  born: Buffer,
  store: Buffer,
): { size: number; topicLen: number; propsLen: number; v2: boolean } {
  const topicLen = Buffer.byteLength(msg.topic, 'utf8');
  const propsLen = typeof msg.properties === 'string' ? Buffer.byteLength(msg.properties, 'utf8') : msg.properties.length;
  checkPropertiesLength(propsLen);
  const v2 = msg.magic === 'v2' || (msg.magic === undefined && topicLen > 127);
  if (topicLen > (v2 ? 32767 : 127)) {
    throw new RocketMQClientError(`Topic "${msg.topic}" is ${topicLen} bytes, too long for a ${v2 ? 'v2' : 'v1'} stored message`);
  }
  const size =
    4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + born.length + 8 + store.length + 4 + 8 +
    4 + msg.body.length + (v2 ? 2 : 1) + topicLen + 2 + propsLen;
  return { size, topicLen, propsLen, v2 };
}

/** Bytes `writeStoredMessage` will write for `msg`; validates topic and properties lengths. */
export function storedMessageSize(msg: StoredMessageInput): number {
  return layout(msg, hostBytes(msg.bornHost), hostBytes(msg.storeHost)).size;
}

/**
 * Write one record into `buf` at `offset` (no allocation when hosts are Buffers). Returns the record size.
 * Throws RocketMQClientError when it does not fit.
 */
export function writeStoredMessage(buf: Buffer, offset: number, msg: StoredMessageInput): number {
  const born = hostBytes(msg.bornHost);
  const store = hostBytes(msg.storeHost);
  const { size, topicLen, propsLen, v2 } = layout(msg, born, store);
  if (offset < 0 || offset + size > buf.length) {
    throw new RocketMQClientError(`A ${size}-byte stored message does not fit at ${offset} in a ${buf.length}-byte buffer`);
  }
  let sysFlag = msg.sysFlag & ~(MessageSysFlag.BORNHOST_V6 | MessageSysFlag.STOREHOSTADDRESS_V6);
  if (born.length === 20) sysFlag |= MessageSysFlag.BORNHOST_V6;
  if (store.length === 20) sysFlag |= MessageSysFlag.STOREHOSTADDRESS_V6;

  buf.writeInt32BE(size, offset);
  buf.writeInt32BE(v2 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE_V1, offset + 4);
  buf.writeInt32BE(msg.bodyCRC ?? bodyCrc32(msg.body), offset + 8);
  buf.writeInt32BE(msg.queueId, offset + 12);
  buf.writeInt32BE(msg.flag | 0, offset + 16);
  writeLong(buf, offset + 20, msg.queueOffset);
  writeLong(buf, offset + 28, msg.commitLogOffset);
  buf.writeInt32BE(sysFlag | 0, offset + 36);
  writeLong(buf, offset + 40, msg.bornTimestamp);
  let pos = offset + 48 + born.copy(buf, offset + 48);
  writeLong(buf, pos, msg.storeTimestamp);
  pos += 8;
  pos += store.copy(buf, pos);
  buf.writeInt32BE(msg.reconsumeTimes, pos);
  writeLong(buf, pos + 4, msg.preparedTransactionOffset);
  pos += 12;
  buf.writeInt32BE(msg.body.length, pos);
  pos += 4;
  msg.body.copy(buf, pos);
  pos += msg.body.length;
  if (v2) {
    buf.writeInt16BE(topicLen, pos);
    pos += 2;
  } else {
    buf.writeInt8(topicLen, pos);
    pos += 1;
  }
  pos += buf.write(msg.topic, pos, topicLen, 'utf8');
  buf.writeInt16BE(propsLen, pos);
  pos += 2;
  if (typeof msg.properties === 'string') buf.write(msg.properties, pos, propsLen, 'utf8');
  else msg.properties.copy(buf, pos);
  return size;
}

/** Encode one record into a new buffer (convenience over `storedMessageSize` + `writeStoredMessage`). */
export function encodeStoredMessage(msg: StoredMessageInput): Buffer {
  const buf = Buffer.allocUnsafe(storedMessageSize(msg));
  writeStoredMessage(buf, 0, msg);
  return buf;
}
