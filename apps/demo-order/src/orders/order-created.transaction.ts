/**
 * The local transaction of POST /orders and the broker's check-backs for it.
 *
 * executeLocalTransaction runs after the half message is stored: ONE database transaction inserts
 * the order and a tx_log row keyed by the message's transaction id, then commits. Check-backs read
 * only tx_log, so any instance (or a restarted one) answers right after any crash.
 */
import { Inject, Logger } from '@nestjs/common';
import {
  RocketMQTransactionListener,
  type MessageExt,
  type RocketMQLocalTransactionListener,
  type RocketMQLocalTransactionState,
  type TransactionContext,
} from '@app/rocketmq';
import type { OrderAppConfig } from '../config/order-config.js';
import type { SqlDatabase } from '../database/sql-database.js';
import { ORDER_CONFIG, ORDER_DATABASE } from '../order-app.tokens.js';
import { ORDER_CREATED_FLOW } from '../order-topics.js';
import type { OrderCreatedEvent } from './order-events.js';
import { InjectedAbandonedTransaction, InjectedLocalTransactionFailure, type OrderFaults } from './order-faults.js';
import { isUniqueViolation, OrderRepository, type NewOrder } from './order-repository.js';

export type OrderRejectionKind = 'unknown-product' | 'duplicate-order' | 'injected-failure' | 'local-timeout';

export interface OrderTransactionArg {
  order: NewOrder;
  faults: OrderFaults;
  /** Filled by the local transaction so the API can say why it rolled back. */
  outcome: { rejection?: { kind: OrderRejectionKind; message: string } };
}

class OrderRejected extends Error {
  override name = 'OrderRejected';
  constructor(
    readonly kind: OrderRejectionKind,
    message: string,
  ) {
    super(message);
  }
}

/** The id both sides agree on: UNIQ_KEY, which Java and our client also use as the transaction id. */
export function transactionKeyOf(context: TransactionContext): string {
  const key = context.msgId ?? context.transactionId;
  if (!key) throw new Error('the transactional message carries neither UNIQ_KEY nor a transaction id');
  return key;
}

@RocketMQTransactionListener({ flow: ORDER_CREATED_FLOW })
export class OrderCreatedTransaction implements RocketMQLocalTransactionListener<OrderCreatedEvent, OrderTransactionArg> {
  private readonly logger = new Logger(OrderCreatedTransaction.name);

  constructor(
    @Inject(ORDER_DATABASE) private readonly db: SqlDatabase,
    @Inject(ORDER_CONFIG) private readonly config: OrderAppConfig,
    private readonly orders: OrderRepository,
  ) {}

  async executeLocalTransaction(_event: OrderCreatedEvent, arg: OrderTransactionArg, context: TransactionContext): Promise<RocketMQLocalTransactionState> {
    const { order, faults } = arg;
    const started = Date.now();
    try {
      await this.db.transaction(async (tx) => {
        const prices = await this.orders.prices(order.items.map((i) => i.sku), tx);
        const unknown = order.items.filter((i) => !prices.has(i.sku)).map((i) => i.sku);
        if (unknown.length > 0) throw new OrderRejected('unknown-product', `unknown product(s): ${unknown.join(', ')}`);
        await this.orders.insertOrder(tx, order);
        await this.orders.insertTxLog(tx, transactionKeyOf(context), order.id);
        if (faults.failLocalTransaction) throw new InjectedLocalTransactionFailure();
        if (faults.abandonBeforeCommit) throw new InjectedAbandonedTransaction();
        // Past the bound, a check-back may already have answered ROLLBACK: never commit then.
        if (Date.now() - started > this.config.localTxTimeoutMs) {
          throw new OrderRejected('local-timeout', `the local transaction took longer than ${this.config.localTxTimeoutMs} ms`);
        }
      });
    } catch (error) {
      if (error instanceof InjectedAbandonedTransaction) return 'UNKNOWN';
      arg.outcome.rejection = rejectionOf(error);
      if (arg.outcome.rejection) return 'ROLLBACK';
      throw error; // unexpected: the message stays UNKNOWN and the check-back reads tx_log
    }
    if (faults.killAfterCommit) {
      this.logger.warn(`order ${order.id} committed; SIGKILL before END_TRANSACTION (faults.killAfterCommit)`);
      process.kill(process.pid, 'SIGKILL');
    }
    return faults.commitThenUnknown ? 'UNKNOWN' : 'COMMIT';
  }

  /**
   * A tx_log row means the local transaction committed: COMMIT. No row means it has not committed
   * *yet*: it may still be running. executeLocalTransaction never commits later than
   * localTxTimeoutMs after it starts (which is after the half message was born), so once the half
   * message is older than twice that bound (a margin for the COMMIT itself and clock skew between
   * hosts) the transaction cannot commit any more: ROLLBACK. Before that: UNKNOWN, and the broker
   * asks again on its next check round.
   */
  async checkLocalTransaction(event: OrderCreatedEvent, context: TransactionContext): Promise<RocketMQLocalTransactionState> {
    const key = transactionKeyOf(context);
    if (await this.orders.committedOrderOf(key)) {
      this.logger.log(`check-back: order ${event.orderId} (transaction ${key}) committed → COMMIT`);
      return 'COMMIT';
    }
    const bornTimestamp = (context.message as MessageExt).bornTimestamp;
    const age = Date.now() - bornTimestamp;
    const answer = Number.isFinite(age) && age > 2 * this.config.localTxTimeoutMs ? 'ROLLBACK' : 'UNKNOWN';
    this.logger.log(`check-back: order ${event.orderId} (transaction ${key}) not committed, half message ${age} ms old → ${answer}`);
    return answer;
  }
}

function rejectionOf(error: unknown): OrderTransactionArg['outcome']['rejection'] {
  if (error instanceof OrderRejected) return { kind: error.kind, message: error.message };
  if (error instanceof InjectedLocalTransactionFailure) return { kind: 'injected-failure', message: error.message };
  if (isUniqueViolation(error)) return { kind: 'duplicate-order', message: 'an order with this id exists' };
  return undefined;
}
