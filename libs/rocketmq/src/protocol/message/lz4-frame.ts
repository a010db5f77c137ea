/**
 * LZ4 frame decoding (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md), what Java 5.x producers with
 * `compressType=LZ4` write (`Lz4Compressor`: lz4-java's LZ4FrameOutputStream). Blocks are decoded into one output
 * buffer, so matches that reach into earlier blocks (linked blocks) resolve like independent ones. Checksums are
 * not verified: the broker's CRC already covers the stored body.
 */
import { RocketMQProtocolError } from '../errors.js';

const FRAME_MAGIC = 0x184d2204;
/** 0x184D2A50 ..= 0x184D2A5F: skippable frames. */
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_MAX_SIZES: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };
const UNCOMPRESSED_BLOCK = 0x80000000;

export class Lz4FormatError extends RocketMQProtocolError {
  override name = 'Lz4FormatError';
  constructor(detail: string) {
    super(`Cannot decode an LZ4-compressed message body: ${detail}`);
  }
}

/** Decodes every frame in `input` (skippable frames are skipped) and returns the concatenated content. */
export function decodeLz4Frames(input: Uint8Array): Buffer {
  const out = new Output(input.length * 4);
  let pos = 0;
  while (pos < input.length) {
    if (input.length - pos < 4) throw new Lz4FormatError(`${input.length - pos} stray bytes after the last frame`);
    const magic = readU32(input, pos);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      pos += 8 + readU32(input, need(input, pos + 4, 4));
      continue;
    }
    if (magic !== FRAME_MAGIC) throw new Lz4FormatError(`bad frame magic 0x${magic.toString(16)}`);
    pos = decodeFrame(input, pos + 4, out);
  }
  return out.result();
}

function decodeFrame(input: Uint8Array, start: number, out: Output): number {
  let pos = need(input, start, 3);
  const flg = input[pos++]!;
  const bd = input[pos++]!;
  if (flg >> 6 !== 1) throw new Lz4FormatError(`unsupported frame version ${flg >> 6}`);
  const blockChecksum = (flg & 0x10) !== 0;
  const contentSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const dictId = (flg & 0x01) !== 0;
  const blockMax = BLOCK_MAX_SIZES[(bd >> 4) & 0x07];
  if (blockMax === undefined) throw new Lz4FormatError(`bad block maximum size code ${(bd >> 4) & 0x07}`);
  if (dictId) throw new Lz4FormatError('frames that need a dictionary are not supported');
  if (contentSize) pos = need(input, pos, 8) + 8;
  pos = need(input, pos, 1) + 1; // header checksum
  for (;;) {
    const size = readU32(input, need(input, pos, 4));
    pos += 4;
    if (size === 0) break; // end mark
    const length = (size & ~UNCOMPRESSED_BLOCK) >>> 0;
    if (length > blockMax) throw new Lz4FormatError(`block of ${length} bytes exceeds the frame's ${blockMax}`);
    need(input, pos, length);
    if ((size & UNCOMPRESSED_BLOCK) !== 0) out.copyFrom(input, pos, length);
    else decodeBlock(input, pos, pos + length, out);
    pos += length + (blockChecksum ? 4 : 0);
  }
  return need(input, pos, contentChecksum ? 4 : 0) + (contentChecksum ? 4 : 0);
}

/** One LZ4 block: sequences of literals then a back-reference, the last one literals only. */
function decodeBlock(input: Uint8Array, start: number, end: number, out: Output): void {
  let pos = start;
  while (pos < end) {
    const token = input[pos++]!;
    let literals = token >> 4;
    if (literals === 15) {
      let more: number;
      do {
        if (pos >= end) throw new Lz4FormatError('truncated literal length');
        more = input[pos++]!;
        literals += more;
      } while (more === 255);
    }
    if (pos + literals > end) throw new Lz4FormatError('literals run past the block');
    out.copyFrom(input, pos, literals);
    pos += literals;
    if (pos === end) return; // the last sequence has no match
    if (pos + 2 > end) throw new Lz4FormatError('truncated match offset');
    const offset = input[pos]! | (input[pos + 1]! << 8);
    pos += 2;
    let matchLength = (token & 0x0f) + 4;
    if ((token & 0x0f) === 15) {
      let more: number;
      do {
        if (pos >= end) throw new Lz4FormatError('truncated match length');
        more = input[pos++]!;
        matchLength += more;
      } while (more === 255);
    }
    out.copyMatch(offset, matchLength);
  }
}

/** A growable output buffer. */
class Output {
  private buffer: Buffer;
  private length = 0;

  constructor(initial: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(initial, 1024));
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  copyFrom(source: Uint8Array, start: number, count: number): void {
    this.reserve(count);
    this.buffer.set(source.subarray(start, start + count), this.length);
    this.length += count;
  }

  /** Copies `count` bytes starting `offset` back; they may overlap what is being written (repeats). */
  copyMatch(offset: number, count: number): void {
    if (offset === 0 || offset > this.length) throw new Lz4FormatError(`match offset ${offset} outside the ${this.length} bytes decoded so far`);
    this.reserve(count);
    const buf = this.buffer;
    let from = this.length - offset;
    if (offset >= count) {
      buf.copyWithin(this.length, from, from + count);
      this.length += count;
      return;
    }
    for (let i = 0; i < count; i++) buf[this.length++] = buf[from++]!;
  }

  result(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

function readU32(input: Uint8Array, pos: number): number {
  return (input[pos]! | (input[pos + 1]! << 8) | (input[pos + 2]! << 16) | (input[pos + 3]! << 24)) >>> 0;
}

/** `pos`, after checking that `count` bytes are there. */
function need(input: Uint8Array, pos: number, count: number): number {
  if (pos + count > input.length) throw new Lz4FormatError(`truncated frame (needs ${pos + count - input.length} more bytes)`);
  return pos;
}
