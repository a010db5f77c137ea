/**
 * The `checkpoint` file (`StoreCheckpoint`): how far each structure is known to be on disk, so that recovery after
 * a crash re-checks and re-dispatches only the tail of the commit log.
 *
 * Two 128-byte slots written alternately, each `[magic][version][sequence int64][physicOffset][logicsOffset]
 * [indexOffset][physicTimestamp][logicsTimestamp][indexTimestamp][crc32 of the preceding bytes]`; the valid slot with
 * the higher sequence wins, so a torn write leaves the previous checkpoint usable.
 */
import fs from 'node:fs';
import { crc32 } from 'node:zlib';
import { readLong, writeLong } from './binary.js';

export interface CheckpointData {
  /** Commit-log bytes below this are fdatasync'ed. */
  physicOffset: number;
  /** Consume-queue entries of every message below this commit-log offset are fdatasync'ed. */
  logicsOffset: number;
  /** Index entries of every message below this commit-log offset are fdatasync'ed. */
  indexOffset: number;
  physicTimestamp: number;
  logicsTimestamp: number;
  indexTimestamp: number;
}

const MAGIC = 0x434b5054; // "CKPT"
const VERSION = 1;
const SLOT_SIZE = 128;
const BODY = 64;
const FILE_SIZE = 4096;

function encode(seq: number, d: CheckpointData): Buffer {
  const b = Buffer.alloc(SLOT_SIZE);
  b.writeInt32BE(MAGIC, 0);
  b.writeInt32BE(VERSION, 4);
  writeLong(b, 8, seq);
  writeLong(b, 16, d.physicOffset);
  writeLong(b, 24, d.logicsOffset);
  writeLong(b, 32, d.indexOffset);
  writeLong(b, 40, d.physicTimestamp);
  writeLong(b, 48, d.logicsTimestamp);
  writeLong(b, 56, d.indexTimestamp);
  b.writeInt32BE(crc32(b.subarray(0, BODY)) | 0, BODY);
  return b;
}

function decode(b: Buffer, at: number): { seq: number; data: CheckpointData } | undefined {
  if (b.length < at + SLOT_SIZE) return undefined;
  const slot = b.subarray(at, at + SLOT_SIZE);
  if (slot.readInt32BE(0) !== MAGIC || slot.readInt32BE(4) !== VERSION) return undefined;
  if ((crc32(slot.subarray(0, BODY)) | 0) !== slot.readInt32BE(BODY)) return undefined;
  return {
    seq: readLong(slot, 8),
    data: {
      physicOffset: readLong(slot, 16),
      logicsOffset: readLong(slot, 24),
      indexOffset: readLong(slot, 32),
      physicTimestamp: readLong(slot, 40),
      logicsTimestamp: readLong(slot, 48),
      indexTimestamp: readLong(slot, 56),
    },
  };
}

export class Checkpoint {
  private seq = 0;
  private fd = -1;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    /** What the file held at open, if anything valid. */
    readonly loaded: CheckpointData | undefined,
  ) {}

  static openSync(file: string): Checkpoint {
    let best: { seq: number; data: CheckpointData } | undefined;
    try {
      const bytes = fs.readFileSync(file);
      for (const at of [0, SLOT_SIZE]) {
        const slot = decode(bytes, at);
        if (slot && (!best || slot.seq > best.seq)) best = slot;
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const cp = new Checkpoint(file, best?.data);
    cp.seq = best?.seq ?? 0;
    cp.fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    if (fs.fstatSync(cp.fd).size < FILE_SIZE) fs.ftruncateSync(cp.fd, FILE_SIZE);
    return cp;
  }

  /** Write the next slot and fdatasync (writes are serialized). */
  write(data: CheckpointData): Promise<void> {
    const next = this.writing.then(
      () =>
        new Promise<void>((resolve, reject) => {
          const seq = ++this.seq;
          const bytes = encode(seq, data);
          fs.write(this.fd, bytes, 0, SLOT_SIZE, (seq % 2) * SLOT_SIZE, (err) => {
            if (err) return reject(err);
            fs.fdatasync(this.fd, (err2) => (err2 ? reject(err2) : resolve()));
          });
        }),
    );
    this.writing = next.catch(() => {});
    return next;
  }

  writeSync(data: CheckpointData): void {
    const seq = ++this.seq;
    fs.writeSync(this.fd, encode(seq, data), 0, SLOT_SIZE, (seq % 2) * SLOT_SIZE);
    fs.fdatasyncSync(this.fd);
  }

  async close(): Promise<void> {
    await this.writing;
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  closeSync(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}
