import { Injectable } from '@nestjs/common';
import { Ctx, Payload, RocketMQListener, type RocketMQListenerContext } from '@app/rocketmq';
import { CONSUMER_GROUPS, LISTENER_IDS, ORDER_CREATED_TOPIC } from '../order-topics.js';
import type { OrderCreatedEvent } from '../orders/order-events.js';
import { IdempotentEffects } from './idempotent-effects.js';

/** Records the "order confirmed" notification to the buyer (the outbox a mailer would read), once per order. */
@Injectable()
export class NotificationConsumer {
  constructor(private readonly effects: IdempotentEffects) {}

  @RocketMQListener({ topic: ORDER_CREATED_TOPIC, selectorExpression: 'created', consumerGroup: CONSUMER_GROUPS.notification, id: LISTENER_IDS.notification })
  async onOrderCreated(@Payload() event: OrderCreatedEvent, @Ctx() context: RocketMQListenerContext): Promise<void> {
    await this.effects.handle('notification', event, context, async (tx) => {
      await tx.query(`INSERT INTO notifications (order_id, user_id, kind) VALUES ($1, $2, 'order-confirmed')`, [event.orderId, event.userId]);
    });
  }
}
