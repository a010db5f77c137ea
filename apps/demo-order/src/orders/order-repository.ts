/** Orders, the transaction log and the catalog: the SQL behind the API and the local transaction. */
import { Inject, Injectable } from '@nestjs/common';
import { ORDER_DATABASE } from '../order-app.tokens.js';
import type { SqlDatabase, SqlExecutor } from '../database/sql-database.js';
import type { OrderItem, OrderStatus, OrderStatusEvent } from './order-events.js';

export interface OrderRow {
  id: string;
  userId: string;
  items: OrderItem[];
  totalCents: number;
  status: OrderStatus;
  version: number;
  createdPublished: boolean;
}

export interface NewOrder {
  id: string;
  userId: string;
  items: OrderItem[];
  totalCents: number;
}

type RawOrder = { id: string; user_id: string; items: string; total_cents: number; status: OrderStatus; version: number; created_published: boolean | number };

@Injectable()
export class OrderRepository {
  constructor(@Inject(ORDER_DATABASE) private readonly db: SqlDatabase) {}

  /** Price per known SKU (unknown ones are absent). */
  async prices(skus: readonly string[], executor: SqlExecutor = this.db): Promise<Map<string, number>> {
    if (skus.length === 0) return new Map();
    const placeholders = skus.map((_, i) => `$${i + 1}`).join(', ');
    const { rows } = await executor.query<{ sku: string; price_cents: number }>(`SELECT sku, price_cents FROM products WHERE sku IN (${placeholders})`, skus);
    return new Map(rows.map((r) => [r.sku, Number(r.price_cents)]));
  }

  async insertOrder(tx: SqlExecutor, order: NewOrder): Promise<void> {
    await tx.query(`INSERT INTO orders (id, user_id, items, total_cents, status, version) VALUES ($1, $2, $3, $4, 'created', 1)`, [
      order.id,
      order.userId,
      JSON.stringify(order.items),
      order.totalCents,
    ]);
  }

  async insertTxLog(tx: SqlExecutor, transactionId: string, orderId: string): Promise<void> {
    await tx.query(`INSERT INTO tx_log (transaction_id, order_id) VALUES ($1, $2)`, [transactionId, orderId]);
  }

  /** The order id the transaction committed, or undefined when no such transaction committed. */
  async committedOrderOf(transactionId: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ order_id: string }>(`SELECT order_id FROM tx_log WHERE transaction_id = $1`, [transactionId]);
    return rows[0]?.order_id;
  }

  async find(id: string): Promise<OrderRow | undefined> {
    const { rows } = await this.db.query<RawOrder>(`SELECT id, user_id, items, total_cents, status, version, created_published FROM orders WHERE id = $1`, [id]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      userId: row.user_id,
      items: JSON.parse(row.items) as OrderItem[],
      totalCents: Number(row.total_cents),
      status: row.status,
      version: Number(row.version),
      createdPublished: Boolean(row.created_published),
    };
  }

  /**
   * Moves the order from one status to the next and records the change in status_outbox, in one
   * transaction; false when the order is not in `from`, its created event is not published yet, or
   * its previous change is still in the outbox (one unsent change per order keeps the stream in order).
   */
  async transition(id: string, from: OrderStatus, to: OrderStatus, version: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { affected } = await tx.query(
        `UPDATE orders SET status = $3, version = $4
          WHERE id = $1 AND status = $2 AND created_published = TRUE
            AND NOT EXISTS (SELECT 1 FROM status_outbox WHERE order_id = $1)`,
        [id, from, to, version],
      );
      if (affected !== 1) return false;
      await tx.query(`INSERT INTO status_outbox (order_id, version, status, created_ms) VALUES ($1, $2, $3, $4)`, [id, version, to, Date.now()]);
      return true;
    });
  }

  async hasUnsentStatusChange(id: string): Promise<boolean> {
    const { rows } = await this.db.query(`SELECT 1 AS one FROM status_outbox WHERE order_id = $1`, [id]);
    return rows.length > 0;
  }

  /** Status changes still unsent that were recorded before `beforeMs`, oldest first. */
  async unsentStatusChanges(beforeMs: number, limit: number): Promise<OrderStatusEvent[]> {
    const { rows } = await this.db.query<{ order_id: string; version: number; status: OrderStatus }>(
      `SELECT order_id, version, status FROM status_outbox WHERE created_ms < $1 ORDER BY created_ms LIMIT ${Math.trunc(limit)}`,
      [beforeMs],
    );
    return rows.map((r) => ({ orderId: r.order_id, status: r.status, version: Number(r.version) }));
  }

  async statusChangeSent(event: OrderStatusEvent): Promise<void> {
    await this.db.query(`DELETE FROM status_outbox WHERE order_id = $1 AND version = $2`, [event.orderId, event.version]);
  }

  async markCreatedPublished(id: string): Promise<void> {
    await this.db.query(`UPDATE orders SET created_published = TRUE WHERE id = $1`, [id]);
  }
}

/** A duplicate key (PostgreSQL 23505, MySQL ER_DUP_ENTRY). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown } | undefined;
  return e?.code === '23505' || e?.code === 'ER_DUP_ENTRY' || e?.errno === 1062;
}
