import { describe, it, expect } from '@jest/globals';
import { deflateSync } from 'node:zlib';
import { RocketMQProtocolError } from '../errors.js';
import { UnsupportedCompressionError } from './compression.js';
import { MessageSysFlag } from './message-const.js';
import { propertiesToString } from './properties.js';
import { encodeSocketAddress } from './socket-address.js';
import {
  bodyCrc32,
  decodeStoredMessage,
  decodeStoredMessages,
  encodeStoredMessage,
  storedMessageSize,
  writeStoredMessage,
  MESSAGE_MAGIC_CODE_V1,
  type StoredMessageInput,
} from './stored-message-codec.js';

function input(over: Partial<StoredMessageInput> = {}): StoredMessageInput {
  return {
    topic: 'TopicA',
    queueId: 3,
    flag: 7,
    queueOffset: 42,
    commitLogOffset: 123456,
    sysFlag: 0,
    bornTimestamp: 1_700_000_000_123,
    bornHost: encodeSocketAddress('192.168.1.5:50000'),
    storeTimestamp: 1_700_000_000_456,
    storeHost: encodeSocketAddress('10.0.0.1:10911'),
    reconsumeTimes: 2,
    preparedTransactionOffset: 0,
    body: Buffer.from('hello'),
    properties: propertiesToString({ TAGS: 'tagA', UNIQ_KEY: 'AC1100010001' }),
    ...over,
  };
}

