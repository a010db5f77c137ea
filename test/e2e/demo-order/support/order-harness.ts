/**
 * Helpers of the demo-order e2e specs: a unique PostgreSQL schema per run (dropped after), the app
 * started on port 0 from a validated environment, a small HTTP client and database reads.
 */
import pg from 'pg';
import { loadOrderConfig } from '../../../../apps/demo-order/src/config/order-config.js';
import { ConsumerStats } from '../../../../apps/demo-order/src/consumers/consumer-stats.js';
import { startOrderApp, type RunningOrderApp } from '../../../../apps/demo-order/src/order-app.js';
import { quiet, uniqueName } from '../../support/embedded.js';

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  name: string;
  drop(): Promise<void>;
}

/** A schema name unique to this run; the app creates it, drop() removes it with everything in it. */
export function testSchema(prefix = 'demo_order'): TestSchema {
  const name = uniqueName(prefix).toLowerCase();
  return {
    name,
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The app on port 0 against `nameServer` and the schema, faults on, fast local-transaction bound, logs off. */
export function startTestOrderApp(nameServer: string | undefined, schema: string | undefined, env: Record<string, string> = {}): Promise<RunningOrderApp> {
  const config = loadOrderConfig({
    HTTP_PORT: '0',
    ORDER_FAULTS_ENABLED: 'true',
    ORDER_LOCAL_TX_TIMEOUT_MS: '1000',
    EMBEDDED_TX_CHECK_INTERVAL_MS: '500',
    EMBEDDED_TX_TIMEOUT_MS: '500',
    LOG_LEVEL: process.env.ROCKETMQ_TEST_DEBUG ? 'debug' : 'silent',
    ...(nameServer ? { ROCKETMQ_NAMESRV: nameServer } : {}),
    ...(schema ? { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema } : {}),
    ...env,
  });
  return startOrderApp(config, { rocketmqLogger: quiet });
}

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export async function postJson<T = Record<string, unknown>>(base: string, path: string, body?: unknown): Promise<HttpAnswer<T>> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export async function getJson<T = Record<string, unknown>>(base: string, path: string): Promise<HttpAnswer<T>> {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

export function orderBody(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, userId: `user-${id}`, items: [{ sku: 'BOOK-001', quantity: 2 }, { sku: 'PEN-004', quantity: 1 }], ...extra };
}

/** Rows of `consumed` for an order: which consumers applied it. */
export async function consumersOf(app: RunningOrderApp, orderId: string): Promise<string[]> {
  const { rows } = await app.db.query<{ consumer: string }>(`SELECT consumer FROM consumed WHERE order_id = $1 ORDER BY consumer`, [orderId]);
  return rows.map((r) => r.consumer);
}

export async function countOf(app: RunningOrderApp, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await app.db.query<{ n: unknown }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

/** Polls an async condition (DB reads) until it holds. */
export async function eventually(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const EFFECT_CONSUMERS_SORTED = ['inventory', 'notification', 'points'];

/**
 * Places an order whose three effect consumers each throw once after applying it, and waits until every one
 * got it again (the broker's redelivery with backoff). Returns the HTTP status and the SKU's stock before.
 */
export async function placeOrderRedeliveredToEveryConsumer(app: RunningOrderApp, orderId: string, sku: string, quantity: number): Promise<{ status: number; stockBefore: number }> {
  const stats = app.app.get(ConsumerStats);
  const before = stats.snapshot();
  const stockBefore = await countOf(app, `SELECT quantity AS n FROM stock WHERE sku = $1`, [sku]);
  const placed = await postJson(app.url, '/orders', {
    id: orderId,
    userId: `user-${orderId}`,
    items: [{ sku, quantity }],
    faults: { failConsumerOnce: ['inventory', 'points', 'notification'] },
  });
  if (placed.status !== 201) return { status: placed.status, stockBefore };
  await eventually(
    async () => ['inventory', 'points', 'notification'].every((c) => (stats.snapshot()[c]?.duplicates ?? 0) > (before[c]?.duplicates ?? 0)),
    40_000,
    'the redeliveries',
  );
  return { status: placed.status, stockBefore };
}
