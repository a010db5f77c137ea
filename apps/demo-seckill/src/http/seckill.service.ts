/**
 * The accept path: the gate decides, then the accepted request is made durable on RocketMQ before
 * the client hears "accepted". A failed send settles the ticket FAILED in the database, gives the unit
 * back and answers 503: never a ticket without a message, never a unit sold twice.
 */
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { RocketMQProducer } from '@app/rocketmq';
import type { SeckillConfig } from '../config/seckill-config.js';
import type { AcquireResult, SeckillGate } from '../gate/seckill-gate.js';
import { ORDER_TAG, type OrderMessage } from '../orders/order-message.js';
import type { OrderRepository, OrderRequest, TicketStatus } from '../orders/order-repository.js';
import { ORDER_REPOSITORY, SECKILL_CONFIG, SECKILL_GATE } from '../tokens.js';
import type { CreateSaleBody, SaleDto, TicketDto } from './dto.js';

export type AcceptOutcome = AcquireResult | { outcome: 'unavailable' };

@Injectable()
export class SeckillService {
  private readonly logger = new Logger('Seckill');
  private readonly destination: string;
  /**
   * SKU → until when this instance answers sold_out without asking the gate. After a sale sells out
   * almost every request is a rejection; the memo spares the gate those round trips. A unit given
   * back (failed order) is seen again after at most SOLD_OUT_MEMO_MS.
   */
  private readonly soldOutUntil = new Map<string, number>();

  constructor(
    @Inject(SECKILL_CONFIG) private readonly config: SeckillConfig,
    @Inject(SECKILL_GATE) private readonly gate: SeckillGate,
    @Inject(ORDER_REPOSITORY) private readonly orders: OrderRepository,
    private readonly producer: RocketMQProducer,
  ) {
    this.destination = `${config.rocketmq.topic}:${ORDER_TAG}`;
  }

  /** The sale row first (it decides "already exists"), then the gate. */
  async createSale(body: CreateSaleBody): Promise<SaleDto | undefined> {
    const startsAt = body.startsAt === undefined ? Date.now() : typeof body.startsAt === 'number' ? body.startsAt : Date.parse(body.startsAt);
    const ratePerSec = body.ratePerSec ?? this.config.sales.defaultRatePerSec;
    const burst = body.burst ?? ratePerSec;
    const saved = await this.orders.saveSale({ sku: body.sku, stock: body.stock, startsAt, ratePerSec, burst, createdAt: Date.now() });
    if (!saved) return undefined;
    await this.gate.createSale({ sku: body.sku, stock: body.stock, startsAt, ratePerSec, burst });
    this.logger.log(`sale ${body.sku}: ${body.stock} units from ${new Date(startsAt).toISOString()}, ${ratePerSec}/s`);
    return this.getSale(body.sku);
  }

  async getSale(sku: string): Promise<SaleDto | undefined> {
    const [gate, stats] = await Promise.all([this.gate.getSale(sku), this.orders.saleStats(sku)]);
    if (!gate) return undefined;
    return { ...gate, ...stats };
  }

  async accept(sku: string, userId: string): Promise<AcceptOutcome> {
    const memo = this.soldOutUntil.get(sku);
    if (memo !== undefined && Date.now() < memo) return { outcome: 'sold_out' };
    const decision = await this.gate.tryAcquire(sku, userId, randomUUID());
    if (decision.outcome === 'sold_out' && this.config.sales.soldOutMemoMs > 0) this.soldOutUntil.set(sku, Date.now() + this.config.sales.soldOutMemoMs);
    if (decision.outcome !== 'accepted') return decision;
    const message: OrderMessage = { ticketId: decision.ticketId, sku, userId, acceptedAt: Date.now() };
    try {
      await this.producer.send(this.destination, message, { keys: decision.ticketId });
      return decision;
    } catch (error) {
      return this.afterFailedSend({ ticketId: decision.ticketId, sku, userId }, decision, error as Error);
    }
  }

  /**
   * A failed send may still have stored the message (a timeout after the write), and the consumer may then be
   * creating the order right now. The ticket row decides, once, in the database: recording it FAILED first
   * means the consumer can no longer create that order, and only then is the unit given back; if the consumer
   * won, the order exists and the answer is "accepted" after all. Without the database the unit stays held
   * (never sold twice; at worst one unit unsold).
   */
  private async afterFailedSend(request: OrderRequest, accepted: AcceptOutcome, error: Error): Promise<AcceptOutcome> {
    let settled: TicketStatus;
    try {
      settled = await this.orders.markFailed(request, `send_failed: ${error.message}`);
    } catch (dbError) {
      this.logger.error(`ticket ${request.ticketId}: send failed (${error.message}) and the database is unreachable (${(dbError as Error).message}); its unit stays held`);
      return { outcome: 'unavailable' };
    }
    if (settled === 'CREATED') {
      this.logger.warn(`ticket ${request.ticketId}: the send reported ${error.message}, but the broker had stored it and the order exists`);
      return accepted;
    }
    await this.gate.release(request.sku, request.userId, request.ticketId).catch((releaseError: Error) => {
      this.logger.error(`ticket ${request.ticketId}: could not return its unit after a failed send: ${releaseError.message}`);
    });
    this.logger.error(`ticket ${request.ticketId}: send failed, ticket FAILED, unit returned: ${error.message}`);
    return { outcome: 'unavailable' };
  }

  /** The database's final state, else PENDING while the gate still holds the ticket. */
  async findTicket(ticketId: string): Promise<TicketDto | undefined> {
    const settled = await this.orders.findTicket(ticketId);
    if (settled) return { ticketId, sku: settled.sku, userId: settled.userId, status: settled.status, reason: settled.reason };
    const held = await this.gate.findTicket(ticketId);
    return held && { ...held, status: 'PENDING', reason: null };
  }
}
