/**
 * Sequential validation of commit-log records, as `CommitLog.checkMessageAndReturnSize` does on recovery: size
 * bounds, magic code, the record's own PHYSICALOFFSET, field lengths adding up to TOTALSIZE and the body CRC
 * (masked with 0x7FFFFFFF). The first record that fails marks the end of the log.
 */
import { crc32 } from 'node:zlib';
import {
  BLANK_MAGIC_CODE,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  MIN_STORED_MESSAGE_SIZE,
  MessageSysFlag,
} from '@app/rocketmq/protocol';
import { readLong } from './binary.js';
import type { SegmentFile } from './segment-file.js';
import type { SegmentQueue } from './segment-queue.js';

/** Bytes a record leaves free at the end of a segment for the end-of-file blank record. */
export const END_FILE_MIN_BLANK_LENGTH = 8;

/** A valid record met by the scanner (what re-dispatch needs). */
export interface ScannedRecord {
  offset: number;
  size: number;
  topic: string;
  queueId: number;
  queueOffset: number;
  sysFlag: number;
  storeTimestamp: number;
  properties: string;
}

export interface ScanResult {
  /** Global offset where valid data ends (where appends continue). */
  end: number;
  /** Why the scan stopped before the end of the files, when it did. */
  invalidReason: string | undefined;
  scannedBytes: number;
  records: number;
}

export interface ScanOptions {
  checkCrc: boolean;
  maxRecordSize: number;
}

type Check =
  | { kind: 'record'; size: number }
  | { kind: 'blank' }
  | { kind: 'invalid'; reason: string };

/**
 * Check the record at `buf[pos]` (global offset `offset`, `segLeft` bytes left in its segment, all of them in `buf`
 * when the record fits). Fills `out` for records.
 */
export function checkRecord(
  buf: Buffer,
  pos: number,
  offset: number,
  segLeft: number,
  options: ScanOptions,
  out: ScannedRecord | undefined,
): Check {
  if (segLeft < 8) return { kind: 'invalid', reason: `${segLeft} bytes at the end of the file, too few for a record header` };
  const size = buf.readInt32BE(pos);
  const magic = buf.readInt32BE(pos + 4);
  if (magic === BLANK_MAGIC_CODE) {
    if (size !== segLeft) return { kind: 'invalid', reason: `blank record of ${size} bytes with ${segLeft} bytes left in the file` };
    return { kind: 'blank' };
  }
  if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) {
    return { kind: 'invalid', reason: `magic code 0x${(magic >>> 0).toString(16)}` };
  }
  if (size < MIN_STORED_MESSAGE_SIZE || size > options.maxRecordSize || size + END_FILE_MIN_BLANK_LENGTH > segLeft) {
    return { kind: 'invalid', reason: `record size ${size} with ${segLeft} bytes left in the file` };
  }
  if (pos + size > buf.length) return { kind: 'invalid', reason: `record of ${size} bytes is cut off by the end of the file` };
  if (readLong(buf, pos + 28) !== offset) return { kind: 'invalid', reason: `PHYSICALOFFSET ${readLong(buf, pos + 28)} differs from the position` };
  const sysFlag = buf.readInt32BE(pos + 36);
  const bornLen = (sysFlag & MessageSysFlag.BORNHOST_V6) !== 0 ? 20 : 8;
  const storeLen = (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6) !== 0 ? 20 : 8;
  const storeTsPos = pos + 48 + bornLen;
  let p = storeTsPos + 8 + storeLen + 4 + 8;
  const end = pos + size;
  if (p + 4 > end) return { kind: 'invalid', reason: 'record too short for its fixed fields' };
  const bodyLen = buf.readInt32BE(p);
  p += 4;
  if (bodyLen < 0 || p + bodyLen > end) return { kind: 'invalid', reason: `body length ${bodyLen}` };
  const bodyStart = p;
  p += bodyLen;
  const v2 = magic === MESSAGE_MAGIC_CODE_V2;
  if (p + (v2 ? 2 : 1) > end) return { kind: 'invalid', reason: 'record too short for the topic length' };
  const topicLen = v2 ? buf.readInt16BE(p) : buf.readInt8(p);
  p += v2 ? 2 : 1;
  if (topicLen <= 0 || p + topicLen + 2 > end) return { kind: 'invalid', reason: `topic length ${topicLen}` };
  const topicStart = p;
  p += topicLen;
  const propsLen = buf.readInt16BE(p);
  p += 2;
  if (propsLen < 0 || p + propsLen !== end) return { kind: 'invalid', reason: `lengths add up to ${p + propsLen - pos}, TOTALSIZE is ${size}` };
  if (options.checkCrc) {
    const crc = crc32(buf.subarray(bodyStart, bodyStart + bodyLen)) & 0x7fffffff;
    if (crc !== buf.readInt32BE(pos + 8)) return { kind: 'invalid', reason: `body CRC ${crc} differs from the stored ${buf.readInt32BE(pos + 8)}` };
  }
  if (out) {
    out.offset = offset;
    out.size = size;
    out.queueId = buf.readInt32BE(pos + 12);
    out.queueOffset = readLong(buf, pos + 20);
    out.sysFlag = sysFlag;
    out.storeTimestamp = readLong(buf, storeTsPos);
    out.topic = buf.toString('utf8', topicStart, topicStart + topicLen);
    out.properties = propsLen > 0 ? buf.toString('utf8', p, end) : '';
  }
  return { kind: 'record', size };
}

