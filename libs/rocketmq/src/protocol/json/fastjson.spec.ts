import { describe, it, expect } from '@jest/globals';
import { RocketMQProtocolError } from '../errors.js';
import { FastjsonParseError, jsonEntries, parseFastjson, stringifyFastjson } from './fastjson.js';

describe('fastjson reader', () => {
  it('reads standard JSON like JSON.parse', () => {
    const text = '{"a":[1,2.5,-3e2,true,false,null],"b":{"c":"d\\n\\u00e9\\"x"},"e":""}';
    expect(parseFastjson(text)).toEqual(JSON.parse(text));
  });

  it('reads bare numeric keys as string keys', () => {
    expect(parseFastjson('{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"}}')).toEqual({
      brokerAddrs: { '0': '10.0.0.1:10911', '1': '10.0.0.2:10911' },
    });
    expect(parseFastjson('{-1:2, ident_1: 3,}')).toEqual({ '-1': 2, ident_1: 3 });
  });

  it('reads object keys into a Map keyed by the parsed object', () => {
    const v = parseFastjson('{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"t"}:{"brokerOffset":9},{"brokerName":"b","queueId":1,"topic":"t"}:{"brokerOffset":10}}}');
    const table = (v as Record<string, unknown>)['offsetTable'];
    expect(table).toBeInstanceOf(Map);
    const entries = jsonEntries(table as Map<never, never>);
    expect(entries).toEqual([
      [{ brokerName: 'b', queueId: 0, topic: 't' }, { brokerOffset: 9 }],
      [{ brokerName: 'b', queueId: 1, topic: 't' }, { brokerOffset: 10 }],
    ]);
  });

  it('keeps longs beyond 2^53 exact as bigint and safe integers as numbers', () => {
    expect(parseFastjson('{"c":123456789012345678,"d":-9223372036854775808,"e":9007199254740991,"f":1700000000000}')).toEqual({
      c: 123456789012345678n,
      d: -9223372036854775808n,
      e: 9007199254740991,
      f: 1700000000000,
    });
  });

  it('does not let a __proto__ key change the prototype', () => {
    const v = parseFastjson('{"__proto__":{"x":1}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
  });

  it('raises FastjsonParseError (a RocketMQProtocolError) with the position', () => {
    for (const bad of ['', '{', '{"a"', '{"a":}', '[1,,2]', '"abc', '{"a":1 "b":2}', 'tru', '{"a":"\\u12"}', '1 2', '{:1}', '-', '1.', '1e']) {
      expect(() => parseFastjson(bad)).toThrow(FastjsonParseError);
    }
    try {
      parseFastjson('{"a":x}');
    } catch (e) {
      expect(e).toBeInstanceOf(RocketMQProtocolError);
      expect((e as FastjsonParseError).position).toBe(5);
    }
  });

  it('caps nesting depth', () => {
    expect(() => parseFastjson('['.repeat(100000))).toThrow(/too deep/);
    expect(() => parseFastjson('{{'.repeat(5000))).toThrow(FastjsonParseError);
  });

  it('never hangs or throws untyped errors on random or truncated input', () => {
    const sample = stringifyFastjson({
      a: new Map<unknown, unknown>([[{ brokerName: 'b', queueId: 0, topic: 't' }, { x: 1 }]]) as never,
      b: new Map([[0, 'x']]),
      c: ['é', 1.5, 123456789012345678n, null, true],
    });
    for (let i = 0; i <= sample.length; i++) {
      try {
        parseFastjson(sample.slice(0, i));
      } catch (e) {
        expect(e).toBeInstanceOf(FastjsonParseError);
      }
    }
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const alphabet = '{}[]:,"\'\\0123456789-+.eEtrufalsn xu{';
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const len = rnd(40);
      for (let j = 0; j < len; j++) s += alphabet[rnd(alphabet.length)];
      try {
        parseFastjson(s);
      } catch (e) {
        expect(e).toBeInstanceOf(FastjsonParseError);
      }
    }
  });
});

describe('fastjson writer', () => {
  it('writes bare numeric keys and inline object keys in fastjson mode', () => {
    const v = {
      brokerAddrs: new Map([[0, 'a'], [1, 'b']]),
      offsetTable: new Map([[{ topic: 't', brokerName: 'b', queueId: 0 }, 5]]),
    };
    expect(stringifyFastjson(v)).toBe('{"brokerAddrs":{0:"a",1:"b"},"offsetTable":{{"brokerName":"b","queueId":0,"topic":"t"}:5}}');
  });

  it('writes valid JSON in standard mode', () => {
    const v = { z: 1, a: new Map([[0, 'a']]), s: new Set(['x']), n: null, u: undefined, big: 2n ** 63n, nan: NaN };
    const text = stringifyFastjson(v, { mode: 'standard' });
    expect(text).toBe('{"a":{"0":"a"},"big":9223372036854775808,"nan":null,"s":["x"],"z":1}');
    expect(() => JSON.parse(text)).not.toThrow();
  });

  it('escapes non-ASCII when asked and round-trips through the reader', () => {
    const v = { s: 'é✓\u2028"\\' };
    expect(stringifyFastjson(v, { asciiOnly: true })).toBe('{"s":"\\u00e9\\u2713\\u2028\\"\\\\"}');
    expect(parseFastjson(stringifyFastjson(v, { asciiOnly: true }))).toEqual(v);
  });

  it('keeps key order when sortKeys is false', () => {
    expect(stringifyFastjson({ b: 1, a: 2 }, { sortKeys: false })).toBe('{"b":1,"a":2}');
  });
});
