import { RocketMQError } from '../protocol/errors.js';

/**
 * The application's RocketMQ configuration cannot work (unreachable name server, conflicting
 * subscriptions of one group, invalid names in decorators, ...). Thrown at start-up; the message
 * lists every problem found and what to change.
 */
export class RocketMQConfigurationError extends RocketMQError {
  override name = 'RocketMQConfigurationError';
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? `RocketMQ configuration error: ${problems[0]}`
        : `RocketMQ configuration errors:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** `sendInTransaction` named a flow no `@TransactionListener` serves on that connection. */
export class RocketMQTransactionFlowError extends RocketMQError {
  override name = 'RocketMQTransactionFlowError';
}
