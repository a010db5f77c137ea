/**
 * Message ids (`MessageDecoder.createMessageId/decodeMessageId`, `MessageClientIDSetter`).
 *
 * - Offset msgId: store host (4|16 bytes) + port (int32) + commit-log offset (int64), upper-case hex (32 / 56 chars).
 * - Unique id (`UNIQ_KEY`): client IP + pid (16 bits) + a per-process 32-bit value + ms since the start of the
 *   current month (local time) + a 16-bit counter, upper-case hex (32 / 56 chars).
 */
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { RocketMQClientError } from '../errors.js';
import { encodeSocketAddress, formatIp } from './socket-address.js';

const TWO_32 = 0x1_0000_0000;

function hex8(n: number): string {
  return (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/**
 * Offset msgId from the store host's encoded address (8 or 20 bytes, or an `ip:port` string) and a commit-log offset.
 */
export function createOffsetMessageId(storeHost: Buffer | string, commitLogOffset: number): string {
  const host = typeof storeHost === 'string' ? encodeSocketAddress(storeHost) : storeHost;
  if (host.length !== 8 && host.length !== 20) {
    throw new RocketMQClientError(`A store host address is 8 or 20 bytes, got ${host.length}`);
  }
  const hi = Math.floor(commitLogOffset / TWO_32);
  return host.toString('hex').toUpperCase() + hex8(hi) + hex8(commitLogOffset - hi * TWO_32);
}

export interface DecodedOffsetMessageId {
  /** `ip:port` / `[ipv6]:port` */
  storeHost: string;
  ip: string;
  port: number;
  commitLogOffset: number;
}

const HEX = /^[0-9a-fA-F]*$/;

/** Decode an offset msgId (32 hex chars = IPv4, 56 = IPv6). Throws RocketMQClientError for other input. */
export function decodeOffsetMessageId(msgId: string): DecodedOffsetMessageId {
  if ((msgId.length !== 32 && msgId.length !== 56) || !HEX.test(msgId)) {
    throw new RocketMQClientError(`"${msgId}" is not an offset message id (32 or 56 hex characters)`);
  }
  const bytes = Buffer.from(msgId, 'hex');
  const v6 = bytes.length === 28;
  const ipLen = v6 ? 16 : 4;
  const ip = formatIp(bytes, 0, v6);
  const port = bytes.readInt32BE(ipLen);
  const commitLogOffset = bytes.readInt32BE(ipLen + 4) * TWO_32 + bytes.readUInt32BE(ipLen + 8);
  return { storeHost: v6 ? `[${ip}]:${port}` : `${ip}:${port}`, ip, port, commitLogOffset };
}

/** First non-internal IPv4 address of this host (interface order), else 127.0.0.1; as 4 bytes. */
export function localIpv4Bytes(): Buffer {
  try {
    for (const list of Object.values(networkInterfaces())) {
      for (const ni of list ?? []) {
        if (ni.family === 'IPv4' && !ni.internal) return Buffer.from(ni.address.split('.').map(Number));
      }
    }
  } catch {
    // fall through
  }
  return Buffer.from([127, 0, 0, 1]);
}

function startOfMonth(ms: number, monthDelta = 0): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth() + monthDelta, 1, 0, 0, 0, 0).getTime();
}

export interface UniqueIdGeneratorOptions {
  /** Client IP as 4 or 16 bytes, or a dotted IPv4 string. Default: `localIpv4Bytes()`. */
  ip?: Buffer | string;
  /** Default: `process.pid`. Only the low 16 bits are used. */
  pid?: number;
  /** Stands in for Java's class-loader hash code. Default: a random 32-bit value chosen once. */
  seed?: number;
  /** Clock, default `Date.now`. */
  now?: () => number;
}

/** Generates `UNIQ_KEY` ids with Java's `MessageClientIDSetter.createUniqID` layout. */
export class UniqueIdGenerator {
  /** Upper-case hex of IP + pid + seed: the fixed part of every id. */
  readonly prefix: string;
  private readonly now: () => number;
  private startTime = 0;
  private nextStartTime = 0;
  private counter = 0;

  constructor(options: UniqueIdGeneratorOptions = {}) {
    let ip: Buffer;
    if (typeof options.ip === 'string') ip = Buffer.from(options.ip.split('.').map(Number));
    else ip = options.ip ?? localIpv4Bytes();
    if (ip.length !== 4 && ip.length !== 16) throw new RocketMQClientError(`A client IP is 4 or 16 bytes, got ${ip.length}`);
    const fixed = Buffer.allocUnsafe(ip.length + 6);
    ip.copy(fixed, 0);
    fixed.writeUInt16BE((options.pid ?? process.pid) & 0xffff, ip.length);
    fixed.writeInt32BE((options.seed ?? randomBytes(4).readInt32BE(0)) | 0, ip.length + 2);
    this.prefix = fixed.toString('hex').toUpperCase();
    this.now = options.now ?? Date.now;
  }

  /** A new id. Month rollover (and the clock going back) re-bases the time field. */
  next(): string {
    const now = this.now();
    if (now >= this.nextStartTime || now < this.startTime) {
      this.startTime = startOfMonth(now);
      this.nextStartTime = startOfMonth(now, 1);
    }
    const diff = now - this.startTime;
    const count = this.counter;
    this.counter = (count + 1) & 0xffff;
    return this.prefix + hex8(diff) + (count | 0x10000).toString(16).slice(1).toUpperCase();
  }
}

let defaultGenerator: UniqueIdGenerator | undefined;

/** A `UNIQ_KEY` from a process-wide generator. */
export function createUniqueId(): string {
  defaultGenerator ??= new UniqueIdGenerator();
  return defaultGenerator.next();
}

/**
 * Approximate send time (ms epoch) of a unique id, assuming it was made in the current or the previous month
 * (local time), as Java's `MessageClientIDSetter.getNearlyTimeFromID`.
 */
export function decodeUniqueIdTimestamp(uniqueId: string, now: number = Date.now()): number {
  if ((uniqueId.length !== 32 && uniqueId.length !== 56) || !HEX.test(uniqueId)) {
    throw new RocketMQClientError(`"${uniqueId}" is not a message unique id (32 or 56 hex characters)`);
  }
  const ipHex = uniqueId.length === 56 ? 32 : 8;
  const span = Number.parseInt(uniqueId.slice(ipHex + 12, ipHex + 20), 16);
  let monthStart = startOfMonth(now);
  if (monthStart + span >= now) monthStart = startOfMonth(now, -1);
  return monthStart + span;
}

/** Client IP (`a.b.c.d` or full IPv6) and pid recorded in a unique id. */
export function decodeUniqueIdOrigin(uniqueId: string): { ip: string; pid: number } {
  if ((uniqueId.length !== 32 && uniqueId.length !== 56) || !HEX.test(uniqueId)) {
    throw new RocketMQClientError(`"${uniqueId}" is not a message unique id (32 or 56 hex characters)`);
  }
  const bytes = Buffer.from(uniqueId, 'hex');
  const v6 = bytes.length === 28;
  return { ip: formatIp(bytes, 0, v6), pid: bytes.readUInt16BE(v6 ? 16 : 4) };
}
