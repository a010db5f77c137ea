/**
 * Payload (de)serialization. The content type travels in the `content-type` user property, so a
 * listener turns the body back into what the producer was given: JSON values, strings, Buffers.
 */
import { RocketMQClientError } from '../../protocol/errors.js';

export const RocketMQContentType = {
  JSON: 'application/json',
  TEXT: 'text/plain; charset=utf-8',
  BINARY: 'application/octet-stream',
} as const;

export interface SerializedPayload {
  body: Buffer;
  /** Recorded in the `content-type` user property when set. */
  contentType?: string;
}

export interface RocketMQSerializer {
  serialize(payload: unknown): SerializedPayload;
  /** `contentType` is the message's `content-type` property; undefined for messages from other producers. */
  deserialize(body: Buffer, contentType: string | undefined): unknown;
}

/**
 * The default: Buffers and Uint8Arrays pass through as binary, strings as UTF-8 text, everything
 * else as JSON. Without a content type (messages from Java or other clients) the body is parsed
 * as JSON when it is valid JSON, else returned as a string.
 */
export class JsonSerializer implements RocketMQSerializer {
  serialize(payload: unknown): SerializedPayload {
    if (Buffer.isBuffer(payload)) return { body: payload, contentType: RocketMQContentType.BINARY };
    if (payload instanceof Uint8Array) return { body: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), contentType: RocketMQContentType.BINARY };
    if (typeof payload === 'string') return { body: Buffer.from(payload, 'utf8'), contentType: RocketMQContentType.TEXT };
    if (payload === undefined) throw new RocketMQClientError('The payload is undefined; send null or a value');
    const json = JSON.stringify(payload);
    if (json === undefined) throw new RocketMQClientError(`A payload of type ${typeof payload} cannot be serialized as JSON`);
    return { body: Buffer.from(json, 'utf8'), contentType: RocketMQContentType.JSON };
  }

  deserialize(body: Buffer, contentType: string | undefined): unknown {
    const type = contentType?.split(';')[0]?.trim().toLowerCase();
    if (type === 'application/octet-stream') return body;
    if (type === 'text/plain') return body.toString('utf8');
    const text = body.toString('utf8');
    if (type === 'application/json' || type?.endsWith('+json')) return JSON.parse(text);
    if (type !== undefined) return body;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
}
