/** Places orders through a transactional message, and moves them through paid and shipped with ordered messages (via the status outbox). */
import { randomUUID } from 'node:crypto';
import { ConflictException, ForbiddenException, Inject, Injectable, Logger, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { LocalTransactionError, RocketMQProducer } from '@app/rocketmq';
import type { OrderAppConfig } from '../config/order-config.js';
import { ORDER_CONFIG } from '../order-app.tokens.js';
import { ORDER_CREATED_FLOW, ORDER_CREATED_TOPIC } from '../order-topics.js';
import { StatusOutbox } from '../status/status-outbox.js';
import type { OrderTransactionArg } from './order-created.transaction.js';
import { STATUS_VERSION, type OrderCreatedEvent, type OrderStatus, type OrderStatusEvent } from './order-events.js';
import { OrderRepository, type OrderRow } from './order-repository.js';
import type { StatusChangeFaults } from './order-faults.js';
import type { CreateOrderRequest } from './order-requests.js';

export interface PlacedOrder {
  id: string;
  /** created: committed; pending: committed locally, the message awaits the broker's check-back. */
  status: 'created' | 'pending';
  msgId: string;
  totalCents: number;
}

const NEXT: Partial<Record<OrderStatus, OrderStatus>> = { created: 'paid', paid: 'shipped' };

@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);

  constructor(
    private readonly producer: RocketMQProducer,
    private readonly orders: OrderRepository,
    private readonly outbox: StatusOutbox,
    @Inject(ORDER_CONFIG) private readonly config: OrderAppConfig,
  ) {}

  async place(request: CreateOrderRequest): Promise<PlacedOrder> {
    if (request.faults && !this.config.faultsEnabled) {
      throw new ForbiddenException('fault injection is off (start the app with ORDER_FAULTS_ENABLED=true)');
    }
    const id = request.id ?? randomUUID();
    const items = request.items.map(({ sku, quantity }) => ({ sku, quantity }));
    const prices = await this.orders.prices(items.map((i) => i.sku));
    const totalCents = items.reduce((sum, i) => sum + (prices.get(i.sku) ?? 0) * i.quantity, 0);
    const faults = request.faults ?? {};
    const event: OrderCreatedEvent = { orderId: id, userId: request.userId, items, totalCents };
    if (faults.failConsumerOnce?.length) event.faults = { failConsumerOnce: faults.failConsumerOnce };
    const arg: OrderTransactionArg = { order: { id, userId: request.userId, items, totalCents }, faults, outcome: {} };
    try {
      const result = await this.producer.sendInTransaction(`${ORDER_CREATED_TOPIC}:created`, event, arg, { flow: ORDER_CREATED_FLOW, keys: id });
      if (result.localTransactionState === 'ROLLBACK') {
        const rejection = arg.outcome.rejection;
        if (rejection?.kind === 'duplicate-order') throw new ConflictException(`order ${id} exists`);
        throw new UnprocessableEntityException({ message: 'order rejected; its message was rolled back', reason: rejection?.kind, detail: rejection?.message });
      }
      return { id, status: result.localTransactionState === 'COMMIT' ? 'created' : 'pending', msgId: result.msgId, totalCents };
    } catch (error) {
      if (error instanceof LocalTransactionError) {
        // It may have committed before failing: the check-back reads tx_log and settles the message.
        this.logger.error(`local transaction of order ${id} failed: ${error.message}`);
        return { id, status: 'pending', msgId: error.sendResult.msgId, totalCents };
      }
      throw error;
    }
  }

  async get(id: string): Promise<OrderRow> {
    const order = await this.orders.find(id);
    if (!order) throw new NotFoundException(`order ${id} not found`);
    return order;
  }

  /**
   * created → paid → shipped. The new status and its status_outbox row commit together (conditionally,
   * so concurrent calls cannot both win), then the ordered message goes out with the order id as
   * sharding key. If that send fails, or the process dies before it, the outbox relay sends it: the
   * change is never lost, and the next change waits (409) until this one is on the stream.
   */
  async advance(id: string, to: 'paid' | 'shipped', faults: StatusChangeFaults = {}): Promise<OrderRow> {
    if (Object.keys(faults).length > 0 && !this.config.faultsEnabled) {
      throw new ForbiddenException('fault injection is off (start the app with ORDER_FAULTS_ENABLED=true)');
    }
    const order = await this.get(id);
    if (NEXT[order.status] !== to) throw new ConflictException(`order ${id} is ${order.status}; it cannot become ${to}`);
    if (!order.createdPublished) throw new ConflictException(`order ${id} is not confirmed yet (its created event is not on the status stream); retry shortly`);
    const version = STATUS_VERSION[to];
    if (!(await this.orders.transition(id, order.status, to, version))) {
      if (await this.orders.hasUnsentStatusChange(id)) throw new ConflictException(`order ${id}: its previous status change is not on the status stream yet; retry shortly`);
      throw new ConflictException(`order ${id} changed meanwhile; reload it`);
    }
    if (faults.killAfterCommit) {
      this.logger.warn(`order ${id} is ${to}; SIGKILL before its ordered message is sent (faults.killAfterCommit)`);
      process.kill(process.pid, 'SIGKILL');
    }
    const change: OrderStatusEvent = { orderId: id, status: to, version };
    try {
      await this.outbox.send(change);
    } catch (error) {
      this.logger.warn(`order ${id} is ${to}; its ordered message could not be sent now (${(error as Error).message}); the outbox relay will send it`);
    }
    return { ...order, status: to, version };
  }
}
