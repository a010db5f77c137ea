/**
 * Applies a consumer's effect at most once per order: the effect and a `consumed (consumer, order_id)`
 * row are written in ONE transaction, and the row's primary key turns every later delivery of the
 * same order (redelivery, offset reset, a duplicate send) into a no-op. Keyed by the business key,
 * never by msgId: a resent message has a new msgId but the same order.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { RocketMQListenerContext } from '@app/rocketmq';
import type { SqlDatabase, SqlExecutor } from '../database/sql-database.js';
import { insertIgnoring } from '../database/schema.js';
import { ORDER_DATABASE } from '../order-app.tokens.js';
import type { OrderCreatedEvent } from '../orders/order-events.js';
import { InjectedConsumerFailure, type EffectConsumerName } from '../orders/order-faults.js';
import { ConsumerStats } from './consumer-stats.js';

@Injectable()
export class IdempotentEffects {
  constructor(
    @Inject(ORDER_DATABASE) private readonly db: SqlDatabase,
    private readonly stats: ConsumerStats,
  ) {}

  /** True when the effect ran now, false when this consumer had already applied the order. */
  applyOnce(consumer: string, orderId: string, msgId: string, effect: (tx: SqlExecutor) => Promise<void>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const claim = await tx.query(insertIgnoring(this.db.dialect, 'consumed (consumer, order_id, msg_id)', '($1, $2, $3)'), [consumer, orderId, msgId]);
      if (claim.affected === 0) return false;
      await effect(tx);
      return true;
    });
  }

  /** The whole handling of one order-created delivery by an effect consumer (stats and fault injection included). */
  async handle(consumer: EffectConsumerName, event: OrderCreatedEvent, context: RocketMQListenerContext, effect: (tx: SqlExecutor) => Promise<void>): Promise<void> {
    let applied: boolean;
    try {
      applied = await this.applyOnce(consumer, event.orderId, context.msgId, effect);
    } catch (error) {
      this.stats.record(consumer, 'failures');
      throw error;
    }
    this.stats.record(consumer, applied ? 'applied' : 'duplicates');
    if (context.reconsumeTimes === 0 && event.faults?.failConsumerOnce?.includes(consumer)) {
      // After the commit, before the acknowledgement: the broker redelivers an already applied order.
      this.stats.record(consumer, 'failures');
      throw new InjectedConsumerFailure(consumer, event.orderId);
    }
  }
}
