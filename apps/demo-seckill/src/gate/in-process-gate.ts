/**
 * The gate inside this process (the embedded default): the same decisions as the Redis gate. Each
 * call runs synchronously to completion on the event loop, which makes it as atomic as the Lua script.
 */
import { takeToken, type BucketState } from './token-bucket.js';
import type { AcquireResult, GateSaleState, GateTicket, SaleDefinition, SeckillGate } from './seckill-gate.js';

interface SaleSlot {
  sale: SaleDefinition;
  remaining: number;
  bucket: BucketState;
  /** userId → ticketId */
  holders: Map<string, string>;
}

export class InProcessGate implements SeckillGate {
  readonly kind = 'in-process' as const;
  private readonly sales = new Map<string, SaleSlot>();
  private readonly tickets = new Map<string, GateTicket>();

  constructor(private readonly now: () => number = Date.now) {}

  async createSale(sale: SaleDefinition): Promise<boolean> {
    if (this.sales.has(sale.sku)) return false;
    this.sales.set(sale.sku, { sale: { ...sale }, remaining: sale.stock, bucket: { tokens: sale.burst, updatedAt: this.now() }, holders: new Map() });
    return true;
  }

  /**
   * Rebuilds a sale after a restart from the durable orders: their users hold their units, the
   * rest is for sale again (accepted tickets that had no order yet are lost with the process; the
   * consumer fails them as no longer held).
   */
  restoreSale(sale: SaleDefinition, holders: readonly { userId: string; ticketId: string }[]): void {
    const slot: SaleSlot = { sale: { ...sale }, remaining: Math.max(0, sale.stock - holders.length), bucket: { tokens: sale.burst, updatedAt: this.now() }, holders: new Map() };
    for (const { userId, ticketId } of holders) {
      slot.holders.set(userId, ticketId);
      this.tickets.set(ticketId, { ticketId, sku: sale.sku, userId });
    }
    this.sales.set(sale.sku, slot);
  }

  async tryAcquire(sku: string, userId: string, ticketId: string): Promise<AcquireResult> {
    const slot = this.sales.get(sku);
    if (!slot) return { outcome: 'unknown_sale' };
    const now = this.now();
    if (now < slot.sale.startsAt) return { outcome: 'not_started' };
    const held = slot.holders.get(userId);
    if (held !== undefined) return { outcome: 'repeat', ticketId: held };
    if (slot.remaining <= 0) return { outcome: 'sold_out' };
    if (!takeToken(slot.bucket, now, slot.sale.ratePerSec, slot.sale.burst)) return { outcome: 'rate_limited' };
    slot.remaining -= 1;
    slot.holders.set(userId, ticketId);
    this.tickets.set(ticketId, { ticketId, sku, userId });
    return { outcome: 'accepted', ticketId };
  }

  async release(sku: string, userId: string, ticketId: string): Promise<boolean> {
    const slot = this.sales.get(sku);
    if (!slot || slot.holders.get(userId) !== ticketId) return false;
    slot.holders.delete(userId);
    slot.remaining += 1;
    this.tickets.delete(ticketId);
    return true;
  }

  async getSale(sku: string): Promise<GateSaleState | undefined> {
    const slot = this.sales.get(sku);
    return slot ? { ...slot.sale, remaining: slot.remaining } : undefined;
  }

  async findTicket(ticketId: string): Promise<GateTicket | undefined> {
    return this.tickets.get(ticketId);
  }

  async close(): Promise<void> {}
}
