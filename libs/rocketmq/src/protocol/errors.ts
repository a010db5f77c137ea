import { responseCodeName } from './response-code.js';

/** Base class of every error this library throws. `code` is the RocketMQ response code when the broker gave one. */
export class RocketMQError extends Error {
  override name = 'RocketMQError';
  constructor(
    message: string,
    readonly code?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The server answered with a non-success response code. */
export class RocketMQResponseError extends RocketMQError {
  override name = 'RocketMQResponseError';
  constructor(
    readonly responseCode: number,
    readonly remark: string | undefined,
    readonly addr: string,
    readonly request: string,
  ) {
    super(`${request} to ${addr} failed with ${responseCodeName(responseCode)}${remark ? `: ${remark.trim()}` : ''}`, responseCode);
  }
}

/** A frame or header that does not follow the protocol; the connection that produced it is closed. */
export class RocketMQProtocolError extends RocketMQError {
  override name = 'RocketMQProtocolError';
}

/** A request got no response in time. */
export class RocketMQTimeoutError extends RocketMQError {
  override name = 'RocketMQTimeoutError';
  constructor(
    readonly addr: string,
    readonly request: string,
    readonly timeoutMs: number,
  ) {
    super(`${request} to ${addr} got no response within ${timeoutMs} ms`);
  }
}

/** The connection could not be opened, or closed before the response came. */
export class RocketMQConnectionError extends RocketMQError {
  override name = 'RocketMQConnectionError';
  constructor(
    message: string,
    readonly addr: string,
    options?: { cause?: unknown },
  ) {
    super(message, undefined, options);
  }
}

/** The caller passed something the protocol cannot carry (bad topic name, oversized message, ...). */
export class RocketMQClientError extends RocketMQError {
  override name = 'RocketMQClientError';
}
