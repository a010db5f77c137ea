import { describe, it, expect } from '@jest/globals';
import { RocketMQClientError } from '../errors.js';
import { decodeProperties, encodeProperties, parsePropertiesString, propertiesToString, MAX_PROPERTIES_BYTES } from './properties.js';

describe('properties string', () => {
  it('encodes name U+0001 value U+0002 per entry, skipping null/undefined values', () => {
    expect(propertiesToString({ TAGS: 'a', KEYS: 'k1 k2', X: undefined })).toBe('TAGS\u0001a\u0002KEYS\u0001k1 k2\u0002');
    expect(propertiesToString(new Map([['a', 'b']]))).toBe('a\u0001b\u0002');
  });

  it('round-trips UTF-8 through bytes', () => {
    const props = { TAGS: 'tä', 'ключ': '值 ✓', UNIQ_KEY: 'ABC' };
    expect({ ...decodeProperties(encodeProperties(props)) }).toEqual(props);
  });

  it('parses tolerantly like Java string2messageProperties', () => {
    const p = parsePropertiesString('a\u0001b\u0002\u0002x\u0002\u0001v\u0002k\u0001\u0002c\u0001d\u0001e');
    expect({ ...p }).toEqual({ a: 'b', c: 'd\u0001e' });
    expect({ ...parsePropertiesString('') }).toEqual({});
  });

  it('keeps __proto__ as an ordinary property', () => {
    const p = parsePropertiesString('__proto__\u0001x\u0002');
    expect(p['__proto__']).toBe('x');
    expect(Object.keys(p)).toEqual(['__proto__']);
  });

  it('rejects separators inside names or values', () => {
    expect(() => propertiesToString({ 'a\u0001': 'b' })).toThrow(RocketMQClientError);
    expect(() => propertiesToString({ a: 'b\u0002' })).toThrow(RocketMQClientError);
  });

  it('rejects properties longer than 32767 bytes', () => {
    expect(() => encodeProperties({ big: 'x'.repeat(MAX_PROPERTIES_BYTES) })).toThrow(RocketMQClientError);
    expect(encodeProperties({ b: 'x'.repeat(MAX_PROPERTIES_BYTES - 3) }).length).toBe(MAX_PROPERTIES_BYTES);
  });
});
