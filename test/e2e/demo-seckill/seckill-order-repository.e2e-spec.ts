/** One spec for the order repository on PGlite, PostgreSQL (a schema of its own) and MariaDB (a database of its own). */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import mysql from 'mysql2/promise';
import { MysqlDriver } from '../../../apps/demo-seckill/src/orders/mysql-driver.js';
import type { OrderRepository } from '../../../apps/demo-seckill/src/orders/order-repository.js';
import { PGliteDriver } from '../../../apps/demo-seckill/src/orders/pglite-driver.js';
import { PostgresDriver } from '../../../apps/demo-seckill/src/orders/postgres-driver.js';
import { SqlOrderRepository } from '../../../apps/demo-seckill/src/orders/sql-order-repository.js';
import type { SqlDriver, SqlValue } from '../../../apps/demo-seckill/src/orders/sql-driver.js';
import { POSTGRES_URL, isolatedServices, runId } from './seckill-support.js';

jest.setTimeout(60_000);

const MYSQL_ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const pgServices = isolatedServices('sk_repo');
const mysqlDatabase = runId('sk_repo').toLowerCase();

async function mysqlAdmin(sql: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: MYSQL_ROOT });
  await connection.query(sql).finally(() => connection.end());
}

const openPostgres = () => PostgresDriver.connect(POSTGRES_URL, pgServices.schema, 4);
async function openMariaDb(): Promise<SqlDriver> {
  await mysqlAdmin(`CREATE DATABASE IF NOT EXISTS ${mysqlDatabase}`);
  return MysqlDriver.connect(`${MYSQL_ROOT}/${mysqlDatabase}`, 4);
}

const implementations: [string, () => Promise<SqlOrderRepository>][] = [
  ['PGlite', async () => new SqlOrderRepository(await PGliteDriver.open(undefined))],
  ['PostgreSQL', async () => new SqlOrderRepository(await openPostgres())],
  ['MariaDB', async () => new SqlOrderRepository(await openMariaDb())],
];

/** The real driver, pausing inside every transaction right after its first statement, so a test can interleave another connection there. */
function pausingAfterFirstStatement(driver: SqlDriver, pause: () => Promise<void>): SqlDriver {
  return {
    dialect: driver.dialect,
    description: driver.description,
    query: <Row,>(sql: string, params?: readonly SqlValue[]) => driver.query<Row>(sql, params),
    transaction: (work) =>
      driver.transaction((tx) => {
        let first = true;
        return work({
          query: async <Row,>(sql: string, params?: readonly SqlValue[]) => {
            const result = await tx.query<Row>(sql, params);
            if (first) {
              first = false;
              await pause();
            }
            return result;
          },
        });
      }),
    close: () => driver.close(),
  };
}

afterAll(async () => {
  await pgServices.drop();
  await mysqlAdmin(`DROP DATABASE IF EXISTS ${mysqlDatabase}`);
});

describe.each(implementations)('order repository on %s', (_name, open) => {
  let repo: OrderRepository;
  const sale = { sku: 'phone', stock: 10, startsAt: 1_700_000_000_000, ratePerSec: 100, burst: 20, createdAt: 1_700_000_000_001 };

  beforeAll(async () => {
    repo = await open();
    await repo.ensureSchema();
    await repo.ensureSchema(); // idempotent
    expect(await repo.saveSale(sale)).toBe(true);
  });
  afterAll(() => repo.close());

  it('stores a sale once per SKU', async () => {
    expect(await repo.saveSale({ ...sale, stock: 99 })).toBe(false);
    expect(await repo.findSale('phone')).toEqual(sale);
    expect(await repo.findSale('none')).toBeUndefined();
    expect(await repo.listSales()).toEqual([sale]);
  });

  it('places an order and its CREATED ticket; a repeat changes nothing', async () => {
    const request = { ticketId: 't1', sku: 'phone', userId: 'alice' };
    expect(await repo.placeOrder(request)).toBe('created');
    expect(await repo.placeOrder(request)).toBe('already_created');
    expect(await repo.findTicket('t1')).toMatchObject({ ...request, status: 'CREATED', reason: null });
    expect(await repo.saleStats('phone')).toEqual({ orders: 1, distinctUsers: 1, ticketsCreated: 1, ticketsFailed: 0 });
    expect(await repo.orderHolders('phone')).toEqual([{ userId: 'alice', ticketId: 't1' }]);
  });

  it('keeps one order per user even under concurrent deliveries', async () => {
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => repo.placeOrder({ ticketId: `tb${i % 2}`, sku: 'phone', userId: 'bob' })));
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(outcomes.every((o) => ['created', 'already_created', 'duplicate_user'].includes(o))).toBe(true);
    expect((await repo.saleStats('phone')).distinctUsers).toBe(2);
  });

  it('reports an order for an unknown sale as a permanent failure', async () => {
    expect(await repo.placeOrder({ ticketId: 'tx', sku: 'ghost', userId: 'carol' })).toBe('unknown_sale');
    expect(await repo.findTicket('tx')).toBeUndefined();
  });

  it('marks a ticket FAILED unless it is already settled', async () => {
    const failed = { ticketId: 'tf', sku: 'phone', userId: 'dave' };
    expect(await repo.markFailed(failed, 'unknown_sale')).toBe('FAILED');
    expect(await repo.placeOrder(failed)).toBe('already_failed');
    expect(await repo.findTicket('tf')).toMatchObject({ status: 'FAILED', reason: 'unknown_sale' });
    expect(await repo.markFailed({ ticketId: 't1', sku: 'phone', userId: 'alice' }, 'late')).toBe('CREATED');
    expect(await repo.saleStats('phone')).toMatchObject({ ticketsFailed: 1 });
  });
});

// API and consumer are separate processes on these two: their connections race for real
describe.each([
  ['PostgreSQL', openPostgres],
  ['MariaDB', openMariaDb],
])('the ticket row arbitrates between the consumer and a failed send, on %s', (_name, openDriver) => {
  it("makes the API's markFailed wait for an order in progress and find it CREATED (its unit is not given back)", async () => {
    const api = new SqlOrderRepository(await openDriver());
    let reached!: () => void;
    let release!: () => void;
    const atPause = new Promise<void>((r) => (reached = r));
    const resume = new Promise<void>((r) => (release = r));
    const consumer = new SqlOrderRepository(pausingAfterFirstStatement(await openDriver(), () => (reached(), resume)));
    try {
      await api.ensureSchema();
      await api.saveSale({ sku: 'race', stock: 1, startsAt: 0, ratePerSec: 1, burst: 1, createdAt: 0 });
      const request = { ticketId: 'race-1', sku: 'race', userId: 'erin' };
      const placing = consumer.placeOrder(request);
      await atPause; // the consumer's transaction holds the new ticket row, not committed yet
      const marking = api.markFailed(request, 'send_failed: timeout');
      const first = await Promise.race([marking.then(() => 'markFailed returned'), new Promise((r) => setTimeout(() => r('markFailed waits'), 500))]);
      expect(first).toBe('markFailed waits');
      release();
      expect(await placing).toBe('created');
      expect(await marking).toBe('CREATED');
      expect(await api.saleStats('race')).toEqual({ orders: 1, distinctUsers: 1, ticketsCreated: 1, ticketsFailed: 0 });
    } finally {
      release();
      await Promise.all([api.close(), consumer.close()]);
    }
  });
});
