/**
 * The gate in front of the queue: it decides at once, without the database, whether a request may
 * become an order. Stock is pre-deducted and the user recorded in one atomic step, so the gate can
 * never accept more requests than stock nor one user twice; a per-SKU token bucket sheds bursts.
 */
export interface SaleDefinition {
  sku: string;
  stock: number;
  /** ms since epoch; requests before it are `not_started`. */
  startsAt: number;
  /** Token bucket of the accept path: refill per second and capacity. */
  ratePerSec: number;
  burst: number;
}

export type RejectionReason = 'sold_out' | 'repeat' | 'rate_limited' | 'not_started' | 'unknown_sale';

export type AcquireResult =
  | { outcome: 'accepted'; ticketId: string }
  /** `ticketId` on `repeat`: the ticket the user already holds. */
  | { outcome: RejectionReason; ticketId?: string };

export interface GateSaleState extends SaleDefinition {
  remaining: number;
}

export interface GateTicket {
  ticketId: string;
  sku: string;
  userId: string;
}

export interface SeckillGate {
  readonly kind: 'redis' | 'in-process';
  /** false when the SKU already has a sale. */
  createSale(sale: SaleDefinition): Promise<boolean>;
  /** Checks start time, repeat, stock and the rate limit; on success takes one unit and records the ticket. */
  tryAcquire(sku: string, userId: string, ticketId: string): Promise<AcquireResult>;
  /**
   * Gives the unit back and forgets the user, only while the user still holds this ticket, so a
   * repeated release (redelivery) never returns stock twice. true when stock was returned.
   */
  release(sku: string, userId: string, ticketId: string): Promise<boolean>;
  getSale(sku: string): Promise<GateSaleState | undefined>;
  /** The gate's record of an accepted ticket (until released). */
  findTicket(ticketId: string): Promise<GateTicket | undefined>;
  close(): Promise<void>;
}
