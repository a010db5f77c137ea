/**
 * The RocketMQ listener of accepted requests. Topic and group come from the configuration, so the
 * class is made per app (decorator options are fixed when a class is declared).
 */
import { Injectable, Logger, type Type } from '@nestjs/common';
import { Ctx, Payload, RocketMQListener, type RocketMQListenerContext } from '@app/rocketmq';
import type { SeckillConfig } from '../config/seckill-config.js';
import { ORDER_TAG, orderMessageSchema } from './order-message.js';
import { OrderPlacementService } from './order-placement.service.js';

export const ORDER_LISTENER_ID = 'seckill-orders';

export function orderListenerClass(config: SeckillConfig): Type<unknown> {
  @Injectable()
  class SeckillOrderListener {
    private readonly logger = new Logger('SeckillOrderListener');

    constructor(private readonly placement: OrderPlacementService) {}

    @RocketMQListener({
      id: ORDER_LISTENER_ID,
      topic: config.rocketmq.topic,
      consumerGroup: config.rocketmq.consumerGroup,
      selectorExpression: ORDER_TAG,
      consumeThreadNumber: config.orders.concurrency,
      pullBatchSize: 64,
      // our own last attempt settles the ticket before RocketMQ would move the message to the DLQ
      maxReconsumeTimes: config.orders.maxAttempts + 1,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    })
    async onAccepted(@Payload() payload: unknown, @Ctx() context: RocketMQListenerContext): Promise<void> {
      const parsed = orderMessageSchema.safeParse(payload);
      if (!parsed.success) {
        // nothing to settle without a ticket: acknowledge so it does not block the queue
        this.logger.error(`dropping malformed order message ${context.msgId}: ${parsed.error.message}`);
        return;
      }
      const result = await this.placement.place(parsed.data, context.reconsumeTimes);
      this.logger.debug?.(`ticket ${parsed.data.ticketId}: ${result.status} (${result.detail})`);
    }
  }
  return SeckillOrderListener;
}
