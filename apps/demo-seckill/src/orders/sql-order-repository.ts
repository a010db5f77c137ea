/**
 * The order repository on any SqlDriver. Orders are unique by (sku, user_id) and by ticket, so a
 * redelivered message finds its order and changes nothing: idempotence by business key, not msgId.
 */
import type { OrderHolder, OrderRepository, OrderRequest, PlaceOrderOutcome, SaleRecord, SaleStats, TicketRecord, TicketStatus } from './order-repository.js';
import { sqlErrorCode, type SqlDriver, type SqlRunner } from './sql-driver.js';

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS seckill_sales (
     sku VARCHAR(64) NOT NULL PRIMARY KEY,
     stock INTEGER NOT NULL CHECK (stock >= 0),
     starts_at BIGINT NOT NULL,
     rate_per_sec INTEGER NOT NULL,
     burst INTEGER NOT NULL,
     created_at BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS seckill_orders (
     ticket_id VARCHAR(64) NOT NULL PRIMARY KEY,
     sku VARCHAR(64) NOT NULL,
     user_id VARCHAR(128) NOT NULL,
     created_at BIGINT NOT NULL,
     CONSTRAINT seckill_orders_one_per_user UNIQUE (sku, user_id),
     CONSTRAINT seckill_orders_sale FOREIGN KEY (sku) REFERENCES seckill_sales (sku))`,
  `CREATE TABLE IF NOT EXISTS seckill_tickets (
     ticket_id VARCHAR(64) NOT NULL PRIMARY KEY,
     sku VARCHAR(64) NOT NULL,
     user_id VARCHAR(128) NOT NULL,
     status VARCHAR(16) NOT NULL,
     reason VARCHAR(255),
     updated_at BIGINT NOT NULL)`,
];

/** Thrown inside placeOrder's transaction to roll its ticket row back. */
class DuplicateUser extends Error {}

/** Foreign-key violation: PostgreSQL 23503, MySQL 1452. */
const FOREIGN_KEY_VIOLATION = new Set(['23503', '1452']);

const SELECT_SALE = 'SELECT sku, stock, starts_at, rate_per_sec, burst, created_at FROM seckill_sales';

interface SaleRow {
  sku: string;
  stock: number;
  starts_at: string | number;
  rate_per_sec: number;
  burst: number;
  created_at: string | number;
}

function toSale(row: SaleRow): SaleRecord {
  return { sku: row.sku, stock: Number(row.stock), startsAt: Number(row.starts_at), ratePerSec: Number(row.rate_per_sec), burst: Number(row.burst), createdAt: Number(row.created_at) };
}

interface TicketRow {
  ticket_id: string;
  sku: string;
  user_id: string;
  status: TicketStatus;
  reason: string | null;
  updated_at: string | number;
}

export class SqlOrderRepository implements OrderRepository {
  constructor(private readonly db: SqlDriver) {}

  get description(): string {
    return this.db.description;
  }

  /** Insert that does nothing on a duplicate key, in either dialect (MySQL's INSERT IGNORE would also hide FK errors). */
  private insertOrSkip(table: string, columns: string[], keyColumn: string): string {
    const values = columns.map(() => '?').join(', ');
    const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values})`;
    return this.db.dialect === 'mysql' ? `${head} ON DUPLICATE KEY UPDATE ${keyColumn} = ${keyColumn}` : `${head} ON CONFLICT DO NOTHING`;
  }

  async ensureSchema(): Promise<void> {
    // processes starting together (api + consumer) may race on CREATE TABLE IF NOT EXISTS, which
    // PostgreSQL can answer with a duplicate-key error from its catalog: the second try sees the table
    for (let attempt = 1; ; attempt++) {
      try {
        for (const ddl of SCHEMA) await this.db.query(ddl);
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }

  async saveSale(sale: SaleRecord): Promise<boolean> {
    const sql = this.insertOrSkip('seckill_sales', ['sku', 'stock', 'starts_at', 'rate_per_sec', 'burst', 'created_at'], 'sku');
    const { affected } = await this.db.query(sql, [sale.sku, sale.stock, sale.startsAt, sale.ratePerSec, sale.burst, sale.createdAt]);
    return affected === 1;
  }

  async findSale(sku: string): Promise<SaleRecord | undefined> {
    const { rows } = await this.db.query<SaleRow>(`${SELECT_SALE} WHERE sku = ?`, [sku]);
    return rows[0] && toSale(rows[0]);
  }

  async listSales(): Promise<SaleRecord[]> {
    const { rows } = await this.db.query<SaleRow>(`${SELECT_SALE} ORDER BY created_at`);
    return rows.map(toSale);
  }

  async orderHolders(sku: string): Promise<OrderHolder[]> {
    const { rows } = await this.db.query<{ user_id: string; ticket_id: string }>('SELECT user_id, ticket_id FROM seckill_orders WHERE sku = ?', [sku]);
    return rows.map((r) => ({ userId: r.user_id, ticketId: r.ticket_id }));
  }

  async placeOrder(request: OrderRequest): Promise<PlaceOrderOutcome> {
    try {
      return await this.db.transaction((tx) => this.placeOrderIn(tx, request));
    } catch (error) {
      if (error instanceof DuplicateUser) return 'duplicate_user';
      if (FOREIGN_KEY_VIOLATION.has(sqlErrorCode(error) ?? '')) return 'unknown_sale';
      throw error;
    }
  }

  /**
   * The ticket row first: it is what arbitrates with the API's markFailed after a failed send. Whichever
   * inserts it first wins; the other waits on the key until that transaction ends and then finds it
   * settled. (Inserting the order first would let a FAILED row slip in between, leaving an order whose
   * unit the API gives back.)
   */
  private async placeOrderIn(tx: SqlRunner, { ticketId, sku, userId }: OrderRequest): Promise<PlaceOrderOutcome> {
    const now = Date.now();
    const ticket = await tx.query(this.insertOrSkip('seckill_tickets', ['ticket_id', 'sku', 'user_id', 'status', 'reason', 'updated_at'], 'ticket_id'), [ticketId, sku, userId, 'CREATED', null, now]);
    if (ticket.affected === 0) {
      const settled = await tx.query<{ status: TicketStatus }>('SELECT status FROM seckill_tickets WHERE ticket_id = ?', [ticketId]);
      return settled.rows[0]?.status === 'CREATED' ? 'already_created' : 'already_failed';
    }
    const order = await tx.query(this.insertOrSkip('seckill_orders', ['ticket_id', 'sku', 'user_id', 'created_at'], 'ticket_id'), [ticketId, sku, userId, now]);
    // the ticket was new, so the conflict is (sku, user_id): another ticket holds this user's order; roll back
    if (order.affected === 0) throw new DuplicateUser();
    return 'created';
  }

  async markFailed(request: OrderRequest, reason: string): Promise<TicketStatus> {
    const sql = this.insertOrSkip('seckill_tickets', ['ticket_id', 'sku', 'user_id', 'status', 'reason', 'updated_at'], 'ticket_id');
    await this.db.query(sql, [request.ticketId, request.sku, request.userId, 'FAILED', reason.slice(0, 255), Date.now()]);
    const ticket = await this.findTicket(request.ticketId);
    return ticket!.status;
  }

  async findTicket(ticketId: string): Promise<TicketRecord | undefined> {
    const { rows } = await this.db.query<TicketRow>('SELECT ticket_id, sku, user_id, status, reason, updated_at FROM seckill_tickets WHERE ticket_id = ?', [ticketId]);
    const row = rows[0];
    return row && { ticketId: row.ticket_id, sku: row.sku, userId: row.user_id, status: row.status, reason: row.reason, updatedAt: Number(row.updated_at) };
  }

  async saleStats(sku: string): Promise<SaleStats> {
    const orders = await this.db.query<{ orders: string | number; users: string | number }>(
      'SELECT COUNT(*) AS orders, COUNT(DISTINCT user_id) AS users FROM seckill_orders WHERE sku = ?',
      [sku],
    );
    const tickets = await this.db.query<{ status: TicketStatus; n: string | number }>('SELECT status, COUNT(*) AS n FROM seckill_tickets WHERE sku = ? GROUP BY status', [sku]);
    const count = (status: TicketStatus) => Number(tickets.rows.find((r) => r.status === status)?.n ?? 0);
    return { orders: Number(orders.rows[0]?.orders ?? 0), distinctUsers: Number(orders.rows[0]?.users ?? 0), ticketsCreated: count('CREATED'), ticketsFailed: count('FAILED') };
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
