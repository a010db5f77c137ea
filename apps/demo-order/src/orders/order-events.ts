/** What travels on the topics. */
import type { EffectConsumerName } from './order-faults.js';

export interface OrderItem {
  sku: string;
  quantity: number;
}

/** Body of the transactional message on ORDER_CREATED_TOPIC. */
export interface OrderCreatedEvent {
  orderId: string;
  userId: string;
  items: OrderItem[];
  totalCents: number;
  /** Fault injection for consumers (only when the app accepts faults). */
  faults?: { failConsumerOnce?: EffectConsumerName[] };
}

export const ORDER_STATUSES = ['created', 'paid', 'shipped'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** created = 1, paid = 2, shipped = 3: the per-order sequence the tracker verifies. */
export const STATUS_VERSION: Record<OrderStatus, number> = { created: 1, paid: 2, shipped: 3 };

/** Body of the ordered messages on ORDER_STATUS_TOPIC (sharding key: order id). */
export interface OrderStatusEvent {
  orderId: string;
  status: OrderStatus;
  version: number;
}
