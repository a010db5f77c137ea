/**
 * RocketMQ messages → packets. The body is decoded by its `content-type` user property; a message
 * without one (sent by a non-Nest producer) is read as JSON when it parses, else as UTF-8 text.
 */
import type { Deserializer, IncomingEvent, IncomingRequest, IncomingResponse, PacketMetadata } from '@nestjs/microservices';
import { MessageConst } from '../../../protocol/message/message-const.js';
import type { MessageExt } from '../../../protocol/message/message.js';
import { RocketMQProperties, TRANSPORT_PROPERTIES } from '../rocketmq-options.js';
import { RocketMQDeserializationError } from '../rocketmq-transport.errors.js';
import { ContentType } from './rocketmq.serializer.js';

export interface DecodeOptions {
  /** Hand the body over as a Buffer whatever the content type. */
  keepBinary?: boolean;
}

/** Decodes a body by its content type (see the module comment). */
export function decodeBody(body: Buffer, contentType: string | undefined, options: DecodeOptions = {}): unknown {
  if (options.keepBinary) return body;
  const type = contentType?.split(';')[0]!.trim().toLowerCase();
  if (type === undefined) {
    const text = body.toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (type === ContentType.JSON || type.endsWith('+json')) {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new RocketMQDeserializationError(`The body says it is ${type} but is not valid JSON: ${(error as Error).message}`, undefined, { cause: error });
    }
  }
  if (type.startsWith('text/')) return body.toString('utf8');
  return body;
}

/** User properties other than the transport's own: the packet metadata. */
export function propertiesToMetadata(message: MessageExt): PacketMetadata {
  const metadata: PacketMetadata = {};
  const user = message.userProperties;
  for (const name in user) if (!TRANSPORT_PROPERTIES.has(name)) metadata[name] = user[name]!;
  return metadata;
}

export interface RequestDeserializeOptions {
  /** The topic. */
  channel?: string;
  /** The pattern the server routed the message to. */
  pattern?: string;
}

/** Server side: a consumed message → request (it has a correlation id) or event. */
export class RocketMQRequestDeserializer implements Deserializer<MessageExt, IncomingRequest | IncomingEvent> {
  constructor(private readonly options: DecodeOptions = {}) {}

  deserialize(message: MessageExt, options: RequestDeserializeOptions = {}): IncomingRequest | IncomingEvent {
    const pattern = options.pattern ?? message.getProperty(RocketMQProperties.PATTERN) ?? options.channel ?? message.topic;
    const data = decodeBody(message.body, message.getProperty(RocketMQProperties.CONTENT_TYPE), this.options);
    const metadata = propertiesToMetadata(message);
    const id = message.getProperty(MessageConst.CORRELATION_ID);
    return id === undefined ? { pattern, data, metadata } : { pattern, data, metadata, id };
  }
}

/** Client side: a reply message → response packet (one reply per request, so always disposed). */
export class RocketMQResponseDeserializer implements Deserializer<MessageExt, IncomingResponse> {
  constructor(private readonly options: DecodeOptions = {}) {}

  deserialize(message: MessageExt): IncomingResponse {
    const id = message.getProperty(MessageConst.CORRELATION_ID) ?? '';
    const contentType = message.getProperty(RocketMQProperties.CONTENT_TYPE);
    if (message.getProperty(RocketMQProperties.ERROR) === 'true') {
      return { id, err: decodeBody(message.body, contentType), isDisposed: true };
    }
    if (message.getProperty(RocketMQProperties.EMPTY) === 'true') return { id, isDisposed: true };
    return { id, response: decodeBody(message.body, contentType, this.options), isDisposed: true };
  }
}
