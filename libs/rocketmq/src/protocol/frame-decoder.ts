import { RocketMQProtocolError } from './errors.js';

/** Netty's default `com.rocketmq.remoting.frameMaxLength`, counted with the 4-byte length word. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * Splits a byte stream into frames. Yields each frame without its length word, as a view into
 * the received chunk; bytes are copied only when a frame spans several chunks, and then once.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private needed = 4;

  constructor(private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  /** Feeds bytes; calls `onFrame` for each complete frame. Throws RocketMQProtocolError on an invalid length. */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    let data: Buffer;
    if (this.chunks.length === 0) {
      data = chunk;
    } else {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered < this.needed) return;
      data = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [];
      this.buffered = 0;
    }
    let offset = 0;
    while (data.length - offset >= 4) {
      const length = data.readInt32BE(offset);
      if (length < 4 || length + 4 > this.maxFrameBytes) {
        throw new RocketMQProtocolError(
          length < 4
            ? `invalid frame length ${length}`
            : `frame of ${length + 4} bytes exceeds the maximum of ${this.maxFrameBytes} bytes`,
        );
      }
      if (data.length - offset - 4 < length) {
        this.needed = length + 4;
        break;
      }
      onFrame(data.subarray(offset + 4, offset + 4 + length));
      offset += 4 + length;
    }
    if (offset < data.length) {
      const rest = data.subarray(offset);
      this.chunks.push(rest);
      this.buffered = rest.length;
      if (rest.length < 4) this.needed = 4;
    } else {
      this.needed = 4;
    }
  }

  /** Bytes received that do not yet form a complete frame (a truncated frame at close). */
  get pendingBytes(): number {
    return this.buffered;
  }
}
