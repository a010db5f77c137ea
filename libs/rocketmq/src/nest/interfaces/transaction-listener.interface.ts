import type { LocalTransactionState } from '../../client/producer/transaction-producer.js';
import type { Message } from '../../protocol/message/message.js';

/** The answers of a local transaction (strings, so `'COMMIT'` works as well as the constant). */
export const RocketMQLocalTransactionState = {
  COMMIT: 'COMMIT',
  ROLLBACK: 'ROLLBACK',
  UNKNOWN: 'UNKNOWN',
} as const satisfies Record<LocalTransactionState, LocalTransactionState>;
export type RocketMQLocalTransactionState = LocalTransactionState;

export interface TransactionListenerOptions {
  /** Flow name `sendInTransaction` picks; default "default". */
  flow?: string;
  /** Connection name; default "default". */
  connection?: string;
}

export interface TransactionContext {
  readonly flow: string;
  readonly topic: string;
  readonly tags: string | undefined;
  readonly keys: string[];
  readonly msgId: string | undefined;
  readonly transactionId: string | undefined;
  /** User properties (headers). */
  readonly properties: Readonly<Record<string, string>>;
  /** Check-backs only: how many times the broker asked (TRANSACTION_CHECK_TIMES), 0 when executing. */
  readonly checkTimes: number;
  /** The client message (MessageExt on check-backs). */
  readonly message: Message;
}

/**
 * Implemented by a provider class decorated with `@TransactionListener({ flow })`.
 * `executeLocalTransaction` runs after the half message is stored; `checkLocalTransaction` answers
 * the broker when a half message stays unresolved, from durable state (it may run on any instance).
 */
export interface RocketMQLocalTransactionListener<T = unknown, A = unknown> {
  executeLocalTransaction(payload: T, arg: A, context: TransactionContext): Promise<RocketMQLocalTransactionState> | RocketMQLocalTransactionState;
  checkLocalTransaction(payload: T, context: TransactionContext): Promise<RocketMQLocalTransactionState> | RocketMQLocalTransactionState;
}
