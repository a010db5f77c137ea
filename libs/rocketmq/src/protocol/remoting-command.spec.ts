import { describe, expect, it } from '@jest/globals';
import { RocketMQProtocolError } from './errors.js';
import { FrameDecoder } from './frame-decoder.js';
import { decodeCommand, encodeCommand, RemotingCommand } from './remoting-command.js';
import { SerializeType } from './serialize-type.js';

function roundTrip(cmd: RemotingCommand): RemotingCommand {
  const frame = encodeCommand(cmd);
  expect(frame.readInt32BE(0)).toBe(frame.length - 4);
  return decodeCommand(frame.subarray(4));
}

describe('RemotingCommand JSON header', () => {
  it('encodes the header as fastjson does: alphabetical keys, type byte 0', () => {
    const cmd = new RemotingCommand(105, 7, 0, { topic: 'T1' }, undefined, undefined, 'JAVA', 479);
    const frame = encodeCommand(cmd);
    const word = frame.readInt32BE(4);
    expect(word >>> 24).toBe(0);
    const header = frame.subarray(8, 8 + (word & 0xffffff)).toString();
    expect(header).toBe('{"code":105,"extFields":{"topic":"T1"},"flag":0,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":479}');
  });

  it('round-trips code, flags, remark, extFields and body; the body is a view, not a copy', () => {
    const body = Buffer.from('hello body');
    const decoded = roundTrip(new RemotingCommand(310, 42, 2, { a: 'pg', b: 'T' }, body, 'a remark'));
    expect(decoded).toMatchObject({ code: 310, opaque: 42, flag: 2, remark: 'a remark', extFields: { a: 'pg', b: 'T' } });
    expect(decoded.isOneway).toBe(true);
    expect(decoded.isResponse).toBe(false);
    expect(decoded.body?.toString()).toBe('hello body');
  });

  it('escapes control characters of the properties string and keeps non-ASCII text', () => {
    const properties = 'TAGS\u0001tagA\u0002KEYS\u0001订单-1\u0002';
    const decoded = roundTrip(RemotingCommand.request(310, { i: properties }));
    expect(decoded.extFields?.i).toBe(properties);
  });

  it('reads numbers in extFields as strings (fastjson is lenient, so are we)', () => {
    const header = Buffer.from('{"code":0,"flag":1,"opaque":3,"extFields":{"queueId":3,"ok":true},"language":"JAVA","version":409}');
    const frame = Buffer.alloc(4 + header.length);
    frame.writeInt32BE(header.length, 0);
    header.copy(frame, 4);
    expect(decodeCommand(frame).extFields).toEqual({ queueId: '3', ok: 'true' });
  });

  it('rejects a header that is not JSON with a protocol error', () => {
    const header = Buffer.from('{"code":0,');
    const frame = Buffer.alloc(4 + header.length);
    frame.writeInt32BE(header.length, 0);
    header.copy(frame, 4);
    expect(() => decodeCommand(frame)).toThrow(RocketMQProtocolError);
    expect(() => decodeCommand(frame)).toThrow(/not valid JSON/);
  });

  it('rejects a header length larger than the frame', () => {
    const frame = Buffer.alloc(8);
    frame.writeInt32BE(100, 0);
    expect(() => decodeCommand(frame)).toThrow(/exceeds the frame/);
  });

  it('rejects an unknown serialize type', () => {
    const frame = Buffer.alloc(6);
    frame.writeInt32BE((5 << 24) | 2, 0);
    expect(() => decodeCommand(frame)).toThrow(/serialize type 5/);
  });
});

