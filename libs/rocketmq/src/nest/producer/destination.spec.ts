import { describe, expect, it } from '@jest/globals';
import { parseDestination } from './destination.js';

describe('parseDestination', () => {
  it('reads a plain topic', () => {
    expect(parseDestination('orders')).toEqual({ topic: 'orders' });
  });

  it('splits topic and tag at the first colon', () => {
    expect(parseDestination('orders:paid')).toEqual({ topic: 'orders', tags: 'paid' });
    expect(parseDestination('orders:a:b')).toEqual({ topic: 'orders', tags: 'a:b' });
  });

  it('treats an empty tag as no tag', () => {
    expect(parseDestination('orders:')).toEqual({ topic: 'orders' });
    expect(parseDestination('orders: ')).toEqual({ topic: 'orders' });
  });

  it('rejects invalid topic names with the reason', () => {
    expect(() => parseDestination(':tag')).toThrow(/blank/);
    expect(() => parseDestination('bad topic:tag')).toThrow(/illegal characters/);
    expect(() => parseDestination('x'.repeat(200))).toThrow(/maximum is 127/);
  });
});
