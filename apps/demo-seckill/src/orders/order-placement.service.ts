/**
 * Turns an accepted request into an order at the configured fixed rate. Every ticket ends CREATED
 * or FAILED: a permanent failure (no such sale, user already served, ticket no longer held by the
 * gate) is recorded at once and its unit returned to the gate; a transient one (database down) is
 * retried by RocketMQ until the last attempt, which records FAILED instead of giving up silently.
 */
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { SeckillConfig } from '../config/seckill-config.js';
import type { SeckillGate } from '../gate/seckill-gate.js';
import { ORDER_RATE_LIMITER, ORDER_REPOSITORY, SECKILL_CONFIG, SECKILL_GATE } from '../tokens.js';
import type { FixedRateLimiter } from './fixed-rate-limiter.js';
import type { OrderMessage } from './order-message.js';
import type { OrderRepository, OrderRequest, TicketStatus } from './order-repository.js';

export type PlacementResult = { status: TicketStatus; detail: string };

@Injectable()
export class OrderPlacementService implements OnApplicationShutdown {
  private readonly logger = new Logger('OrderPlacement');

  constructor(
    @Inject(SECKILL_CONFIG) private readonly config: SeckillConfig,
    @Inject(SECKILL_GATE) private readonly gate: SeckillGate,
    @Inject(ORDER_REPOSITORY) private readonly orders: OrderRepository,
    @Inject(ORDER_RATE_LIMITER) private readonly limiter: FixedRateLimiter,
  ) {}

  /** `attempt` counts from 0 (RocketMQ's reconsumeTimes). Throws to have the message redelivered. */
  async place(message: OrderMessage, attempt: number): Promise<PlacementResult> {
    await this.limiter.acquire();
    const request: OrderRequest = { ticketId: message.ticketId, sku: message.sku, userId: message.userId };
    try {
      return await this.placeOnce(request);
    } catch (error) {
      const reason = (error as Error).message;
      if (attempt + 1 < this.config.orders.maxAttempts) {
        this.logger.warn(`ticket ${request.ticketId}: attempt ${attempt + 1} failed (${reason}); RocketMQ will redeliver`);
        throw error;
      }
      return this.fail(request, `gave up after ${attempt + 1} attempts: ${reason}`);
    }
  }

  private async placeOnce(request: OrderRequest): Promise<PlacementResult> {
    // A ticket the gate no longer holds was given back: by the API after a failed send (it must not
    // become an order), or by an earlier delivery that failed it. markFailed keeps a settled status.
    if (!(await this.gate.findTicket(request.ticketId))) return this.fail(request, 'not_held: the gate no longer holds this ticket');
    const outcome = await this.orders.placeOrder(request);
    switch (outcome) {
      case 'created':
        return { status: 'CREATED', detail: 'created' };
      case 'already_created':
        return { status: 'CREATED', detail: 'redelivered' };
      case 'already_failed':
        return this.settle(request, 'FAILED', 'redelivered');
      case 'duplicate_user':
        // the gate let one user in twice (it was reset?): the other ticket holds this user's unit
        await this.orders.markFailed(request, 'duplicate_user');
        return { status: 'FAILED', detail: 'duplicate_user' };
      case 'unknown_sale':
        return this.fail(request, 'unknown_sale: no sale row for this SKU');
    }
  }

  /** A redelivery of a settled ticket: FAILED ones make sure their unit went back (release is idempotent). */
  private async settle(request: OrderRequest, status: TicketStatus, detail: string): Promise<PlacementResult> {
    if (status === 'FAILED') await this.gate.release(request.sku, request.userId, request.ticketId);
    return { status, detail };
  }

  private async fail(request: OrderRequest, reason: string): Promise<PlacementResult> {
    const status = await this.orders.markFailed(request, reason);
    if (status === 'CREATED') return { status, detail: 'redelivered' };
    const returned = await this.gate.release(request.sku, request.userId, request.ticketId);
    this.logger.warn(`ticket ${request.ticketId} FAILED (${reason})${returned ? '; its unit went back to the gate' : ''}`);
    return { status, detail: reason };
  }

  onApplicationShutdown(): void {
    this.limiter.close();
  }
}