describe('RemotingCommand ROCKETMQ binary header', () => {
  it('lays out the 21 fixed bytes, remark and map as RocketMQSerializable does', () => {
    const cmd = new RemotingCommand(11, 0x01020304, 1, { k: 'v' }, undefined, 'r', 'JAVA', 409, SerializeType.ROCKETMQ);
    const frame = encodeCommand(cmd);
    const word = frame.readInt32BE(4);
    expect(word >>> 24).toBe(1);
    const h = frame.subarray(8, 8 + (word & 0xffffff));
    expect(h.readInt16BE(0)).toBe(11);
    expect(h.readUInt8(2)).toBe(0); // JAVA
    expect(h.readInt16BE(3)).toBe(409);
    expect(h.readInt32BE(5)).toBe(0x01020304);
    expect(h.readInt32BE(9)).toBe(1);
    expect(h.readInt32BE(13)).toBe(1);
    expect(h.toString('utf8', 17, 18)).toBe('r');
    expect(h.readInt32BE(18)).toBe(2 + 1 + 4 + 1);
    expect(h.readInt16BE(22)).toBe(1);
    expect(h.toString('utf8', 24, 25)).toBe('k');
    expect(h.readInt32BE(25)).toBe(1);
    expect(h.toString('utf8', 29, 30)).toBe('v');
    expect(h.length).toBe(30);
  });

  it('round-trips, turning empty values into absent ones like 4.9.4+/5.x decoders', () => {
    const cmd = new RemotingCommand(0, 9, 1, { a: '1', empty: '', 'ключ': 'значение' }, Buffer.from([1, 2, 3]), undefined, 'GO', 317, SerializeType.ROCKETMQ);
    const decoded = roundTrip(cmd);
    expect(decoded.serializeType).toBe(SerializeType.ROCKETMQ);
    expect(decoded.language).toBe('GO');
    expect(decoded.version).toBe(317);
    expect(decoded.extFields).toEqual({ a: '1', 'ключ': 'значение' });
    expect(decoded.remark).toBeUndefined();
    expect([...decoded.body!]).toEqual([1, 2, 3]);
  });

  it('answers in the serialization of the request', () => {
    const request = new RemotingCommand(34, 5, 0, undefined, undefined, undefined, 'JAVA', 409, SerializeType.ROCKETMQ);
    const response = RemotingCommand.response(request, 0);
    expect(response.serializeType).toBe(SerializeType.ROCKETMQ);
    expect(response.opaque).toBe(5);
    expect(response.isResponse).toBe(true);
  });

  it('rejects truncated binary headers without a RangeError', () => {
    const good = encodeCommand(new RemotingCommand(11, 1, 0, { key: 'value' }, undefined, 'remark', 'JAVA', 409, SerializeType.ROCKETMQ));
    const headerLength = good.readInt32BE(4) & 0xffffff;
    for (let cut = 0; cut < headerLength; cut++) {
      const frame = Buffer.from(good.subarray(4, 8 + cut));
      frame.writeInt32BE((1 << 24) | cut, 0);
      expect(() => decodeCommand(frame)).toThrow(RocketMQProtocolError);
    }
  });
});

describe('FrameDecoder', () => {
  const frames = [
    encodeCommand(RemotingCommand.request(10, { a: '1' }, Buffer.alloc(3000, 7))),
    encodeCommand(RemotingCommand.request(11, { b: '2' })),
    encodeCommand(RemotingCommand.request(12, undefined, Buffer.from('x'))),
  ];
  const stream = Buffer.concat(frames);

  it.each([1, 2, 3, 7, 64, 1000, stream.length])('reassembles frames from chunks of %i bytes', (size) => {
    const decoder = new FrameDecoder();
    const codes: number[] = [];
    for (let i = 0; i < stream.length; i += size) {
      decoder.push(stream.subarray(i, i + size), (frame) => codes.push(decodeCommand(frame).code));
    }
    expect(codes).toEqual([10, 11, 12]);
    expect(decoder.pendingBytes).toBe(0);
  });

  it('refuses a frame over the maximum size before buffering it', () => {
    const decoder = new FrameDecoder(16 * 1024 * 1024);
    const head = Buffer.alloc(8);
    head.writeInt32BE(16 * 1024 * 1024, 0);
    expect(() => decoder.push(head, () => undefined)).toThrow(/exceeds the maximum/);
  });

  it('refuses a negative or too small length', () => {
    const head = Buffer.alloc(8);
    head.writeInt32BE(-5, 0);
    expect(() => new FrameDecoder().push(head, () => undefined)).toThrow(/invalid frame length/);
  });

  it('reports the bytes of an unfinished frame', () => {
    const decoder = new FrameDecoder();
    decoder.push(frames[0]!.subarray(0, 100), () => undefined);
    expect(decoder.pendingBytes).toBe(100);
  });
});
