import { describe, expect, it } from '@jest/globals';
import { MessageConst } from '../../protocol/message/message-const.js';
import { CONTENT_TYPE_PROPERTY } from '../rocketmq.constants.js';
import { JsonSerializer } from '../serialization/serializer.js';
import { applyDelay, buildMessage } from './message-builder.js';

const json = new JsonSerializer();

describe('buildMessage', () => {
  it('builds topic, tag, keys, body and content type', () => {
    const m = buildMessage('orders:paid', { id: 7 }, json, { keys: ['k1', 'k2'] });
    expect(m.topic).toBe('orders');
    expect(m.tags).toBe('paid');
    expect(m.keys).toEqual(['k1', 'k2']);
    expect(JSON.parse(m.body.toString())).toEqual({ id: 7 });
    expect(m.getProperty(CONTENT_TYPE_PROPERTY)).toBe('application/json');
  });

  it('lets the tags option override the destination tag', () => {
    expect(buildMessage('orders:a', 'x', json, { tags: 'b' }).tags).toBe('b');
  });

  it('maps headers to user properties', () => {
    const m = buildMessage('orders', 'x', json, { headers: { region: 'eu', amount: 12, vip: true } });
    expect(m.userProperties).toMatchObject({ region: 'eu', amount: '12', vip: 'true' });
  });

  it('rejects system property names in headers, naming the option to use', () => {
    expect(() => buildMessage('orders', 'x', json, { headers: { KEYS: 'a' } })).toThrow(/"KEYS" is a property name reserved by RocketMQ; use the `keys` option/);
    expect(() => buildMessage('orders', 'x', json, { headers: { DELAY: '2' } })).toThrow(/sendDelayed/);
    expect(() => buildMessage('orders', 'x', json, { headers: { UNIQ_KEY: 'a' } })).toThrow(/choose another header name/);
    expect(() => buildMessage('orders', 'x', json, { headers: { rocketmqTxFlow: 'a' } })).toThrow(/transactions/);
  });

  it('lets a header override the content type', () => {
    const m = buildMessage('orders', Buffer.from('{"a":1}'), json, { headers: { 'content-type': 'application/json' } });
    expect(m.getProperty(CONTENT_TYPE_PROPERTY)).toBe('application/json');
  });

  it('sets the delay level', () => {
    expect(buildMessage('orders', 'x', json, { delayLevel: 3 }).delayLevel).toBe(3);
    expect(() => buildMessage('orders', 'x', json, { delayLevel: 0 })).toThrow(/positive integer/);
  });
});

describe('applyDelay', () => {
  it('maps delayMs to TIMER_DELAY_MS and deliverAt to TIMER_DELIVER_MS', () => {
    const a = buildMessage('t', 'x', json);
    applyDelay(a, { delayMs: 1500 });
    expect(a.getProperty(MessageConst.TIMER_DELAY_MS)).toBe('1500');
    const b = buildMessage('t', 'x', json);
    applyDelay(b, { deliverAt: new Date(1_800_000_000_000) });
    expect(b.getProperty(MessageConst.TIMER_DELIVER_MS)).toBe('1800000000000');
    const c = buildMessage('t', 'x', json);
    applyDelay(c, { deliverAt: 1_800_000_000_123.7 });
    expect(c.deliverAt).toBe(1_800_000_000_123);
  });

  it('rejects nonsense delays', () => {
    expect(() => applyDelay(buildMessage('t', 'x', json), { delayMs: -1 })).toThrow(/delayMs/);
    expect(() => applyDelay(buildMessage('t', 'x', json), { deliverAt: Number.NaN })).toThrow(/deliverAt/);
    expect(() => applyDelay(buildMessage('t', 'x', json), {} as never)).toThrow(/one of/);
  });
});
