import { describe, it, expect } from '@jest/globals';
import { RocketMQClientError } from '../errors.js';
import {
  createOffsetMessageId,
  createUniqueId,
  decodeOffsetMessageId,
  decodeUniqueIdOrigin,
  decodeUniqueIdTimestamp,
  UniqueIdGenerator,
} from './message-id.js';
import { encodeSocketAddress } from './socket-address.js';

describe('offset msgId', () => {
  it('encodes the documented example', () => {
    expect(createOffsetMessageId('10.0.0.1:10911', 123456)).toBe('0A00000100002A9F000000000001E240');
    expect(createOffsetMessageId(encodeSocketAddress('10.0.0.1:10911'), 123456)).toBe('0A00000100002A9F000000000001E240');
  });

  it('round-trips IPv4 and IPv6 with large offsets', () => {
    expect(decodeOffsetMessageId(createOffsetMessageId('10.0.0.1:10911', 2 ** 50 + 7))).toEqual({
      storeHost: '10.0.0.1:10911', ip: '10.0.0.1', port: 10911, commitLogOffset: 2 ** 50 + 7,
    });
    const id = createOffsetMessageId('[2001:db8::5]:10911', 99);
    expect(id).toHaveLength(56);
    expect(id).toBe(id.toUpperCase());
    expect(decodeOffsetMessageId(id).storeHost).toBe('[2001:db8:0:0:0:0:0:5]:10911');
    expect(decodeOffsetMessageId(id.toLowerCase()).commitLogOffset).toBe(99);
  });

  it('rejects ids of the wrong shape', () => {
    expect(() => decodeOffsetMessageId('XYZ')).toThrow(RocketMQClientError);
    expect(() => decodeOffsetMessageId('G'.repeat(32))).toThrow(RocketMQClientError);
  });
});

describe('UniqueIdGenerator', () => {
  const at = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m, d, h, min).getTime();

  it('lays out ip, pid, seed, ms since month start and counter', () => {
    const now = at(2024, 4, 3, 10, 0);
    const gen = new UniqueIdGenerator({ ip: '10.1.2.3', pid: 0x12345, seed: 0x0badf00d, now: () => now });
    const id = gen.next();
    expect(id).toHaveLength(32);
    expect(id.slice(0, 20)).toBe('0A010203' + '2345' + '0BADF00D');
    expect(Number.parseInt(id.slice(20, 28), 16)).toBe(now - at(2024, 4, 1));
    expect(id.slice(28)).toBe('0000');
    expect(gen.next().slice(28)).toBe('0001');
    expect(gen.prefix).toBe('0A01020323450BADF00D');
  });

  it('wraps the 16-bit counter and rebases on month rollover', () => {
    let now = at(2024, 0, 31, 23, 59);
    const gen = new UniqueIdGenerator({ ip: '1.2.3.4', pid: 1, seed: 1, now: () => now });
    for (let i = 0; i < 65536; i++) gen.next();
    expect(gen.next().slice(28)).toBe('0000');
    now = at(2024, 1, 1, 0, 1);
    expect(Number.parseInt(gen.next().slice(20, 28), 16)).toBe(60_000);
  });

  it('keeps late-month spans above 2^31 as unsigned 32 bits', () => {
    const now = at(2024, 0, 30, 12);
    const gen = new UniqueIdGenerator({ ip: '1.2.3.4', pid: 1, seed: 1, now: () => now });
    const id = gen.next();
    expect(Number.parseInt(id.slice(20, 28), 16)).toBe(now - at(2024, 0, 1));
    expect(decodeUniqueIdTimestamp(id, now + 1000)).toBe(now);
  });

  it('recovers the send time from the current or previous month', () => {
    const sent = at(2024, 2, 28, 8);
    const id = new UniqueIdGenerator({ ip: '1.2.3.4', pid: 1, seed: 1, now: () => sent }).next();
    expect(decodeUniqueIdTimestamp(id, sent + 5000)).toBe(sent);
    expect(decodeUniqueIdTimestamp(id, at(2024, 3, 2))).toBe(sent);
  });

  it('supports IPv6 client addresses and decodes the origin', () => {
    const ip = Buffer.alloc(16, 0);
    ip[15] = 1;
    const id = new UniqueIdGenerator({ ip, pid: 77, seed: 5 }).next();
    expect(id).toHaveLength(56);
    expect(decodeUniqueIdOrigin(id)).toEqual({ ip: '0:0:0:0:0:0:0:1', pid: 77 });
  });

  it('creates distinct process-wide ids quickly', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 10000; i++) ids.add(createUniqueId());
    expect(ids.size).toBe(10000);
    expect([...ids][0]).toMatch(/^[0-9A-F]{32}$/);
  });
});
