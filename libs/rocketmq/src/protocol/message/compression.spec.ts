import { describe, it, expect } from '@jest/globals';
import { RocketMQProtocolError } from '../errors.js';
import { compressionTypeOf, decompressBody, maybeCompressBody, UnsupportedCompressionError, ZLIB_COMPRESSED_SYSFLAG } from './compression.js';
import { decodeLz4Frames, Lz4FormatError } from './lz4-frame.js';
import { MessageSysFlag } from './message-const.js';

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

  it('raises typed errors for unknown codecs and corrupt data', () => {
    expect(() => decompressBody(Buffer.from('x'), 0x401)).toThrow(UnsupportedCompressionError);
    expect(() => decompressBody(Buffer.from('not zlib'), 0x301)).toThrow(RocketMQProtocolError);
    expect(() => decompressBody(Buffer.from('not lz4 at all'), 0x101)).toThrow(Lz4FormatError);
    expect(() => decompressBody(Buffer.from('not zstd at all'), 0x201)).toThrow(RocketMQProtocolError);
    expect(decompressBody(Buffer.from('plain'), 0).toString()).toBe('plain');
  });
});

/** The inputs of the fixtures below, made again here (the fixtures come from the lz4 1.9.4 and zstd CLIs). */
function orderLines(size: number): Buffer {
  let text = '';
  for (let i = 0; text.length < size; i++) text += `order-${i % 8} sku-${(i * 3) % 5} qty ${i % 4}\n`;
  return Buffer.from(text.slice(0, size));
}
function noise(size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = 12345;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0; // as the fixture was made (float product, then uint32)
    out[i] = x >>> 24;
  }
  return out;
}
const fixture = (base64: string) => Buffer.from(base64, 'base64');

