import { describe, expect, it } from '@jest/globals';
import { MessageExt } from '../../../protocol/message/message.js';
import { createProperties } from '../../../protocol/message/properties.js';
import { RocketMQRecordBuilder } from '../record-builders/rocketmq.record-builder.js';
import { RocketMQDeserializationError } from '../rocketmq-transport.errors.js';
import { decodeBody, RocketMQRequestDeserializer, RocketMQResponseDeserializer } from './rocketmq.deserializer.js';
import { ContentType, encodeBody, RocketMQRequestSerializer, RocketMQResponseSerializer } from './rocketmq.serializer.js';

function messageExt(body: Buffer, properties: Record<string, string>, topic = 'orders'): MessageExt {
  return new MessageExt({
    topic,
    body,
    properties: Object.assign(createProperties(), properties),
    flag: 0,
    queueId: 1,
    queueOffset: 7,
    commitLogOffset: 0,
    sysFlag: 0,
    bornTimestamp: Date.now(),
    bornHost: '127.0.0.1:1',
    storeTimestamp: Date.now(),
    storeHost: '127.0.0.1:10911',
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    bodyCRC: 0,
    storeSize: 0,
    offsetMsgId: 'X',
  });
}

describe('body encoding', () => {
  it('sends objects, numbers, booleans and null as JSON', () => {
    for (const value of [{ id: 1, items: ['a'] }, 42, true, null, [1, 2]]) {
      const { body, contentType } = encodeBody(value);
      expect(contentType).toBe(ContentType.JSON);
      expect(decodeBody(body, contentType)).toEqual(value);
    }
    expect(encodeBody(undefined).body.toString()).toBe('null');
  });

  it('sends strings as UTF-8 text and Buffers as they are', () => {
    const text = encodeBody('héllo');
    expect(text).toEqual({ body: Buffer.from('héllo'), contentType: ContentType.TEXT });
    expect(decodeBody(text.body, text.contentType)).toBe('héllo');
    const bytes = Buffer.from([0, 1, 255]);
    expect(encodeBody(bytes)).toEqual({ body: bytes, contentType: ContentType.BINARY });
    expect(decodeBody(bytes, ContentType.BINARY)).toBe(bytes);
    expect(encodeBody(new Uint8Array([1, 2])).body).toEqual(Buffer.from([1, 2]));
  });

  it('reads a message without content type (from a non-Nest producer) as JSON when it parses, else as text', () => {
    expect(decodeBody(Buffer.from('{"a":1}'), undefined)).toEqual({ a: 1 });
    expect(decodeBody(Buffer.from('plain words'), undefined)).toBe('plain words');
  });

  it('keeps the body binary on request, and fails clearly on JSON that is not', () => {
    expect(decodeBody(Buffer.from('{"a":1}'), ContentType.JSON, { keepBinary: true })).toEqual(Buffer.from('{"a":1}'));
    expect(() => decodeBody(Buffer.from('{oops'), 'application/json; charset=utf-8')).toThrow(RocketMQDeserializationError);
  });
});

describe('request serializer (client side)', () => {
  it('writes the payload as the body, with content type, pattern and metadata as user properties', () => {
    const record = new RocketMQRequestSerializer().serialize({ pattern: 'orders.created', data: { id: 7 }, metadata: { traceparent: '00-abc-def-01', TAGS: 'x', ' ': 'blank' } });
    expect(JSON.parse(record.body.toString())).toEqual({ id: 7 });
    expect(record.properties).toEqual({ traceparent: '00-abc-def-01', 'content-type': ContentType.JSON, 'nest-pattern': 'orders.created' });
  });

  it('takes tags, keys, delay, sharding key and properties from a RocketMQRecord payload', () => {
    const data = new RocketMQRecordBuilder({ id: 7 }).setTags('paid').setKeys(['k1', 'k2']).setDelayLevel(2).setShardingKey('order-7').setProperties({ tenant: 'acme' }).build();
    const record = new RocketMQRequestSerializer().serialize({ pattern: { cmd: 'x' }, data });
    expect(record).toMatchObject({ tags: 'paid', keys: ['k1', 'k2'], delayLevel: 2, shardingKey: 'order-7' });
    expect(record.properties).toMatchObject({ tenant: 'acme', 'nest-pattern': '{"cmd":"x"}' });
    expect(JSON.parse(record.body.toString())).toEqual({ id: 7 });
  });
});

describe('request deserializer (server side)', () => {
  it('decodes the body and returns metadata without the transport properties, and the correlation id as packet id', () => {
    const message = messageExt(Buffer.from('{"id":7}'), { 'content-type': ContentType.JSON, 'nest-pattern': 'orders.created', traceparent: 't', CORRELATION_ID: 'c-1', TAGS: 'paid' });
    const packet = new RocketMQRequestDeserializer().deserialize(message, { channel: 'orders', pattern: 'orders:paid' });
    expect(packet).toEqual({ pattern: 'orders:paid', data: { id: 7 }, metadata: { traceparent: 't' }, id: 'c-1' });
  });

  it('falls back to the pattern property, then the topic', () => {
    expect(new RocketMQRequestDeserializer().deserialize(messageExt(Buffer.from('x'), { 'nest-pattern': 'p' })).pattern).toBe('p');
    const event = new RocketMQRequestDeserializer().deserialize(messageExt(Buffer.from('x'), {}, 'T'));
    expect(event).toEqual({ pattern: 'T', data: 'x', metadata: {} });
  });
});

describe('response round trip (server → client)', () => {
  const roundTrip = (packet: Parameters<RocketMQResponseSerializer['serialize']>[0]) => {
    const record = new RocketMQResponseSerializer().serialize(packet);
    return new RocketMQResponseDeserializer().deserialize(messageExt(record.body, { ...record.properties, CORRELATION_ID: 'c-9' }));
  };

  it('carries a value', () => {
    expect(roundTrip({ id: 'c-9', response: { sum: 3 }, isDisposed: true })).toEqual({ id: 'c-9', response: { sum: 3 }, isDisposed: true });
    expect(roundTrip({ id: 'c-9', response: 'text', isDisposed: true })).toEqual({ id: 'c-9', response: 'text', isDisposed: true });
  });

  it('carries "no value" (a handler that returned nothing) without a response', () => {
    expect(roundTrip({ id: 'c-9', isDisposed: true })).toEqual({ id: 'c-9', isDisposed: true });
    expect(roundTrip({ id: 'c-9', response: undefined, isDisposed: true })).toEqual({ id: 'c-9', isDisposed: true });
  });

  it('carries an error, Error instances as name and message', () => {
    expect(roundTrip({ id: 'c-9', err: { status: 'error', message: 'no stock' }, isDisposed: true })).toEqual({
      id: 'c-9',
      err: { status: 'error', message: 'no stock' },
      isDisposed: true,
    });
    expect(roundTrip({ id: 'c-9', err: new TypeError('bad') }).err).toEqual({ name: 'TypeError', message: 'bad' });
  });

  it('reads the reply of a non-Nest responder as the response', () => {
    expect(new RocketMQResponseDeserializer().deserialize(messageExt(Buffer.from('pong'), { CORRELATION_ID: 'c' }))).toEqual({ id: 'c', response: 'pong', isDisposed: true });
  });
});
