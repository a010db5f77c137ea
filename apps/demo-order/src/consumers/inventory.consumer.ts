import { Injectable } from '@nestjs/common';
import { Ctx, Payload, RocketMQListener, type RocketMQListenerContext } from '@app/rocketmq';
import { CONSUMER_GROUPS, LISTENER_IDS, ORDER_CREATED_TOPIC } from '../order-topics.js';
import type { OrderCreatedEvent } from '../orders/order-events.js';
import { IdempotentEffects } from './idempotent-effects.js';

/** Takes the ordered quantities out of stock, once per order. */
@Injectable()
export class InventoryConsumer {
  constructor(private readonly effects: IdempotentEffects) {}

  @RocketMQListener({ topic: ORDER_CREATED_TOPIC, selectorExpression: 'created', consumerGroup: CONSUMER_GROUPS.inventory, id: LISTENER_IDS.inventory })
  async onOrderCreated(@Payload() event: OrderCreatedEvent, @Ctx() context: RocketMQListenerContext): Promise<void> {
    await this.effects.handle('inventory', event, context, async (tx) => {
      for (const item of event.items) {
        await tx.query(`UPDATE stock SET quantity = quantity - $2 WHERE sku = $1`, [item.sku, item.quantity]);
      }
    });
  }
}
