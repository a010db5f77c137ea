/**
 * Puts each committed order's `created` on the ordered status stream. A transactional message cannot
 * be sent orderly, so the relay does it once the order-created message is committed; pay and ship
 * are refused until then (created_published), which keeps created → paid → shipped in order.
 * A crash between the send and the flag resends `created`: the tracker ignores that duplicate.
 */
import { Injectable } from '@nestjs/common';
import { Payload, RocketMQListener, RocketMQProducer } from '@app/rocketmq';
import { CONSUMER_GROUPS, LISTENER_IDS, ORDER_CREATED_TOPIC, ORDER_STATUS_TOPIC } from '../order-topics.js';
import { STATUS_VERSION, type OrderCreatedEvent, type OrderStatusEvent } from '../orders/order-events.js';
import { OrderRepository } from '../orders/order-repository.js';

@Injectable()
export class StatusRelayConsumer {
  constructor(
    private readonly producer: RocketMQProducer,
    private readonly orders: OrderRepository,
  ) {}

  @RocketMQListener({ topic: ORDER_CREATED_TOPIC, selectorExpression: 'created', consumerGroup: CONSUMER_GROUPS.statusRelay, id: LISTENER_IDS.statusRelay })
  async onOrderCreated(@Payload() event: OrderCreatedEvent): Promise<void> {
    const order = await this.orders.find(event.orderId);
    if (!order) throw new Error(`order ${event.orderId} is committed on the broker but not visible in the database yet`);
    if (order.createdPublished) return;
    const status: OrderStatusEvent = { orderId: event.orderId, status: 'created', version: STATUS_VERSION.created };
    await this.producer.sendOrderly(`${ORDER_STATUS_TOPIC}:created`, status, event.orderId, { keys: event.orderId });
    await this.orders.markCreatedPublished(event.orderId);
  }
}
