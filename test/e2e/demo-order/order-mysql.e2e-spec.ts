/**
 * demo-order on real MariaDB/MySQL (a database of its own, dropped after): the same transactional flow as on
 * PostgreSQL through the MySQL implementation of the SQL layer: commit, rollback, check-back commit,
 * redelivery without a second effect, and status changes through the outbox.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mysql from 'mysql2/promise';
import type { RunningOrderApp } from '../../../apps/demo-order/src/order-app.js';
import type { RunningEmbeddedRocketMQ } from '../../../libs/broker/src/index.js';
import { sleep, startEmbedded, uniqueName } from '../support/embedded.js';
import {
  consumersOf,
  countOf,
  EFFECT_CONSUMERS_SORTED,
  eventually,
  getJson,
  orderBody,
  placeOrderRedeliveredToEveryConsumer,
  postJson,
  startTestOrderApp,
} from './support/order-harness.js';

const MYSQL_ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = uniqueName('demo_order_my').toLowerCase();
const run = Date.now().toString(36);
const id = (name: string) => `${name}-${run}`;

let mq: RunningEmbeddedRocketMQ;
let app: RunningOrderApp;

async function admin<T>(work: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection(MYSQL_ROOT);
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

beforeAll(async () => {
  await admin((c) => c.query(`CREATE DATABASE \`${database}\``));
  mq = await startEmbedded({ brokerConfig: { transactionCheckInterval: 500, transactionTimeOut: 500 } });
  app = await startTestOrderApp(mq.nameServer, undefined, { DATABASE_URL: `${MYSQL_ROOT.replace(/\/$/, '')}/${database}` });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await mq?.stop();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS \`${database}\``));
}, 60_000);

describe('demo-order on MySQL/MariaDB', () => {
  it('runs on the MySQL implementation', () => {
    expect(app.db.dialect).toBe('mysql');
  });

  it('commits an order with its tx_log row and applies it once in each consumer', async () => {
    const placed = await postJson(app.url, '/orders', orderBody(id('ok')));
    expect(placed.status).toBe(201);
    expect(await countOf(app, `SELECT COUNT(*) AS n FROM tx_log WHERE order_id = $1`, [id('ok')])).toBe(1);
    await eventually(async () => (await consumersOf(app, id('ok'))).length === 3, 15_000, 'the three consumers');
    expect(await consumersOf(app, id('ok'))).toEqual(EFFECT_CONSUMERS_SORTED);
    expect(await countOf(app, `SELECT COUNT(*) AS n FROM notifications WHERE order_id = $1`, [id('ok')])).toBe(1);
  }, 30_000);

  it('rolls back a failing local transaction: 422, no row, no consumer sees it', async () => {
    const failed = await postJson(app.url, '/orders', orderBody(id('fail'), { faults: { failLocalTransaction: true } }));
    expect(failed.status).toBe(422);
    await postJson(app.url, '/orders', orderBody(id('marker')));
    await eventually(async () => (await consumersOf(app, id('marker'))).length === 3, 15_000, 'the marker order');
    await sleep(300);
    expect((await getJson(app.url, `/orders/${id('fail')}`)).status).toBe(404);
    expect(await countOf(app, `SELECT COUNT(*) AS n FROM tx_log WHERE order_id = $1`, [id('fail')])).toBe(0);
    expect(await consumersOf(app, id('fail'))).toEqual([]);
  }, 30_000);

  it('commits through the check-back an order whose producer answered UNKNOWN after the DB commit', async () => {
    const placed = await postJson(app.url, '/orders', orderBody(id('unknown'), { faults: { commitThenUnknown: true } }));
    expect(placed.status).toBe(202);
    await eventually(async () => (await consumersOf(app, id('unknown'))).length === 3, 20_000, 'the check-back to commit the order');
  }, 30_000);

  it('has no second effect when a consumer fails after applying an order and gets it again', async () => {
    const { status, stockBefore } = await placeOrderRedeliveredToEveryConsumer(app, id('redeliver'), 'TEE-003', 2);
    expect(status).toBe(201);
    expect(await consumersOf(app, id('redeliver'))).toEqual(EFFECT_CONSUMERS_SORTED);
    expect(await countOf(app, `SELECT quantity AS n FROM stock WHERE sku = 'TEE-003'`)).toBe(stockBefore - 2);
    expect(await countOf(app, `SELECT COUNT(*) AS n FROM notifications WHERE order_id = $1`, [id('redeliver')])).toBe(1);
  }, 60_000);

  it('moves an order created → paid → shipped through the status outbox, in order on the status stream', async () => {
    expect((await postJson(app.url, '/orders', orderBody(id('status')))).status).toBe(201);
    await eventually(async () => (await getJson(app.url, `/orders/${id('status')}`)).body['createdPublished'] === true, 15_000, 'confirmation');
    expect((await postJson(app.url, `/orders/${id('status')}/pay`)).status).toBe(200);
    expect((await postJson(app.url, `/orders/${id('status')}/ship`)).status).toBe(200);
    expect((await postJson(app.url, `/orders/${id('status')}/ship`)).status).toBe(409);
    await eventually(async () => (await countOf(app, `SELECT version AS n FROM order_status_view WHERE order_id = $1`, [id('status')])) === 3, 15_000, 'shipped on the status stream');
    expect(await countOf(app, `SELECT COUNT(*) AS n FROM status_outbox WHERE order_id = $1`, [id('status')])).toBe(0);
    expect(await countOf(app, `SELECT COUNT(*) AS n FROM status_violations WHERE order_id = $1`, [id('status')])).toBe(0);
  }, 30_000);
});
