/**
 * Packets → RocketMQ message parts. The body is the payload alone (not a Nest envelope), so Java
 * and other non-Nest clients read and write the same messages: JSON by default, strings as UTF-8
 * text, Buffers as they are, with the kind in the `content-type` user property. Packet metadata
 * (a trace id, a tenant) travels as user properties.
 */
import type { OutgoingEvent, OutgoingRequest, OutgoingResponse, Serializer } from '@nestjs/microservices';
import { isSystemProperty } from '../../../protocol/message/message-const.js';
import { RocketMQRecord, type RocketMQRecordOptions } from '../record-builders/rocketmq.record-builder.js';
import { RocketMQProperties, TRANSPORT_PROPERTIES } from '../rocketmq-options.js';

export const ContentType = {
  JSON: 'application/json',
  TEXT: 'text/plain; charset=utf-8',
  BINARY: 'application/octet-stream',
} as const;

/** What the transport turns into a `Message`: body, user properties and send options. */
export interface RocketMQOutgoingRecord extends Omit<RocketMQRecordOptions, 'properties'> {
  body: Buffer;
  properties: Record<string, string>;
}

export interface EncodedBody {
  body: Buffer;
  contentType: string;
}

/** Buffers as they are, strings as UTF-8, everything else as JSON (`undefined` as `null`). */
export function encodeBody(value: unknown): EncodedBody {
  if (Buffer.isBuffer(value)) return { body: value, contentType: ContentType.BINARY };
  if (value instanceof Uint8Array) return { body: Buffer.from(value.buffer, value.byteOffset, value.byteLength), contentType: ContentType.BINARY };
  if (typeof value === 'string') return { body: Buffer.from(value, 'utf8'), contentType: ContentType.TEXT };
  return { body: Buffer.from(JSON.stringify(value ?? null) ?? 'null', 'utf8'), contentType: ContentType.JSON };
}

/** Copies metadata into user properties, leaving out blank entries, system names and the transport's own. */
export function metadataToProperties(target: Record<string, string>, metadata: Readonly<Record<string, string>> | undefined): void {
  if (!metadata) return;
  for (const [name, value] of Object.entries(metadata)) {
    if (typeof value !== 'string' || name.trim() === '' || value.trim() === '') continue;
    if (isSystemProperty(name) || TRANSPORT_PROPERTIES.has(name)) continue;
    target[name] = value;
  }
}

function patternAsString(pattern: unknown): string {
  return typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
}

/** Client side: requests and events → message parts. A `RocketMQRecord` payload adds its send options. */
export class RocketMQRequestSerializer implements Serializer<OutgoingRequest | OutgoingEvent, RocketMQOutgoingRecord> {
  serialize(packet: OutgoingRequest | OutgoingEvent): RocketMQOutgoingRecord {
    const record = packet.data instanceof RocketMQRecord ? (packet.data as RocketMQRecord) : undefined;
    const { body, contentType } = encodeBody(record ? record.data : packet.data);
    const properties: Record<string, string> = {};
    metadataToProperties(properties, packet.metadata);
    metadataToProperties(properties, record?.options.properties);
    properties[RocketMQProperties.CONTENT_TYPE] = contentType;
    properties[RocketMQProperties.PATTERN] = patternAsString(packet.pattern);
    const { properties: _ignored, ...options } = record?.options ?? {};
    return { ...options, body, properties };
  }
}

/** Server side: the handler's response (or error) → the reply's parts. */
export class RocketMQResponseSerializer implements Serializer<OutgoingResponse, RocketMQOutgoingRecord> {
  serialize(packet: OutgoingResponse): RocketMQOutgoingRecord {
    if (packet.err !== undefined && packet.err !== null) {
      const err = packet.err instanceof Error ? { name: packet.err.name, message: packet.err.message } : packet.err;
      const { body, contentType } = encodeBody(err);
      return { body, properties: { [RocketMQProperties.CONTENT_TYPE]: contentType, [RocketMQProperties.ERROR]: 'true' } };
    }
    if (!('response' in packet) || packet.response === undefined) {
      // RocketMQ refuses empty bodies: send a placeholder and say there is no value.
      return { body: Buffer.from('null'), properties: { [RocketMQProperties.CONTENT_TYPE]: ContentType.JSON, [RocketMQProperties.EMPTY]: 'true' } };
    }
    const { body, contentType } = encodeBody(packet.response);
    return { body, properties: { [RocketMQProperties.CONTENT_TYPE]: contentType } };
  }
}