/** Store timestamp of a record whose first bytes (at least 84) are in `buf[pos…]`. */
export function recordStoreTimestamp(buf: Buffer, pos = 0): number {
  const sysFlag = buf.readInt32BE(pos + 36);
  const bornLen = (sysFlag & MessageSysFlag.BORNHOST_V6) !== 0 ? 20 : 8;
  return readLong(buf, pos + 48 + bornLen);
}

/**
 * Walk the records from global offset `from` (a record boundary) to the end of the files, calling `visit` for each
 * valid one, and stop at the first invalid record or at the end of the data.
 */
export function scanCommitLog(
  segments: SegmentQueue,
  from: number,
  options: ScanOptions,
  visit: (record: ScannedRecord) => void,
): ScanResult {
  const result: ScanResult = { end: from, invalidReason: undefined, scannedBytes: 0, records: 0 };
  const list = segments.segments;
  let index = list.findIndex((s) => from >= s.fileFromOffset && from < s.fileEndOffset);
  if (index < 0) return result;
  const window = Math.max(4 * 1024 * 1024, options.maxRecordSize + END_FILE_MIN_BLANK_LENGTH);
  const buf = Buffer.allocUnsafe(window);
  const rec: ScannedRecord = { offset: 0, size: 0, topic: '', queueId: 0, queueOffset: 0, sysFlag: 0, storeTimestamp: 0, properties: '' };
  let pos = from - list[index]!.fileFromOffset;

  for (;;) {
    const seg: SegmentFile = list[index]!;
    // buffered window: file bytes [winStart, winStart + winLen) of this segment are in buf[0, winLen)
    let winStart = pos;
    let winLen = 0;
    const ensure = (n: number): number => {
      const want = Math.min(n, seg.size - pos);
      if (winStart + winLen - pos < want) {
        winStart = pos;
        winLen = seg.readSync(buf, 0, Math.min(window, seg.size - pos), pos);
        result.scannedBytes += winLen;
      }
      return winStart + winLen - pos;
    };
    let blankSeen = false;
    while (pos < seg.size) {
      let avail = ensure(8);
      if (avail < 8) {
        result.end = seg.fileFromOffset + pos;
        result.invalidReason = `torn record header (${avail} bytes) at commit-log offset ${result.end}`;
        return result;
      }
      const declared = buf.readInt32BE(pos - winStart);
      if (declared > avail && declared <= window) avail = ensure(declared);
      const check = checkRecord(buf.subarray(0, winLen), pos - winStart, seg.fileFromOffset + pos, seg.capacity - pos, options, rec);
      if (check.kind === 'blank') {
        blankSeen = true;
        break;
      }
      if (check.kind === 'invalid') {
        result.end = seg.fileFromOffset + pos;
        result.invalidReason = `${check.reason} at commit-log offset ${result.end}`;
        return result;
      }
      visit(rec);
      result.records++;
      pos += check.size;
      result.end = seg.fileFromOffset + pos;
    }
    if (!blankSeen) {
      // data ends inside this segment: the end of the log unless later files exist (then the tail is torn)
      result.end = seg.fileFromOffset + pos;
      if (index < list.length - 1) result.invalidReason = `file ${seg.path} ends at ${pos} without an end-of-file record`;
      return result;
    }
    result.end = seg.fileEndOffset;
    const next = list[index + 1];
    if (!next) return result;
    if (next.fileFromOffset !== seg.fileEndOffset) {
      result.invalidReason = `file ${next.path} does not follow ${seg.path}`;
      return result;
    }
    index++;
    pos = 0;
  }
}
