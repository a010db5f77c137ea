/**
 * Message body compression (`DefaultMQProducerImpl.tryToCompressMessage`, `common/compression/`).
 *
 * Producers compress bodies of at least 4096 bytes with zlib (RFC 1950, i.e. with the zlib header) at level 5 and
 * set sysFlag `COMPRESSED | COMPRESSION_ZLIB_TYPE` (0x301), as Java 4.9.4+ and 5.x do. Readers from 4.9.0–4.9.3
 * look only at bit 0 and inflate, so 0x301 stays readable for them. LZ4 and ZSTD (types 1 and 2) are recognised
 * on read but not implemented (no dependency for them): decoding such a body raises UnsupportedCompressionError.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { RocketMQProtocolError } from '../errors.js';
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
        'have producers use zlib (rocketmq.message.compressType=ZLIB, the default)',
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
 * Throws UnsupportedCompressionError for LZ4/ZSTD and RocketMQProtocolError for corrupt zlib data.
 */
export function decompressBody(body: Buffer, sysFlag: number): Buffer {
  if ((sysFlag & MessageSysFlag.COMPRESSED) === 0) return body;
  const type = compressionTypeOf(sysFlag);
  if (type !== 'ZLIB') throw new UnsupportedCompressionError(type);
  return inflateBody(body);
}

/** Inflate a zlib stream (with header); RocketMQProtocolError when it is corrupt. */
export function inflateBody(body: Buffer): Buffer {
  try {
    return inflateSync(body);
  } catch (cause) {
    throw new RocketMQProtocolError(`Cannot inflate a compressed message body (${(cause as Error).message})`, undefined, { cause });
  }
}
