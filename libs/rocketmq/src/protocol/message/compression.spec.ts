import { describe, it, expect } from '@jest/globals';
import { RocketMQProtocolError } from '../errors.js';
import { compressionTypeOf, decompressBody, maybeCompressBody, UnsupportedCompressionError, ZLIB_COMPRESSED_SYSFLAG } from './compression.js';

describe('body compression', () => {
  it('leaves bodies below the threshold alone', () => {
    const body = Buffer.alloc(4095, 1);
    expect(maybeCompressBody(body)).toEqual({ body, sysFlag: 0 });
  });

  it('zlib-compresses (with header) at the threshold and sets COMPRESSED | ZLIB (0x301)', () => {
    const body = Buffer.alloc(4096, 'a');
    const r = maybeCompressBody(body);
    expect(r.sysFlag).toBe(0x301);
    expect(r.sysFlag).toBe(ZLIB_COMPRESSED_SYSFLAG);
    expect(r.body[0]).toBe(0x78); // zlib header
    expect(decompressBody(r.body, r.sysFlag).equals(body)).toBe(true);
  });

  it('honours a custom threshold', () => {
    expect(maybeCompressBody(Buffer.from('abc'), { threshold: 2 }).sysFlag).toBe(0x301);
  });

  it('maps compression-type bits like Java (0 = legacy zlib)', () => {
    expect(compressionTypeOf(0x1)).toBe('ZLIB');
    expect(compressionTypeOf(0x301)).toBe('ZLIB');
    expect(compressionTypeOf(0x101)).toBe('LZ4');
    expect(compressionTypeOf(0x201)).toBe('ZSTD');
    expect(() => compressionTypeOf(0x401)).toThrow(UnsupportedCompressionError);
  });

  it('raises typed errors for unsupported codecs and corrupt data', () => {
    expect(() => decompressBody(Buffer.from('x'), 0x101)).toThrow(UnsupportedCompressionError);
    expect(() => decompressBody(Buffer.from('not zlib'), 0x301)).toThrow(RocketMQProtocolError);
    expect(decompressBody(Buffer.from('plain'), 0).toString()).toBe('plain');
  });
});
