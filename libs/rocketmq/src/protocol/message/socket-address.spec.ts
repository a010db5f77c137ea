import { describe, it, expect } from '@jest/globals';
import { RocketMQClientError } from '../errors.js';
import { decodeSocketAddress, encodeSocketAddress, splitHostPort } from './socket-address.js';

describe('socket address bytes', () => {
  it('encodes IPv4 as 4 address bytes + int32 port', () => {
    expect(encodeSocketAddress('10.0.0.1:10911').toString('hex')).toBe('0a00000100002a9f');
  });

  it('stores IPv4-mapped IPv6 (Node dual-stack) as IPv4', () => {
    expect(encodeSocketAddress('[::ffff:10.0.0.1]:10911').length).toBe(8);
  });

  it('encodes and decodes IPv6, bracketed or Java-style', () => {
    const b = encodeSocketAddress('[2001:db8::1]:80');
    expect(b.length).toBe(20);
    expect(decodeSocketAddress(b, 0, true)).toBe('[2001:db8:0:0:0:0:0:1]:80');
    expect(encodeSocketAddress('2001:db8:0:0:0:0:0:1:80').equals(b)).toBe(true);
    expect(encodeSocketAddress('[fe80::1%eth0]:80').length).toBe(20);
  });

  it('rejects host names and bad ports', () => {
    expect(() => encodeSocketAddress('example.com:80')).toThrow(RocketMQClientError);
    expect(() => splitHostPort('1.2.3.4:99999')).toThrow(RocketMQClientError);
  });
});
