import { Inject, Injectable } from '@nestjs/common';
import { Ctx, Payload, RocketMQListener, type RocketMQListenerContext } from '@app/rocketmq';
import type { SqlDatabase } from '../database/sql-database.js';
import { ORDER_DATABASE } from '../order-app.tokens.js';
import { CONSUMER_GROUPS, LISTENER_IDS, ORDER_CREATED_TOPIC } from '../order-topics.js';
import type { OrderCreatedEvent } from '../orders/order-events.js';
import { IdempotentEffects } from './idempotent-effects.js';

/** One point per whole currency unit of the order total. */
export function pointsFor(totalCents: number): number {
  return Math.floor(totalCents / 100);
}

/** Credits the buyer's points, once per order. */
@Injectable()
export class PointsConsumer {
  constructor(
    private readonly effects: IdempotentEffects,
    @Inject(ORDER_DATABASE) private readonly db: SqlDatabase,
  ) {}

  @RocketMQListener({ topic: ORDER_CREATED_TOPIC, selectorExpression: 'created', consumerGroup: CONSUMER_GROUPS.points, id: LISTENER_IDS.points })
  async onOrderCreated(@Payload() event: OrderCreatedEvent, @Ctx() context: RocketMQListenerContext): Promise<void> {
    const upsert =
      this.db.dialect === 'postgres'
        ? `INSERT INTO user_points (user_id, points) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET points = user_points.points + EXCLUDED.points`
        : `INSERT INTO user_points (user_id, points) VALUES ($1, $2) ON DUPLICATE KEY UPDATE points = points + VALUES(points)`;
    await this.effects.handle('points', event, context, async (tx) => {
      await tx.query(upsert, [event.userId, pointsFor(event.totalCents)]);
    });
  }
}
