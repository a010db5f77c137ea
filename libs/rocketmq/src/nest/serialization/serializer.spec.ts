import { describe, expect, it } from '@jest/globals';
import { RocketMQContentType, JsonSerializer } from './serializer.js';

const s = new JsonSerializer();

describe('JsonSerializer', () => {
  it('serializes objects as JSON and reads them back', () => {
    const out = s.serialize({ id: 1, items: ['a'] });
    expect(out.contentType).toBe(RocketMQContentType.JSON);
    expect(s.deserialize(out.body, out.contentType)).toEqual({ id: 1, items: ['a'] });
  });

  it('passes strings through as text, not as JSON strings', () => {
    const out = s.serialize('hello "x"');
    expect(out.body.toString()).toBe('hello "x"');
    expect(s.deserialize(out.body, out.contentType)).toBe('hello "x"');
  });

  it('passes Buffers and Uint8Arrays through as binary', () => {
    const buf = Buffer.from([0, 1, 2]);
    const out = s.serialize(buf);
    expect(out.body).toBe(buf);
    expect(s.deserialize(out.body, out.contentType)).toEqual(buf);
    expect(s.serialize(new Uint8Array([3, 4])).body).toEqual(Buffer.from([3, 4]));
  });

  it('serializes null and numbers as JSON, and refuses undefined', () => {
    expect(s.deserialize(s.serialize(null).body, RocketMQContentType.JSON)).toBeNull();
    expect(s.deserialize(s.serialize(42).body, RocketMQContentType.JSON)).toBe(42);
    expect(() => s.serialize(undefined)).toThrow(/undefined/);
  });

  it('guesses without a content type: JSON when it parses, else text', () => {
    expect(s.deserialize(Buffer.from('{"a":1}'), undefined)).toEqual({ a: 1 });
    expect(s.deserialize(Buffer.from('plain text'), undefined)).toBe('plain text');
  });

  it('keeps unknown content types as Buffers and honours +json types', () => {
    expect(Buffer.isBuffer(s.deserialize(Buffer.from('x'), 'application/protobuf'))).toBe(true);
    expect(s.deserialize(Buffer.from('{"a":2}'), 'application/vnd.order+json; charset=utf-8')).toEqual({ a: 2 });
  });
});
