/** Errors of the RocketMQ microservice transport. */
import { RocketMQError } from '../../protocol/errors.js';

/** A pattern (or its extras) cannot be mapped to a RocketMQ topic and tag, or two handlers clash. */
export class RocketMQPatternError extends RocketMQError {
  override name = 'RocketMQPatternError';
}

/** `send()` got no reply in time. */
export class RocketMQReplyTimeoutError extends RocketMQError {
  override name = 'RocketMQReplyTimeoutError';
  constructor(
    readonly pattern: string,
    readonly topic: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      `No reply to "${pattern}" (topic ${topic}) within ${timeoutMs} ms: is a @MessagePattern('${pattern}') handler ` +
        `listening on a ServerRocketMQ with the same topic naming? Raise replyTimeoutMs for slow handlers`,
      undefined,
      options,
    );
  }
}

/** A message body could not be decoded as its content type says. */
export class RocketMQDeserializationError extends RocketMQError {
  override name = 'RocketMQDeserializationError';
}