describe('stored message record', () => {
  it('matches a hand-built record of the documented layout byte for byte', () => {
    const body = Buffer.from('hi');
    const props = Buffer.from('TAGS\u0001t\u0002');
    const parts: Buffer[] = [];
    const i32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); parts.push(b); };
    const i64 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64BE(n); parts.push(b); };
    const total = 91 + body.length + 1 + props.length;
    i32(total);
    i32(MESSAGE_MAGIC_CODE_V1);
    i32(bodyCrc32(body));
    i32(1); // queueId
    i32(0); // flag
    i64(5n); // queue offset
    i64(1000n); // physical offset
    i32(0); // sysFlag
    i64(1n); // born ts
    parts.push(Buffer.from([127, 0, 0, 1])); i32(1234);
    i64(2n); // store ts
    parts.push(Buffer.from([10, 0, 0, 1])); i32(10911);
    i32(0); // reconsume
    i64(0n); // prepared tx
    i32(body.length); parts.push(body);
    parts.push(Buffer.from([1])); parts.push(Buffer.from('T'));
    const pl = Buffer.alloc(2); pl.writeInt16BE(props.length); parts.push(pl, props);
    const expected = Buffer.concat(parts);
    expect(expected.length).toBe(total);

    const ours = encodeStoredMessage({
      topic: 'T', queueId: 1, flag: 0, queueOffset: 5, commitLogOffset: 1000, sysFlag: 0, bornTimestamp: 1,
      bornHost: '127.0.0.1:1234', storeTimestamp: 2, storeHost: '10.0.0.1:10911', reconsumeTimes: 0,
      preparedTransactionOffset: 0, body, properties: 'TAGS\u0001t\u0002',
    });
    expect(ours.equals(expected)).toBe(true);

    const m = decodeStoredMessage(expected);
    expect(m).toMatchObject({ topic: 'T', queueId: 1, queueOffset: 5, commitLogOffset: 1000, bornHost: '127.0.0.1:1234', storeHost: '10.0.0.1:10911', storeSize: total, tags: 't' });
    expect(m.offsetMsgId).toBe('0A00000100002A9F00000000000003E8');
    expect(m.msgId).toBe(m.offsetMsgId);
    expect(m.body.toString()).toBe('hi');
  });

  it('round-trips all fields, with the body as a view into the input', () => {
    const buf = encodeStoredMessage(input({ queueOffset: 2 ** 40 + 3, commitLogOffset: 2 ** 45 + 1, preparedTransactionOffset: 77 }));
    const m = decodeStoredMessage(buf, 0, { verifyBodyCrc: true });
    expect(m).toMatchObject({
      topic: 'TopicA', queueId: 3, flag: 7, queueOffset: 2 ** 40 + 3, commitLogOffset: 2 ** 45 + 1, sysFlag: 0,
      bornTimestamp: 1_700_000_000_123, bornHost: '192.168.1.5:50000', storeTimestamp: 1_700_000_000_456,
      storeHost: '10.0.0.1:10911', reconsumeTimes: 2, preparedTransactionOffset: 77, bodyCRC: bodyCrc32(Buffer.from('hello')),
      storeSize: buf.length, msgId: 'AC1100010001',
    });
    expect(m.body.buffer).toBe(buf.buffer);
    expect({ ...m.properties }).toEqual({ TAGS: 'tagA', UNIQ_KEY: 'AC1100010001' });
  });

  it('writes into a caller buffer at an offset and decodes concatenated records', () => {
    const a = input({ commitLogOffset: 10 });
    const b = input({ commitLogOffset: 20, topic: 'TopicB', body: Buffer.from('second') });
    const sa = storedMessageSize(a);
    const sb = storedMessageSize(b);
    const buf = Buffer.alloc(sa + sb);
    expect(writeStoredMessage(buf, 0, a)).toBe(sa);
    expect(writeStoredMessage(buf, sa, b)).toBe(sb);
    const msgs = decodeStoredMessages(buf);
    expect(msgs.map((m) => [m.topic, m.commitLogOffset, m.body.toString()])).toEqual([
      ['TopicA', 10, 'hello'],
      ['TopicB', 20, 'second'],
    ]);
    expect(decodeStoredMessage(buf, sa).topic).toBe('TopicB');
  });

  it('handles IPv6 born and store hosts via sysFlag bits 4 and 5', () => {
    const buf = encodeStoredMessage(input({ bornHost: '[::1]:1234', storeHost: '[fe80::1:2]:10911' }));
    const m = decodeStoredMessage(buf);
    expect(m.sysFlag & (MessageSysFlag.BORNHOST_V6 | MessageSysFlag.STOREHOSTADDRESS_V6)).toBe(0x30);
    expect(m.bornHost).toBe('[0:0:0:0:0:0:0:1]:1234');
    expect(m.storeHost).toBe('[fe80:0:0:0:0:0:1:2]:10911');
    expect(m.offsetMsgId).toHaveLength(56);
    expect(buf.length).toBe(storedMessageSize(input()) + 24);
  });

  it('uses magic v2 for topics longer than 127 bytes and decodes it', () => {
    const topic = '%RETRY%' + 'g'.repeat(200);
    const buf = encodeStoredMessage(input({ topic }));
    expect(buf.readInt32BE(4)).toBe(0xdaa320ab | 0);
    expect(decodeStoredMessage(buf).topic).toBe(topic);
    expect(decodeStoredMessage(encodeStoredMessage(input({ magic: 'v2' }))).topic).toBe('TopicA');
  });

  it('inflates zlib bodies and clears the compressed bit, unless told to keep raw bytes', () => {
    const raw = Buffer.from('x'.repeat(5000));
    const z = deflateSync(raw);
    const buf = encodeStoredMessage(input({ body: z, sysFlag: 0x301 }));
    const m = decodeStoredMessage(buf);
    expect(m.body.equals(raw)).toBe(true);
    expect(m.sysFlag).toBe(0x300);
    const kept = decodeStoredMessage(buf, 0, { decompress: false });
    expect(kept.body.equals(z)).toBe(true);
    expect(kept.sysFlag).toBe(0x301);
    // legacy 4.9.0-4.9.3 producers: bit 0 only
    expect(decodeStoredMessage(encodeStoredMessage(input({ body: z, sysFlag: 1 }))).body.equals(raw)).toBe(true);
  });

  it('decodes LZ4 and ZSTD bodies, and raises typed errors for an unknown type or a corrupt body', () => {
    // "hello hello hello" as the lz4 and zstd CLIs frame it (a stored LZ4 block; a Zstandard frame without content size)
    const lz4 = Buffer.from('04224d186040821100008068656c6c6f2068656c6c6f2068656c6c6f00000000', 'hex');
    const zstd = Buffer.from('28b52ffd00586500003068656c6c6f200100314a11', 'hex');
    expect(decodeStoredMessage(encodeStoredMessage(input({ body: lz4, sysFlag: 0x101 }))).body.toString()).toBe('hello hello hello');
    expect(decodeStoredMessage(encodeStoredMessage(input({ body: zstd, sysFlag: 0x201 }))).body.toString()).toBe('hello hello hello');
    expect(() => decodeStoredMessage(encodeStoredMessage(input({ sysFlag: 0x401 })))).toThrow(UnsupportedCompressionError);
    expect(() => decodeStoredMessage(encodeStoredMessage(input({ sysFlag: 0x101 })))).toThrow(/LZ4/);
  });

  it('detects a body CRC mismatch when asked', () => {
    const buf = encodeStoredMessage(input({ bodyCRC: 1 }));
    expect(() => decodeStoredMessage(buf, 0, { verifyBodyCrc: true })).toThrow(RocketMQProtocolError);
    expect(decodeStoredMessage(buf).bodyCRC).toBe(1);
  });

  it('raises RocketMQProtocolError (never RangeError) on every truncation and on garbage', () => {
    const buf = Buffer.concat([encodeStoredMessage(input()), encodeStoredMessage(input({ topic: 'x' }))]);
    for (let len = 1; len < buf.length; len++) {
      if (len === storedMessageSize(input())) continue;
      expect(() => decodeStoredMessages(buf.subarray(0, len))).toThrow(RocketMQProtocolError);
    }
    let seed = 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
    for (let i = 0; i < 300; i++) {
      const g = Buffer.from(buf);
      for (let j = 0; j < 4; j++) g[rnd() * 1 + (rnd() % 100)] = rnd();
      try {
        decodeStoredMessages(g);
      } catch (e) {
        expect(e).toBeInstanceOf(RocketMQProtocolError);
      }
    }
    const rand = Buffer.alloc(200);
    for (let i = 0; i < 200; i++) rand[i] = rnd();
    expect(() => decodeStoredMessages(rand)).toThrow(RocketMQProtocolError);
  });

  it('rejects inconsistent inner lengths', () => {
    const buf = encodeStoredMessage(input());
    const bad = Buffer.from(buf);
    bad.writeInt32BE(-5, 84); // body length
    expect(() => decodeStoredMessage(bad)).toThrow(/body length/);
    const bad2 = Buffer.from(buf);
    bad2.writeInt32BE(buf.length + 4, 0);
    expect(() => decodeStoredMessage(Buffer.concat([bad2, Buffer.alloc(4)]))).toThrow(/TOTALSIZE/);
  });

  it('rejects oversized properties and too-long v1 topics when encoding', () => {
    expect(() => storedMessageSize(input({ properties: 'a'.repeat(40000) }))).toThrow(/32767/);
    expect(() => storedMessageSize(input({ topic: 't'.repeat(200), magic: 'v1' }))).toThrow(/too long/);
  });
});