describe('LZ4 bodies (Java 5.x compressType=LZ4: LZ4 frames)', () => {
  const LZ4 = MessageSysFlag.COMPRESSED | MessageSysFlag.COMPRESSION_LZ4_TYPE;

  it('decodes a frame with independent blocks and a content checksum (lz4 -9)', () => {
    expect(decompressBody(fixture('BCJNGGRApxMBAADyBW9yZGVyLTAgc2t1LTAgcXR5IDAKFAARMRQAETMUABMxFAARMhQAETEUABMyFAARMxQAETQUABMzFAARNBQAGTJQABc1ZAAEUAAXNmQABFAAFzdkACgzCqAAHzSgAAAfMqAAAB8woAAAHzOgAAAfMaAAAB80oAAAHzKgAAAfMKAAAB8zoAAAHzGgAAAfNKAAAB8yoAAAHzCgAAAfM6AAAB8xoAAAHzSgAAAfMqAAAB8woAAAHzOgAAAfMaAAAB80oAAAHzKgAAAfMKAAAB8zoAAAHzGgAAAfNKAAAB8yoAAAHzCgAAAfM6AAAB8xoAAAHzSgAAAKkAEPIAP/////////////////////WlB0eSAxCgAAAAAXHwwA'), LZ4).equals(orderLines(5000))).toBe(true);
  });

  it('decodes linked 64 KiB blocks whose matches reach into earlier blocks (lz4 -BD -B4)', () => {
    const frame = fixture('BCJNGERAXgACAADyBW9yZGVyLTAgc2t1LTAgcXR5IDAKFAARMRQAETMUABMxFAARMhQAETEUABMyFAARMxQAETQUABMzFAARNBQAGTJQABc1ZAAEUAAXNmQABFAAFzdkACgzCqAAHzSgAAAfMqAAAB8woAAAHzOgAAAfMaAAAB80oAAAHzKgAAAfMKAAAB8zoAAAHzGgAAAfNKAAAB8yoAAAHzCgAAAfM6AAAB8xoAAAHzSgAAAfMqAAAB8woAAAHzOgAAAfMaAAAB80oAAAHzKgAAAfMKAAAB8zoAAAHzGgAAAfNKAAAB8yoAAAHzCgAAAfM6AAAB8xoAAAHzSgAAAKkAEPIAP/////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////v1AtMyBxdAoBAAAPIAP/////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////6FAgc2t1LQoBAAAPIAP/////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////6FBlci02IBcAAAAPIAP/////////////////NVB0eSAzCgAAAADtsbxx');
    expect(frame[4]! & 0x20).toBe(0); // block independence off
    expect(decompressBody(frame, LZ4).equals(orderLines(200_000))).toBe(true);
  });

  it('decodes block checksums and a content size in the header (lz4 -BX --content-size)', () => {
    expect(decompressBody(fixture('BCJNGHxAiBMAAAAAAADwEwEAAPIFb3JkZXItMCBza3UtMCBxdHkgMAoUABExFAARMxQAEzEUABEyFAARMRQAEzIUABEzFAARNBQAEzMUABE0FAAZMlAAFzVkAARQABc2ZAAEUAAXN2QAKDMKoAAfNKAAAB8yoAAAHzCgAAAfM6AAAB8xoAAAHzSgAAAfMqAAAB8woAAAHzOgAAAfMaAAAB80oAAAHzKgAAAfMKAAAB8zoAAAHzGgAAAfNKAAAB8yoAAAHzCgAAAfM6AAAB8xoAAAHzSgAAAfMqAAAB8woAAAHzOgAAAfMaAAAB80oAAAHzKgAAAfMKAAAB8zoAAAHzGgAAAfNKAAAAqQAQ8gA/////////////////////9aUHR5IDEKqulUPQAAAAAXHwwA'), LZ4).equals(orderLines(5000))).toBe(true);
  });

  it('copies stored (incompressible) blocks', () => {
    expect(decompressBody(fixture('BCJNGGRAp1gCAIDTp1B/VlaW8eiyZ8n+CfNz2s1k8PGIncPsKxKSRywrqUvDA3sqfv9bHRuRoquCFS5jXFPXi2r5OtxbvAMIC/S6dELc7GrRB9RB4UDs04hH4pY9GeUplq9dsz8s7xQ54cj9U1YvHhi2zogKcceb0fFWzsvEPdrCSoCYnxQRJFsTIF5UcPs7XoZLJ/SPCknh6VnuVYf8AQ/qq9O3MmwfGeQcqAFe/pNscE9oSOUaZYfVzXTVN0CFt9LlVTsGzOa2/4e2fSprMFsD4zhDzx6Lxss0zn97a2e5P1F+UI7vQ1e1RH+ZWccUG2kDJ+3q9wJycThZdx96pbQgoRBfTio3cjgfuBQzca9J22CBs+1Yqzoz8P9Nu3qewtrxMVmrd2g2k9Z7asACq81/GebDpHcmGE7++8W/76OJ6CtHx+tkUgin0AWXitYVWfXzDR1grAWwmmcTSAy7qHt4IGS7d31dZgKHx5OPZnQU2TO81qnBxfezFYImi+Q9djXx45dolg+pcyq4CnvqZFJtoHhliQ27Mos8Qiu1ssnGQDVG0lmv9eWebqiVYmUDv1FFRul4ofyBtLhn78TW216BMCfCoKpXm3WTdLerZEDtDoZt4VzqkHo9zxHhAY5Ia3rKH0UnOE2MtGQJfPDuhmPln/JNy4Q0Sj89YvZ+lFH74kBRzKGk7WqNjq0j0/nVT73MJBNxC80ISrDMX5MSe64LvHqXeAnxXyQHuZ2KzN+XkpdcC/f6dcxn8pFfBFkv/ikqbbHJqHO4mU5Sqt/ywuYYjkSOTGGQgoQrDtoJgnd1VDgAAAAA4urzlw=='), LZ4).equals(noise(600))).toBe(true);
  });

  it('decodes concatenated frames and skips skippable frames', () => {
    const skippable = Buffer.from([0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    const frames = Buffer.concat([fixture('BCJNGGRApxMBAADyBW9yZGVyLTAgc2t1LTAgcXR5IDAKFAARMRQAETMUABMxFAARMhQAETEUABMyFAARMxQAETQUABMzFAARNBQAGTJQABc1ZAAEUAAXNmQABFAAFzdkACgzCqAAHzSgAAAfMqAAAB8woAAAHzOgAAAfMaAAAB80oAAAHzKgAAAfMKAAAB8zoAAAHzGgAAAfNKAAAB8yoAAAHzCgAAAfM6AAAB8xoAAAHzSgAAAfMqAAAB8woAAAHzOgAAAfMaAAAB80oAAAHzKgAAAfMKAAAB8zoAAAHzGgAAAfNKAAAB8yoAAAHzCgAAAfM6AAAB8xoAAAHzSgAAAKkAEPIAP/////////////////////WlB0eSAxCgAAAAAXHwwA'), skippable, fixture('BCJNGGRAp1gCAIDTp1B/VlaW8eiyZ8n+CfNz2s1k8PGIncPsKxKSRywrqUvDA3sqfv9bHRuRoquCFS5jXFPXi2r5OtxbvAMIC/S6dELc7GrRB9RB4UDs04hH4pY9GeUplq9dsz8s7xQ54cj9U1YvHhi2zogKcceb0fFWzsvEPdrCSoCYnxQRJFsTIF5UcPs7XoZLJ/SPCknh6VnuVYf8AQ/qq9O3MmwfGeQcqAFe/pNscE9oSOUaZYfVzXTVN0CFt9LlVTsGzOa2/4e2fSprMFsD4zhDzx6Lxss0zn97a2e5P1F+UI7vQ1e1RH+ZWccUG2kDJ+3q9wJycThZdx96pbQgoRBfTio3cjgfuBQzca9J22CBs+1Yqzoz8P9Nu3qewtrxMVmrd2g2k9Z7asACq81/GebDpHcmGE7++8W/76OJ6CtHx+tkUgin0AWXitYVWfXzDR1grAWwmmcTSAy7qHt4IGS7d31dZgKHx5OPZnQU2TO81qnBxfezFYImi+Q9djXx45dolg+pcyq4CnvqZFJtoHhliQ27Mos8Qiu1ssnGQDVG0lmv9eWebqiVYmUDv1FFRul4ofyBtLhn78TW216BMCfCoKpXm3WTdLerZEDtDoZt4VzqkHo9zxHhAY5Ia3rKH0UnOE2MtGQJfPDuhmPln/JNy4Q0Sj89YvZ+lFH74kBRzKGk7WqNjq0j0/nVT73MJBNxC80ISrDMX5MSe64LvHqXeAnxXyQHuZ2KzN+XkpdcC/f6dcxn8pFfBFkv/ikqbbHJqHO4mU5Sqt/ywuYYjkSOTGGQgoQrDtoJgnd1VDgAAAAA4urzlw==')]);
    expect(decodeLz4Frames(frames).equals(Buffer.concat([orderLines(5000), noise(600)]))).toBe(true);
  });

  it('refuses truncated frames and impossible back-references with Lz4FormatError', () => {
    const frame = fixture('BCJNGGRApxMBAADyBW9yZGVyLTAgc2t1LTAgcXR5IDAKFAARMRQAETMUABMxFAARMhQAETEUABMyFAARMxQAETQUABMzFAARNBQAGTJQABc1ZAAEUAAXNmQABFAAFzdkACgzCqAAHzSgAAAfMqAAAB8woAAAHzOgAAAfMaAAAB80oAAAHzKgAAAfMKAAAB8zoAAAHzGgAAAfNKAAAB8yoAAAHzCgAAAfM6AAAB8xoAAAHzSgAAAfMqAAAB8woAAAHzOgAAAfMaAAAB80oAAAHzKgAAAfMKAAAB8zoAAAHzGgAAAfNKAAAB8yoAAAHzCgAAAfM6AAAB8xoAAAHzSgAAAKkAEPIAP/////////////////////WlB0eSAxCgAAAAAXHwwA');
    expect(() => decodeLz4Frames(frame.subarray(0, frame.length - 10))).toThrow(Lz4FormatError);
    // one block whose only sequence copies from 5 bytes back when nothing was written yet
    const bad = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82, 3, 0, 0, 0, 0x00, 5, 0, 0, 0, 0, 0]);
    expect(() => decodeLz4Frames(bad)).toThrow(/match offset 5 outside/);
  });
});

