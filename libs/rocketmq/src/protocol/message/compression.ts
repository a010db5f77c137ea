/**
 * Message body compression (`DefaultMQProducerImpl.tryToCompressMessage`, `common/compression/`).
 *
 * Producers compress bodies of at least 4096 bytes with zlib (RFC 1950, i.e. with the zlib header) at level 5 and
 * set sysFlag `COMPRESSED | COMPRESSION_ZLIB_TYPE` (0x301), as Java 4.9.4+ and 5.x do. Readers from 4.9.0–4.9.3
 * look only at bit 0 and inflate, so 0x301 stays readable for them. Bodies from Java 5.x producers configured with
 * `compressType` LZ4 or ZSTD (types 1 and 2) are decoded too: LZ4 frames by lz4-frame.ts, Zstandard frames by fzstd
 * (pure JavaScript; Node 20's zlib has no zstd).
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { RocketMQProtocolError } from '../errors.js';
import { decodeLz4Frames } from './lz4-frame.js';
import { MessageSysFlag } from './message-const.js';

export type CompressionType = 'ZLIB' | 'LZ4' | 'ZSTD';

export const DEFAULT_COMPRESS_THRESHOLD = 4096;
export const DEFAULT_COMPRESS_LEVEL = 5;
/** sysFlag bits a producer sets for a zlib-compressed body. */
export const ZLIB_COMPRESSED_SYSFLAG = MessageSysFlag.COMPRESSED | MessageSysFlag.COMPRESSION_ZLIB_TYPE;

/** The body uses a compression codec this library does not implement. */
export class UnsupportedCompressionError extends RocketMQProtocolError {
  override name = 'UnsupportedCompressionError';
  constructor(readonly compressionType: CompressionType | number) {
    super(
      `Message body is compressed with ${typeof compressionType === 'number' ? `unknown compression type ${compressionType}` : compressionType}, which this client does not support; ` +
        'have producers use ZLIB (the default), LZ4 or ZSTD',
    );
  }
}

/** Compression type named by sysFlag bits 8..10 (0 = legacy = ZLIB). Throws for unknown values. */
export function compressionTypeOf(sysFlag: number): CompressionType {
  const v = (sysFlag & MessageSysFlag.COMPRESSION_TYPE_MASK) >>> 8;
  switch (v) {
    case 0:
    case 3:
      return 'ZLIB';
    case 1:
      return 'LZ4';
    case 2:
      return 'ZSTD';
    default:
      throw new UnsupportedCompressionError(v);
  }
}

export interface CompressOptions {
  /** Compress bodies of at least this many bytes (Java `compressMsgBodyOverHowmuch`, default 4096). */
  threshold?: number;
  /** zlib level, default 5. */
  level?: number;
}

export interface CompressResult {
  body: Buffer;
  /** sysFlag bits to OR into the send header: 0 when left uncompressed, else 0x301. */
  sysFlag: number;
}

/** zlib-compress (with header) at `level`. */
export function compressBody(body: Buffer, level = DEFAULT_COMPRESS_LEVEL): Buffer {
  return deflateSync(body, { level });
}

/** Compress when `body.length >= threshold`; batches must not be compressed (Java never does). */
export function maybeCompressBody(body: Buffer, options: CompressOptions = {}): CompressResult {
  const threshold = options.threshold ?? DEFAULT_COMPRESS_THRESHOLD;
  if (body.length < threshold) return { body, sysFlag: 0 };
  return { body: compressBody(body, options.level ?? DEFAULT_COMPRESS_LEVEL), sysFlag: ZLIB_COMPRESSED_SYSFLAG };
}

/**
 * Decompress a body whose sysFlag has COMPRESSED set (returns `body` unchanged otherwise).
 * Throws UnsupportedCompressionError for an unknown type and RocketMQProtocolError for corrupt data.
 */
export function decompressBody(body: Buffer, sysFlag: number): Buffer {
  if ((sysFlag & MessageSysFlag.COMPRESSED) === 0) return body;
  switch (compressionTypeOf(sysFlag)) {
    case 'ZLIB':
      return inflateBody(body);
    case 'LZ4':
      return decodeLz4Frames(body);
    case 'ZSTD':
      return zstdBody(body);
  }
}

function zstdBody(body: Buffer): Buffer {
  try {
    const out = zstdDecompress(body);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  } catch (cause) {
    throw new RocketMQProtocolError(`Cannot decode a Zstandard-compressed message body (${(cause as Error).message})`, undefined, { cause });
  }
}

/** Inflate a zlib stream (with header); RocketMQProtocolError when it is corrupt. */
export function inflateBody(body: Buffer): Buffer {
  try {
    return inflateSync(body);
  } catch (cause) {
    throw new RocketMQProtocolError(`Cannot inflate a compressed message body (${(cause as Error).message})`, undefined, { cause });
  }
}
