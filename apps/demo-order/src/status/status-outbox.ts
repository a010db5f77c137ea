/**
 * Sends status changes (paid, shipped) from status_outbox as ordered messages (sharding key: order id).
 * RocketMQ cannot send ordered messages transactionally, so the change and its outbox row commit
 * together and the message follows: right away from advance(), and from this relay for what a crash
 * or a failed send left behind (every ORDER_OUTBOX_INTERVAL_MS, rows older than that, so it does not
 * race the send right after the commit). A change sent twice (a crash between the send and the delete)
 * is a duplicate the tracker ignores; an order has at most one unsent change, so the stream stays in order.
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { RocketMQProducer } from '@app/rocketmq';
import type { OrderAppConfig } from '../config/order-config.js';
import { ORDER_CONFIG } from '../order-app.tokens.js';
import { ORDER_STATUS_TOPIC } from '../order-topics.js';
import type { OrderStatusEvent } from '../orders/order-events.js';
import { OrderRepository } from '../orders/order-repository.js';

const SWEEP_BATCH = 100;

@Injectable()
export class StatusOutbox implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StatusOutbox.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;

  constructor(
    private readonly producer: RocketMQProducer,
    private readonly orders: OrderRepository,
    @Inject(ORDER_CONFIG) private readonly config: OrderAppConfig,
  ) {}

  /** Sends one recorded change, then deletes its row. */
  async send(change: OrderStatusEvent): Promise<void> {
    await this.producer.sendOrderly(`${ORDER_STATUS_TOPIC}:${change.status}`, change, change.orderId, { keys: change.orderId });
    await this.orders.statusChangeSent(change);
  }

  /** The relay runs where orders change status (roles api and all). */
  onApplicationBootstrap(): void {
    if (this.config.role === 'consumers') return;
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((error: Error) => this.logger.warn(`outbox relay: ${error.message}; next try in ${this.config.outboxIntervalMs} ms`))
        .finally(() => (this.sweeping = undefined));
    }, this.config.outboxIntervalMs);
  }

  /** Sends the changes left unsent; stops at the first failure (the broker is likely down) until the next round. */
  async sweep(): Promise<number> {
    const changes = await this.orders.unsentStatusChanges(Date.now() - this.config.outboxIntervalMs, SWEEP_BATCH);
    let sent = 0;
    for (const change of changes) {
      await this.send(change);
      sent++;
    }
    if (sent > 0) this.logger.log(`outbox relay: sent ${sent} status change(s) left unsent (${changes.map((c) => `${c.orderId} ${c.status}`).join(', ')})`);
    return sent;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }
}
