/** What the app stores durably: sales, orders (one per SKU and user) and the final state of tickets. */
export type TicketStatus = 'CREATED' | 'FAILED';

export interface SaleRecord {
  sku: string;
  stock: number;
  startsAt: number;
  ratePerSec: number;
  burst: number;
  createdAt: number;
}

/** A user who holds an order of a sale, with the ticket it came from. */
export interface OrderHolder {
  userId: string;
  ticketId: string;
}

export interface OrderRequest {
  ticketId: string;
  sku: string;
  userId: string;
}

export interface TicketRecord extends OrderRequest {
  status: TicketStatus;
  reason: string | null;
  updatedAt: number;
}

/**
 * `created`: this call created the order; `already_created` / `already_failed`: the ticket was
 * settled before (a redelivery); `duplicate_user`: another ticket of this user already holds the
 * order; `unknown_sale`: the SKU has no sale row (a permanent failure).
 */
export type PlaceOrderOutcome = 'created' | 'already_created' | 'already_failed' | 'duplicate_user' | 'unknown_sale';

export interface SaleStats {
  orders: number;
  distinctUsers: number;
  ticketsCreated: number;
  ticketsFailed: number;
}

export interface OrderRepository {
  readonly description: string;
  /** Idempotent DDL. */
  ensureSchema(): Promise<void>;
  /** false when the SKU already has a sale. */
  saveSale(sale: SaleRecord): Promise<boolean>;
  findSale(sku: string): Promise<SaleRecord | undefined>;
  listSales(): Promise<SaleRecord[]>;
  /** Who holds an order of this SKU (rebuilds the in-process gate after a restart). */
  orderHolders(sku: string): Promise<OrderHolder[]>;
  /** One transaction: the order and its CREATED ticket, or nothing; safe to repeat. */
  placeOrder(request: OrderRequest): Promise<PlaceOrderOutcome>;
  /** Records FAILED unless the ticket is already settled; returns the ticket's final status. */
  markFailed(request: OrderRequest, reason: string): Promise<TicketStatus>;
  findTicket(ticketId: string): Promise<TicketRecord | undefined>;
  saleStats(sku: string): Promise<SaleStats>;
  close(): Promise<void>;
}
