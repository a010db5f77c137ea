/** Metadata keys, injection tokens and message property names of the Nest layer. */

/** Connection name used when `name` is not given. */
export const DEFAULT_CONNECTION = 'default';

/** `ExecutionContext.getType()` of listener handlers: guards and interceptors can branch on it. */
export const ROCKETMQ_CONTEXT_TYPE = 'rocketmq';

export const ROCKETMQ_LISTENER_METADATA = 'rocketmq:listener';
/** Class-level marker set by `@RocketMQListener`, so discovery scans only classes that have listeners. */
export const ROCKETMQ_LISTENER_CLASS_METADATA = 'rocketmq:listener-class';
export const ROCKETMQ_TRANSACTION_LISTENER_METADATA = 'rocketmq:transaction-listener';
/**
 * Parameter metadata of listener methods. Nest's route-arguments key (as `@nestjs/microservices`
 * uses): the scanner then instantiates pipe classes given to `@Payload(SomePipe)`.
 */
export const ROCKETMQ_ARGS_METADATA = '__routeArguments__';

/**
 * User property carrying the payload's content type, so the listener side deserializes
 * symmetrically (`application/json`, `text/plain`, `application/octet-stream`).
 */
export const CONTENT_TYPE_PROPERTY = 'content-type';

/** User property of a half message naming its transaction flow (routes the broker's check-back). */
export const TRANSACTION_FLOW_PROPERTY = 'rocketmqTxFlow';

/** Flow name used when `@TransactionListener()` / `sendInTransaction` name none. */
export const DEFAULT_TRANSACTION_FLOW = 'default';

export function getRocketMQConnectionToken(name: string = DEFAULT_CONNECTION): string {
  return `RocketMQConnection:${name}`;
}

export function getRocketMQProducerToken(name: string = DEFAULT_CONNECTION): string {
  return `RocketMQProducer:${name}`;
}
