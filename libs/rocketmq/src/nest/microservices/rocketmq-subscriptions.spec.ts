import { describe, expect, it } from '@jest/globals';
import type { RocketMQPatternExtras } from './rocketmq-options.js';
import { findRoute, planSubscriptions, type HandlerEntry } from './rocketmq-subscriptions.js';

const handler = (pattern: string, extras: RocketMQPatternExtras = {}, isEventHandler = true, key = pattern): HandlerEntry => ({ key, pattern, isEventHandler, extras });

describe('subscription plan', () => {
  it('gives each topic its own default group nest_<topic>', () => {
    const plans = planSubscriptions([handler('orders.created'), handler('payments')]);
    expect([...plans.keys()].sort()).toEqual(['nest_orders_created', 'nest_payments']);
    expect(plans.get('nest_orders_created')!.topics.get('orders_created')!.expression).toBe('*');
  });

  it('puts every topic of a configured group on one consumer', () => {
    const plans = planSubscriptions([handler('orders'), handler('payments')], { group: 'billing' });
    expect([...plans.keys()]).toEqual(['billing']);
    expect([...plans.get('billing')!.topics.keys()].sort()).toEqual(['orders', 'payments']);
  });

  it('combines the tags of one topic into one expression and routes by tag, falling back to the untagged handler', () => {
    const plans = planSubscriptions([handler('orders:paid'), handler('orders:refunded'), handler('orders', { group: 'g' })], { group: 'g' });
    const sub = plans.get('g')!.topics.get('orders')!;
    expect(sub.expression).toBe('*');
    expect(findRoute(sub, 'paid')!.pattern).toBe('orders:paid');
    expect(findRoute(sub, 'refunded')!.pattern).toBe('orders:refunded');
    expect(findRoute(sub, 'other')!.pattern).toBe('orders');
    expect(findRoute(sub, undefined)!.pattern).toBe('orders');
  });

  it('subscribes to the union of tags when every handler has a tag, and finds no route for other tags', () => {
    const plans = planSubscriptions([handler('orders:paid'), handler('orders:refunded')], { group: 'g' });
    const sub = plans.get('g')!.topics.get('orders')!;
    expect(sub.expression).toBe('paid || refunded');
    expect(findRoute(sub, 'shipped')).toBeUndefined();
  });

  it('takes topic, tag expression and group from the extras', () => {
    const plans = planSubscriptions([handler('anything', { topic: 'LegacyTopic', tag: 'A || B', group: 'legacy' })]);
    const sub = plans.get('legacy')!.topics.get('LegacyTopic')!;
    expect(sub.expression).toBe('A || B');
    expect(findRoute(sub, 'B')!.pattern).toBe('anything');
  });

  it('uses a SQL92 selector as the subscription of its handler', () => {
    const plans = planSubscriptions([handler('orders', { selector: { type: 'SQL92', expression: 'amount > 100' }, group: 'big' })]);
    const sub = plans.get('big')!.topics.get('orders')!;
    expect(sub).toMatchObject({ type: 'SQL92', expression: 'amount > 100' });
    expect(findRoute(sub, 'x')!.pattern).toBe('orders');
  });

  it('collects group settings from extras and rejects handlers of one group that disagree', () => {
    const plans = planSubscriptions([handler('a', { group: 'g', consumeMode: 'ORDERLY', maxReconsumeTimes: 3 }), handler('b', { group: 'g', consumer: { pullBatchSize: 8 } })]);
    expect(plans.get('g')!.settings).toEqual({ consumeMode: 'ORDERLY', maxReconsumeTimes: 3, pullBatchSize: 8 });
    expect(() => planSubscriptions([handler('a', { group: 'g', consumeMode: 'ORDERLY' }), handler('b', { group: 'g', consumeMode: 'CONCURRENTLY' })])).toThrow(
      /"a" and "b" share the consumer group g but set consumeMode differently/,
    );
  });

  it('rejects two handlers that would take the same messages, or map to the same topic', () => {
    expect(() => planSubscriptions([handler('orders.created'), handler('orders_created')], { group: 'g' })).toThrow(/both take every tag of topic orders_created/);
    expect(() => planSubscriptions([handler('orders:paid'), handler('x', { topic: 'orders', tag: 'paid || y' })], { group: 'g' })).toThrow(/tag paid/);
    expect(() => planSubscriptions([handler('orders:paid'), handler('x', { topic: 'orders', selector: { type: 'SQL92', expression: 'a=1' } })], { group: 'g' })).toThrow(
      /has a selector/,
    );
  });

  it('lets the same pattern run in two groups', () => {
    const plans = planSubscriptions([handler('orders', { group: 'a' }, true, 'orders@@a'), handler('orders', { group: 'b' }, true, 'orders@@b')]);
    expect(findRoute(plans.get('a')!.topics.get('orders')!, undefined)!.key).toBe('orders@@a');
    expect(findRoute(plans.get('b')!.topics.get('orders')!, undefined)!.key).toBe('orders@@b');
  });

  it('rejects patterns that map to no topic and illegal groups', () => {
    expect(() => planSubscriptions([handler('{"cmd":"sum"}')])).toThrow(/object pattern/);
    expect(() => planSubscriptions([handler('orders', { group: 'bad group' })])).toThrow(/consumer group of "orders" is illegal/);
  });
});
