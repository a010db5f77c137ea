import { describe, expect, it } from '@jest/globals';
import { formatTagExpression, parseTagExpression, patternToDestination } from './rocketmq-pattern.js';
import { RocketMQPatternError } from './rocketmq-transport.errors.js';

describe('pattern → topic and tag', () => {
  it('uses a plain pattern as the topic, without a tag', () => {
    expect(patternToDestination('orders')).toEqual({ topic: 'orders', tag: undefined });
  });

  it('turns dots and slashes into underscores by default', () => {
    expect(patternToDestination('orders.created')).toEqual({ topic: 'orders_created', tag: undefined });
    expect(patternToDestination('shop/orders.created')).toEqual({ topic: 'shop_orders_created', tag: undefined });
  });

  it('splits topic:tag at the first colon', () => {
    expect(patternToDestination('orders:created')).toEqual({ topic: 'orders', tag: 'created' });
    expect(patternToDestination('shop.orders:created.v2')).toEqual({ topic: 'shop_orders', tag: 'created.v2' });
  });

  it('keeps the topic as it is with strict naming, and rejects illegal characters', () => {
    expect(patternToDestination('Orders-1', 'strict').topic).toBe('Orders-1');
    expect(() => patternToDestination('orders.created', 'strict')).toThrow(/does not map to a RocketMQ topic.*illegal characters/);
  });

  it('applies a custom naming function and validates its result', () => {
    expect(patternToDestination('orders.created', (p) => `APP_${p.toUpperCase().replace('.', '_')}`).topic).toBe('APP_ORDERS_CREATED');
    expect(() => patternToDestination('orders', () => 'bad topic')).toThrow(RocketMQPatternError);
  });

  it('rejects object patterns, illegal tags, blank and overlong topics with a message saying what to do', () => {
    expect(() => patternToDestination('{"cmd":"sum"}')).toThrow(/object pattern.*use a string pattern/);
    expect(() => patternToDestination('orders:')).toThrow(/tag after ":" is empty/);
    expect(() => patternToDestination('orders:a||b')).toThrow(/illegal tag/);
    expect(() => patternToDestination('orders:a b')).toThrow(/illegal tag/);
    expect(() => patternToDestination('orders:*')).toThrow(/illegal tag/);
    expect(() => patternToDestination(':tag')).toThrow(/blank/);
    expect(() => patternToDestination('x'.repeat(128))).toThrow(/maximum is 127/);
    expect(() => patternToDestination('orders created')).toThrow(/set the topic in the handler's extras/);
  });
});

describe('tag expressions', () => {
  it('parses `a || b` into a set and `*` (or nothing) into every tag', () => {
    expect(parseTagExpression('paid || refunded', 'p')).toEqual(new Set(['paid', 'refunded']));
    expect(parseTagExpression(' * ', 'p')).toBe('*');
    expect(parseTagExpression('', 'p')).toBe('*');
    expect(() => parseTagExpression('a || b c', 'p')).toThrow(RocketMQPatternError);
  });

  it('formats a set as a sorted expression', () => {
    expect(formatTagExpression(new Set(['b', 'a']))).toBe('a || b');
    expect(formatTagExpression('*')).toBe('*');
  });
});
