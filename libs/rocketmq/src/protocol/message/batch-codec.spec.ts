import { describe, it, expect } from '@jest/globals';
import { RocketMQClientError, RocketMQProtocolError } from '../errors.js';
import { checkBatchMessages, decodeBatch, encodeBatch } from './batch-codec.js';

describe('batch body', () => {
  it('encodes TOTALSIZE, MAGIC 0, BODYCRC 0, FLAG, BODY, PROPERTIES per message', () => {
    const buf = encodeBatch([{ flag: 5, body: Buffer.from('ab'), properties: { K: 'v' } }]);
    const props = Buffer.from('K\u0001v\u0002');
    const expected = Buffer.alloc(4 + 4 + 4 + 4 + 4 + 2 + 2 + props.length);
    expected.writeInt32BE(expected.length, 0);
    expected.writeInt32BE(5, 12);
    expected.writeInt32BE(2, 16);
    expected.write('ab', 20);
    expected.writeInt16BE(props.length, 22);
    props.copy(expected, 24);
    expect(buf.equals(expected)).toBe(true);
  });

  it('round-trips several messages, bodies as views', () => {
    const buf = encodeBatch([
      { body: Buffer.from('one'), properties: { UNIQ_KEY: 'A', TAGS: 't' } },
      { flag: 1, body: Buffer.alloc(0), properties: 'WAIT\u0001true\u0002' },
    ]);
    const out = decodeBatch(buf);
    expect(out).toHaveLength(2);
    expect(out[0]!.body.toString()).toBe('one');
    expect({ ...out[0]!.properties }).toEqual({ UNIQ_KEY: 'A', TAGS: 't' });
    expect(out[1]!.flag).toBe(1);
    expect(out[1]!.propertiesBytes.toString()).toBe('WAIT\u0001true\u0002');
  });

  it('raises RocketMQProtocolError on truncated input', () => {
    const buf = encodeBatch([{ body: Buffer.from('one'), properties: { a: 'b' } }, { body: Buffer.from('two'), properties: {} }]);
    for (let len = 1; len < buf.length; len++) {
      if (len === buf.readInt32BE(0)) continue;
      expect(() => decodeBatch(buf.subarray(0, len))).toThrow(RocketMQProtocolError);
    }
  });

  it('checks the Java batch rules', () => {
    const ok = { topic: 'T', properties: { WAIT: 'true' } };
    expect(() => checkBatchMessages([ok, { topic: 'U', properties: {} }])).toThrow(RocketMQClientError);
    expect(() => checkBatchMessages([ok, { topic: 'T', properties: { WAIT: 'false' } }])).toThrow(/waitStoreMsgOK/);
    expect(() => checkBatchMessages([{ topic: 'T', properties: { DELAY: '2' } }])).toThrow(/Delayed/);
    expect(() => checkBatchMessages([{ topic: '%RETRY%g', properties: {} }])).toThrow(/Retry/);
    expect(() => checkBatchMessages([ok, { topic: 'T', properties: {} }])).not.toThrow();
  });
});
