import { RocketMQProtocolError } from './errors.js';
import { CLIENT_LANGUAGE, CLIENT_VERSION, languageCode, languageName } from './language-code.js';
import { SerializeType } from './serialize-type.js';

export type ExtFields = Record<string, string>;

const RESPONSE_FLAG = 0x1;
const ONEWAY_FLAG = 0x2;

/** One request or response of the remoting protocol (RemotingCommand.java), header and body. */
export class RemotingCommand {
  constructor(
    public code: number,
    public opaque: number,
    public flag: number,
    public extFields: ExtFields | undefined,
    public body: Buffer | undefined,
    public remark: string | undefined = undefined,
    public language: string = CLIENT_LANGUAGE,
    public version: number = CLIENT_VERSION,
    public serializeType: SerializeType = SerializeType.JSON,
  ) {}

  static request(code: number, extFields?: ExtFields, body?: Buffer): RemotingCommand {
    return new RemotingCommand(code, 0, 0, extFields, body);
  }

  /** A response to `request`: same opaque, response bit set, answered in the request's serialization. */
  static response(request: RemotingCommand, code: number, remark?: string, extFields?: ExtFields, body?: Buffer): RemotingCommand {
    return new RemotingCommand(code, request.opaque, RESPONSE_FLAG, extFields, body, remark, CLIENT_LANGUAGE, CLIENT_VERSION, request.serializeType);
  }

  get isResponse(): boolean {
    return (this.flag & RESPONSE_FLAG) !== 0;
  }

  get isOneway(): boolean {
    return (this.flag & ONEWAY_FLAG) !== 0;
  }

  markOneway(): this {
    this.flag |= ONEWAY_FLAG;
    return this;
  }

