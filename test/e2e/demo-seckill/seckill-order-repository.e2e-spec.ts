/** One spec for the order repository on PGlite, PostgreSQL (a schema of its own) and MariaDB (a database of its own). */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import mysql from 'mysql2/promise';
import { MysqlDriver } from '../../../apps/demo-seckill/src/orders/mysql-driver.js';
import type { OrderRepository } from '../../../apps/demo-seckill/src/orders/order-repository.js';
import { PGliteDriver } from '../../../apps/demo-seckill/src/orders/pglite-driver.js';
import { PostgresDriver } from '../../../apps/demo-seckill/src/orders/postgres-driver.js';
import { SqlOrderRepository } from '../../../apps/demo-seckill/src/orders/sql-order-repository.js';
import { POSTGRES_URL, isolatedServices, runId } from './seckill-support.js';

jest.setTimeout(60_000);

const MYSQL_ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const pgServices = isolatedServices('sk_repo');
const mysqlDatabase = runId('sk_repo').toLowerCase();

async function mysqlAdmin(sql: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: MYSQL_ROOT });
  await connection.query(sql).finally(() => connection.end());
}

const implementations: [string, () => Promise<SqlOrderRepository>][] = [
  ['PGlite', async () => new SqlOrderRepository(await PGliteDriver.open(undefined))],
  ['PostgreSQL', async () => new SqlOrderRepository(await PostgresDriver.connect(POSTGRES_URL, pgServices.schema, 4))],
  [
    'MariaDB',
    async () => {
      await mysqlAdmin(`CREATE DATABASE IF NOT EXISTS ${mysqlDatabase}`);
      return new SqlOrderRepository(await MysqlDriver.connect(`${MYSQL_ROOT}/${mysqlDatabase}`, 4));
    },
  ],
];

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
