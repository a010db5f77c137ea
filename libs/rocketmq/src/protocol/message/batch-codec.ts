/**
 * SEND_BATCH_MESSAGE body (`MessageDecoder.encodeMessages` / `decodeMessages`): per message
 * TOTALSIZE 4 | MAGICCODE 4 (0) | BODYCRC 4 (0) | FLAG 4 | BODYLEN 4 + BODY | PROPLEN 2 + PROPERTIES.
 * Batch bodies are never compressed.
 */
import { RocketMQClientError, RocketMQProtocolError } from '../errors.js';
import { checkPropertiesLength, decodeProperties, propertiesToString, type MessageProperties, type PropertiesInput } from './properties.js';

export interface BatchMessageInput {
  flag?: number;
  body: Buffer;
  /** A properties record/Map, or an already built properties string. */
  properties: PropertiesInput | string;
}

export interface BatchMessageEntry {
  flag: number;
  /** View into the batch body. */
  body: Buffer;
  properties: MessageProperties;
  /** View of the raw properties bytes, for a broker that stores them unchanged. */
  propertiesBytes: Buffer;
}

const FIXED = 4 + 4 + 4 + 4 + 4 + 2;

/** Encode the messages of a batch into one buffer (sizes computed first, one allocation). */
export function encodeBatch(messages: readonly BatchMessageInput[]): Buffer {
  const props: string[] = new Array<string>(messages.length);
  const propLens: number[] = new Array<number>(messages.length);
  let total = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const p = typeof m.properties === 'string' ? m.properties : propertiesToString(m.properties);
    const len = Buffer.byteLength(p, 'utf8');
    checkPropertiesLength(len);
    props[i] = p;
    propLens[i] = len;
    total += FIXED + m.body.length + len;
  }
  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const size = FIXED + m.body.length + propLens[i]!;
    buf.writeInt32BE(size, pos);
    buf.writeInt32BE(0, pos + 4);
    buf.writeInt32BE(0, pos + 8);
    buf.writeInt32BE((m.flag ?? 0) | 0, pos + 12);
    buf.writeInt32BE(m.body.length, pos + 16);
    pos += 20;
    pos += m.body.copy(buf, pos);
    buf.writeInt16BE(propLens[i]!, pos);
    pos += 2;
    pos += buf.write(props[i]!, pos, propLens[i]!, 'utf8');
  }
  return buf;
}

function corrupt(offset: number, what: string): RocketMQProtocolError {
  return new RocketMQProtocolError(`Malformed batch message body at byte ${offset}: ${what}`);
}

/** Decode a batch body into its messages (bodies are views). Throws RocketMQProtocolError on malformed input. */
export function decodeBatch(body: Buffer): BatchMessageEntry[] {
  const out: BatchMessageEntry[] = [];
  let offset = 0;
  while (offset < body.length) {
    if (offset + FIXED > body.length) throw corrupt(offset, `${body.length - offset} trailing bytes`);
    const size = body.readInt32BE(offset);
    if (size < FIXED || offset + size > body.length) throw corrupt(offset, `record size ${size} does not fit`);
    const end = offset + size;
    const flag = body.readInt32BE(offset + 12);
    const bodyLen = body.readInt32BE(offset + 16);
    let pos = offset + 20;
    if (bodyLen < 0 || pos + bodyLen + 2 > end) throw corrupt(offset, `body length ${bodyLen} exceeds the record`);
    const msgBody = body.subarray(pos, pos + bodyLen);
    pos += bodyLen;
    const propsLen = body.readInt16BE(pos);
    pos += 2;
    if (propsLen < 0 || pos + propsLen !== end) throw corrupt(offset, `properties length ${propsLen} does not match the record size ${size}`);
    out.push({
      flag,
      body: msgBody,
      properties: decodeProperties(body, pos, end),
      propertiesBytes: body.subarray(pos, end),
    });
    offset = end;
  }
  return out;
}

/** Throws RocketMQClientError unless a batch is sendable as Java requires (same topic, same WAIT, no delay, not retry). */
export function checkBatchMessages(
  messages: readonly { topic: string; properties: Readonly<Record<string, string>> }[],
): void {
  if (messages.length === 0) throw new RocketMQClientError('A batch needs at least one message');
  const first = messages[0]!;
  for (const m of messages) {
    if (m.topic !== first.topic) throw new RocketMQClientError('All messages of a batch must have the same topic');
    if ((m.properties['WAIT'] !== 'false') !== (first.properties['WAIT'] !== 'false')) {
      throw new RocketMQClientError('All messages of a batch must have the same waitStoreMsgOK');
    }
    if (m.properties['DELAY'] !== undefined && m.properties['DELAY'] !== '0') {
      throw new RocketMQClientError('Delayed messages cannot be sent in a batch');
    }
  }
  if (first.topic.startsWith('%RETRY%')) throw new RocketMQClientError('Retry-topic messages cannot be sent in a batch');
}
