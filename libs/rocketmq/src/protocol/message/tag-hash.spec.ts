import { describe, it, expect } from '@jest/globals';
import { javaStringHashCode, tagsCode } from './tag-hash.js';

describe('Java String.hashCode', () => {
  it('matches Java for known strings', () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('TagA')).toBe(2598919);
    expect(javaStringHashCode('TagB')).toBe(2598920);
    expect(javaStringHashCode('hello')).toBe(99162322);
    // overflows to a negative int
    expect(javaStringHashCode('hello world, RocketMQ')).toBe(javaRef('hello world, RocketMQ'));
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
  });

  it('hashes UTF-16 code units (surrogate pairs count twice)', () => {
    expect(javaStringHashCode('\ud83d\ude00')).toBe(55357 * 31 + 56832);
  });

  it('gives 0 for no tag', () => {
    expect(tagsCode(undefined)).toBe(0);
    expect(tagsCode('TagA')).toBe(2598919);
  });
});

function javaRef(s: string): number {
  let h = 0n;
  for (const c of s) for (let i = 0; i < c.length; i++) h = BigInt.asIntN(32, h * 31n + BigInt(c.charCodeAt(i)));
  return Number(h);
}
