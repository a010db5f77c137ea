import { describe, expect, it } from '@jest/globals';
import type { RocketMQListenerOptions } from '../interfaces/listener-options.interface.js';
import { RocketMQConfigurationError } from '../rocketmq.errors.js';
import { parseTagExpression, planConsumers, routeMessage, type PlannedListener } from './consumer-plan.js';
import { asSwitch, isListenerEnabled } from './listener-enabled.js';

function l(source: string, options: Partial<RocketMQListenerOptions>): PlannedListener<string> {
  return { id: source, source, handler: source, options: { topic: 'orders', consumerGroup: 'g1', ...options } };
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof RocketMQConfigurationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a RocketMQConfigurationError');
}

describe('tag expressions', () => {
  it('splits on || and treats blank as *', () => {
    expect(parseTagExpression('A || B||C')).toEqual(['A', 'B', 'C']);
    expect(parseTagExpression(undefined)).toEqual(['*']);
    expect(parseTagExpression('  ')).toEqual(['*']);
  });
});

describe('planning consumers', () => {
  it('gives methods of one group and topic one consumer with a combined tag expression, routing by tag', () => {
    const [plan, ...rest] = planConsumers([l('S.paid', { selectorExpression: 'paid' }), l('S.shipped', { selectorExpression: 'shipped || delivered' })]);
    expect(rest).toHaveLength(0);
    const route = plan!.topics.get('orders')!;
    expect(route.expression).toBe('paid || shipped || delivered');
    expect(routeMessage(plan!, 'orders', 'paid')?.source).toBe('S.paid');
    expect(routeMessage(plan!, 'orders', 'delivered')?.source).toBe('S.shipped');
    expect(routeMessage(plan!, 'orders', 'other')).toBeUndefined();
  });

  it('subscribes * when one method takes the remaining tags', () => {
    const [plan] = planConsumers([l('S.paid', { selectorExpression: 'paid' }), l('S.rest', {})]);
    expect(plan!.topics.get('orders')!.expression).toBe('*');
    expect(routeMessage(plan!, 'orders', 'paid')?.source).toBe('S.paid');
    expect(routeMessage(plan!, 'orders', 'x')?.source).toBe('S.rest');
    expect(routeMessage(plan!, 'orders', undefined)?.source).toBe('S.rest');
  });

  it('gives different groups different consumers and one group several topics', () => {
    const plans = planConsumers([l('A.a', {}), l('B.b', { consumerGroup: 'g2' }), l('C.c', { topic: 'payments' })]);
    expect(plans.map((p) => [p.group, [...p.topics.keys()]])).toEqual([
      ['g1', ['orders', 'payments']],
      ['g2', ['orders']],
    ]);
  });

  it('keeps connections and namespaces apart', () => {
    expect(planConsumers([l('A.a', {}), l('B.b', { connection: 'other' }), l('C.c', { namespace: 'ns' })])).toHaveLength(3);
  });

  it('merges group settings set on one method only', () => {
    const [plan] = planConsumers([l('A.a', { selectorExpression: 'x', maxReconsumeTimes: 3 }), l('A.b', { selectorExpression: 'y' })]);
    expect(plan!.settings).toEqual({ maxReconsumeTimes: 3 });
  });

  it('rejects one group configured two ways', () => {
    const problems = problemsOf(() => planConsumers([l('A.a', { selectorExpression: 'x', messageModel: 'BROADCASTING' }), l('A.b', { selectorExpression: 'y', messageModel: 'CLUSTERING' })]));
    expect(problems[0]).toMatch(/consumer group "g1" is configured two ways: A.a sets messageModel="BROADCASTING" and A.b sets messageModel="CLUSTERING"/);
  });

  it('rejects one group subscribing one topic two different ways', () => {
    const problems = problemsOf(() => planConsumers([l('A.a', { selectorExpression: 'x' }), l('B.b', { selectorType: 'SQL92', selectorExpression: 'a > 1' })]));
    expect(problems[0]).toMatch(/consumer group "g1" subscribes topic "orders" two different ways: A.a \(tags\) and B.b \(SQL92 "a > 1"\)/);
    expect(() => planConsumers([l('A.a', { selectorType: 'SQL92', selectorExpression: 'a > 1' }), l('B.b', { selectorType: 'SQL92', selectorExpression: 'a > 2' })])).toThrow(/two different ways/);
  });

  it('rejects two methods for one tag, or two for *', () => {
    expect(problemsOf(() => planConsumers([l('A.a', { selectorExpression: 'x || y' }), l('B.b', { selectorExpression: 'y' })]))[0]).toMatch(/A.a and B.b both handle tag "y"/);
    expect(problemsOf(() => planConsumers([l('A.a', {}), l('B.b', { selectorExpression: '*' })]))[0]).toMatch(/both handle all tags/);
  });

  it('rejects invalid names, selectors and modes, listing every problem', () => {
    const problems = problemsOf(() =>
      planConsumers([
        l('A.a', { topic: 'bad topic' }),
        l('B.b', { consumerGroup: 'g/1' }),
        l('C.c', { selectorType: 'SQL92' }),
        l('D.d', { consumeMode: 'ORDERLY', messageModel: 'BROADCASTING' }),
        l('E.e', { selectorExpression: 'a || *' }),
      ]),
    );
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/A.a: invalid topic "bad topic": .*illegal characters/);
    expect(problems[1]).toMatch(/B.b: invalid consumerGroup/);
    expect(problems[2]).toMatch(/SQL92 selector needs a selectorExpression/);
    expect(problems[3]).toMatch(/ORDERLY consumption is not supported with BROADCASTING/);
    expect(problems[4]).toMatch(/mixes "\*" with tags/);
  });

  it('rejects a listener of a connection that does not exist', () => {
    expect(() => planConsumers([l('A.a', { connection: 'eu' })], new Set(['default']))).toThrow(/no RocketMQModule.forRoot\(\{ name: "eu" \}\).*known connections: "default"/);
  });
});

describe('enabling listeners', () => {
  const o: RocketMQListenerOptions = { topic: 'orders', consumerGroup: 'g1' };

  it('is on by default and follows the decorator flag', () => {
    expect(isListenerEnabled('A.a', o, {})).toBe(true);
    expect(isListenerEnabled('A.a', { ...o, enabled: false }, {})).toBe(false);
  });

  it('reads a config key through resolveConfig', () => {
    expect(isListenerEnabled('A.a', { ...o, enabled: 'orders.enabled' }, { resolveConfig: (k) => (k === 'orders.enabled' ? 'false' : undefined) })).toBe(false);
    expect(isListenerEnabled('A.a', { ...o, enabled: 'missing' }, { resolveConfig: () => undefined })).toBe(true);
  });

  it('lets the module switch win, by id or by group.topic', () => {
    expect(isListenerEnabled('A.a', o, { listeners: { 'A.a': false } })).toBe(false);
    expect(isListenerEnabled('A.a', o, { listeners: { 'g1.orders': false } })).toBe(false);
    expect(isListenerEnabled('A.a', { ...o, enabled: false }, { listeners: { 'A.a': true } })).toBe(true);
  });

  it('reads switches leniently', () => {
    expect(['false', '0', 'OFF', 'no'].map((v) => asSwitch(v, true))).toEqual([false, false, false, false]);
    expect(['true', '1', 'yes'].map((v) => asSwitch(v, false))).toEqual([true, true, true]);
    expect(asSwitch('', true)).toBe(true);
  });
});