  ext(name: string): string | undefined {
    return this.extFields?.[name];
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * Encodes everything of a frame but the body: the 4-byte total length, the type/length word and
 * the header. The body is written after it as-is, so message bodies are never copied.
 */
export function encodeFrameHead(cmd: RemotingCommand): Buffer {
  const header = cmd.serializeType === SerializeType.ROCKETMQ ? encodeBinaryHeader(cmd) : encodeJsonHeader(cmd);
  const bodyLength = cmd.body?.length ?? 0;
  const head = Buffer.allocUnsafe(8 + header.length);
  head.writeInt32BE(4 + header.length + bodyLength, 0);
  head.writeInt32BE(((cmd.serializeType & 0xff) << 24) | (header.length & 0xffffff), 4);
  header.copy(head, 8);
  return head;
}

/** The whole frame in one buffer (tests, fixtures, small commands). */
export function encodeCommand(cmd: RemotingCommand): Buffer {
  const head = encodeFrameHead(cmd);
  return cmd.body && cmd.body.length > 0 ? Buffer.concat([head, cmd.body]) : head;
}

function encodeJsonHeader(cmd: RemotingCommand): Buffer {
  // Property order follows fastjson (alphabetical); servers do not care, captures stay comparable.
  const header: Record<string, unknown> = { code: cmd.code };
  if (cmd.extFields) header.extFields = cmd.extFields;
  header.flag = cmd.flag;
  header.language = cmd.language;
  header.opaque = cmd.opaque;
  if (cmd.remark !== undefined) header.remark = cmd.remark;
  header.serializeTypeCurrentRPC = 'JSON';
  header.version = cmd.version;
  return Buffer.from(JSON.stringify(header), 'utf8');
}

function encodeBinaryHeader(cmd: RemotingCommand): Buffer {
  const remark = cmd.remark ? Buffer.from(cmd.remark, 'utf8') : undefined;
  const entries: [Buffer, Buffer][] = [];
  let mapLength = 0;
  if (cmd.extFields) {
    for (const key of Object.keys(cmd.extFields)) {
      const value = cmd.extFields[key];
      if (value === undefined || value === null) continue;
      const k = Buffer.from(key, 'utf8');
      const v = Buffer.from(String(value), 'utf8');
      entries.push([k, v]);
      mapLength += 2 + k.length + 4 + v.length;
    }
  }
  const out = Buffer.allocUnsafe(21 + (remark?.length ?? 0) + mapLength);
  let pos = 0;
  out.writeInt16BE((cmd.code << 16) >> 16, pos); // Java writes a short: codes above 32767 wrap.
  pos += 2;
  out.writeUInt8(languageCode(cmd.language), pos);
  pos += 1;
  out.writeInt16BE((cmd.version << 16) >> 16, pos);
  pos += 2;
  out.writeInt32BE(cmd.opaque | 0, pos);
  pos += 4;
  out.writeInt32BE(cmd.flag | 0, pos);
  pos += 4;
  out.writeInt32BE(remark?.length ?? 0, pos);
  pos += 4;
  if (remark) pos += remark.copy(out, pos);
  out.writeInt32BE(mapLength, pos);
  pos += 4;
  for (const [k, v] of entries) {
    out.writeInt16BE(k.length, pos);
    pos += 2;
    pos += k.copy(out, pos);
    out.writeInt32BE(v.length, pos);
    pos += 4;
    pos += v.copy(out, pos);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * Decodes one frame without its leading 4-byte length (what {@link FrameDecoder} yields).
 * The body is a view into `frame`, not a copy.
 */
export function decodeCommand(frame: Buffer): RemotingCommand {
  if (frame.length < 4) throw new RocketMQProtocolError(`frame of ${frame.length} bytes is too short for a header`);
  const word = frame.readInt32BE(0);
  const type = (word >>> 24) & 0xff;
  const headerLength = word & 0xffffff;
  if (headerLength > frame.length - 4) {
    throw new RocketMQProtocolError(`header length ${headerLength} exceeds the frame (${frame.length - 4} bytes after the type word)`);
  }
  const header = frame.subarray(4, 4 + headerLength);
  let cmd: RemotingCommand;
  if (type === SerializeType.JSON) cmd = decodeJsonHeader(header);
  else if (type === SerializeType.ROCKETMQ) cmd = decodeBinaryHeader(header);
  else throw new RocketMQProtocolError(`unknown header serialize type ${type}`);
  if (frame.length > 4 + headerLength) cmd.body = frame.subarray(4 + headerLength);
  return cmd;
}

function decodeJsonHeader(header: Buffer): RemotingCommand {
  let parsed: unknown;
  try {
    parsed = JSON.parse(header.toString('utf8'));
  } catch (error) {
    throw new RocketMQProtocolError(`header is not valid JSON: ${(error as Error).message}`, undefined, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RocketMQProtocolError('JSON header is not an object');
  }
  const h = parsed as Record<string, unknown>;
  const code = requireInt(h.code, 'code');
  const opaque = requireInt(h.opaque ?? 0, 'opaque');
  const flag = requireInt(h.flag ?? 0, 'flag');
  const version = requireInt(h.version ?? 0, 'version');
  let extFields: ExtFields | undefined;
  if (h.extFields !== undefined && h.extFields !== null) {
    if (typeof h.extFields !== 'object' || Array.isArray(h.extFields)) throw new RocketMQProtocolError('extFields is not an object');
    extFields = {};
    for (const [key, value] of Object.entries(h.extFields as Record<string, unknown>)) {
      if (value === null || value === undefined) continue;
      extFields[key] = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
  }
  const remark = typeof h.remark === 'string' ? h.remark : undefined;
  const language = typeof h.language === 'string' ? h.language : 'OTHER';
  return new RemotingCommand(code, opaque, flag, extFields, undefined, remark, language, version, SerializeType.JSON);
}

function requireInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new RocketMQProtocolError(`header field ${field} is not an integer: ${JSON.stringify(value)}`);
  }
  return value;
}

function decodeBinaryHeader(header: Buffer): RemotingCommand {
  if (header.length < 21) throw new RocketMQProtocolError(`ROCKETMQ header of ${header.length} bytes is shorter than its 21 fixed bytes`);
  const code = header.readInt16BE(0);
  const language = languageName(header.readUInt8(2));
  const version = header.readInt16BE(3);
  const opaque = header.readInt32BE(5);
  const flag = header.readInt32BE(9);
  let pos = 13;
  const remarkLength = header.readInt32BE(pos);
  pos += 4;
  if (remarkLength < 0 || pos + remarkLength + 4 > header.length) throw new RocketMQProtocolError(`remark length ${remarkLength} exceeds the header`);
  const remark = remarkLength > 0 ? header.toString('utf8', pos, pos + remarkLength) : undefined;
  pos += remarkLength;
  const mapLength = header.readInt32BE(pos);
  pos += 4;
  if (mapLength < 0 || pos + mapLength > header.length) throw new RocketMQProtocolError(`extFields length ${mapLength} exceeds the header`);
  let extFields: ExtFields | undefined;
  if (mapLength > 0) {
    extFields = {};
    const end = pos + mapLength;
    while (pos < end) {
      if (pos + 2 > end) throw new RocketMQProtocolError('truncated extFields key length');
      const keyLength = header.readInt16BE(pos);
      pos += 2;
      if (keyLength < 0 || pos + keyLength + 4 > end) throw new RocketMQProtocolError(`extFields key length ${keyLength} exceeds the map`);
      const key = header.toString('utf8', pos, pos + keyLength);
      pos += keyLength;
      const valueLength = header.readInt32BE(pos);
      pos += 4;
      if (valueLength < 0 || pos + valueLength > end) throw new RocketMQProtocolError(`extFields value length ${valueLength} exceeds the map`);
      // 4.9.4+ and 5.x decode empty strings as null; we drop them the same way.
      if (valueLength > 0) extFields[key] = header.toString('utf8', pos, pos + valueLength);
      pos += valueLength;
    }
  }
  return new RemotingCommand(code, opaque, flag, extFields, undefined, remark, language, version, SerializeType.ROCKETMQ);
}
