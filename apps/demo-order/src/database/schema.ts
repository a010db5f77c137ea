/**
 * Idempotent DDL, run at every start. Tables:
 * - products, stock: the catalog the local transaction validates against, and what inventory decrements;
 * - orders + tx_log: written together by the local transaction; tx_log (keyed by the message's
 *   transaction id) is what check-backs read;
 * - consumed: one row per (consumer, order id), written in the same transaction as the consumer's effect;
 * - user_points, notifications: the points and notification effects;
 * - status_outbox: a status change (paid, shipped) written in the same transaction as the order's new status,
 *   deleted once its ordered message is sent; what is left after a crash is sent by the outbox relay;
 * - order_status_view, status_violations: the ordered status tracker's state and any out-of-order event.
 */
import type { SqlDatabase, SqlDialect } from './sql-database.js';

export const CATALOG: ReadonlyArray<{ sku: string; name: string; priceCents: number }> = [
  { sku: 'BOOK-001', name: 'RocketMQ in Action', priceCents: 3900 },
  { sku: 'MUG-002', name: 'Nest mug', priceCents: 1200 },
  { sku: 'TEE-003', name: 'Broker T-shirt', priceCents: 2500 },
  { sku: 'PEN-004', name: 'Offset pen', priceCents: 300 },
];

/** Plenty, so that the demo's loads never run out: inventory's job here is to count exactly. */
export const INITIAL_STOCK = 10_000_000;

function ddl(dialect: SqlDialect): string[] {
  const ts = dialect === 'postgres' ? 'TIMESTAMPTZ NOT NULL DEFAULT now()' : 'TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)';
  const autoId = dialect === 'postgres' ? 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY' : 'BIGINT AUTO_INCREMENT PRIMARY KEY';
  return [
    `CREATE TABLE IF NOT EXISTS products (sku VARCHAR(64) PRIMARY KEY, name VARCHAR(200) NOT NULL, price_cents INT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS stock (sku VARCHAR(64) PRIMARY KEY, quantity BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS orders (
       id VARCHAR(64) PRIMARY KEY,
       user_id VARCHAR(64) NOT NULL,
       items TEXT NOT NULL,
       total_cents INT NOT NULL,
       status VARCHAR(16) NOT NULL,
       version INT NOT NULL,
       created_published BOOLEAN NOT NULL DEFAULT FALSE,
       created_at ${ts})`,
    `CREATE TABLE IF NOT EXISTS tx_log (transaction_id VARCHAR(128) PRIMARY KEY, order_id VARCHAR(64) NOT NULL, created_at ${ts})`,
    `CREATE TABLE IF NOT EXISTS consumed (
       consumer VARCHAR(32) NOT NULL,
       order_id VARCHAR(64) NOT NULL,
       msg_id VARCHAR(128) NOT NULL,
       consumed_at ${ts},
       PRIMARY KEY (consumer, order_id))`,
    `CREATE TABLE IF NOT EXISTS user_points (user_id VARCHAR(64) PRIMARY KEY, points BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS notifications (id ${autoId}, order_id VARCHAR(64) NOT NULL, user_id VARCHAR(64) NOT NULL, kind VARCHAR(32) NOT NULL, created_at ${ts})`,
    `CREATE TABLE IF NOT EXISTS status_outbox (
       order_id VARCHAR(64) NOT NULL,
       version INT NOT NULL,
       status VARCHAR(16) NOT NULL,
       created_ms BIGINT NOT NULL,
       PRIMARY KEY (order_id, version))`,
    `CREATE TABLE IF NOT EXISTS order_status_view (order_id VARCHAR(64) PRIMARY KEY, status VARCHAR(16) NOT NULL, version INT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS status_violations (
       id ${autoId},
       order_id VARCHAR(64) NOT NULL,
       expected_version INT NOT NULL,
       got_version INT NOT NULL,
       status VARCHAR(16) NOT NULL,
       recorded_at ${ts})`,
  ];
}

/** INSERT that skips rows whose key exists, in either dialect. */
export function insertIgnoring(dialect: SqlDialect, tableAndColumns: string, values: string): string {
  return dialect === 'postgres'
    ? `INSERT INTO ${tableAndColumns} VALUES ${values} ON CONFLICT DO NOTHING`
    : `INSERT IGNORE INTO ${tableAndColumns} VALUES ${values}`;
}

export async function migrate(db: SqlDatabase): Promise<void> {
  for (const statement of ddl(db.dialect)) await db.query(statement);
  for (const product of CATALOG) {
    await db.query(insertIgnoring(db.dialect, 'products (sku, name, price_cents)', '($1, $2, $3)'), [product.sku, product.name, product.priceCents]);
    await db.query(insertIgnoring(db.dialect, 'stock (sku, quantity)', '($1, $2)'), [product.sku, INITIAL_STOCK]);
  }
}