describe('Zstandard bodies (Java 5.x compressType=ZSTD)', () => {
  const ZSTD = MessageSysFlag.COMPRESSED | MessageSysFlag.COMPRESSION_ZSTD_TYPE;

  it('decodes a frame with its content size', () => {
    expect(decompressBody(fixture('KLUv/WSIEg0DALJEDRCw6zhJJvUNU25WyjRd4DggT2Ofxj6NfRr7NPZp7LPociTu6BMT7xstQMNrKlQ4xELFOmalOKgh+Pbv4KVlDBE0BVT48/v/fwZlMLJjDQAQYEZSWWyWxXIPR3XvrgJGmPkZ'), ZSTD).equals(orderLines(5000))).toBe(true);
  });

  it('decodes a streamed frame without a content size', () => {
    expect(decompressBody(fixture('KLUv/QRoDAMAskQNELDrOEkm9Q1TblbKNF3gOCBPY5/GPo19Gvs09mnss+hyJO7oExPvGy1Aw2sqVDjEQsU6ZqU4qCH49u/gpWUMETQFVPjz+///G938IzvWAAABZiSVxWZZLPdwVPfuKlUAAAABAD0NY/25BgJ1ss2C'), ZSTD).equals(orderLines(200_000))).toBe(true);
  });
});
